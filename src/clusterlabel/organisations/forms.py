"""The organisation profile form: the profile's fields, one share per funding kind, programmes
and (for the secretariat) the cluster managers.

The form parses and shows errors; the rules live in ``services`` (``organisation_rule_errors``)
and are asked here only so that every problem is shown at once, next to its field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from clusterlabel.accounts.models import User
from clusterlabel.core.countries import (
    country_choices,
    country_name,
    parse_country,
    parse_subdivision,
)
from clusterlabel.core.form_fields import choice_field
from clusterlabel.core.language import current_language
from clusterlabel.domain.access import STAFF_ROLES
from clusterlabel.organisations.choices import FundingKind
from clusterlabel.organisations.models import Organisation, Programme
from clusterlabel.organisations.services import PROFILE_FIELDS, organisation_rule_errors
from clusterlabel.schemes.selectors import scheme_versions_current


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed the way the reader writes numbers: "3,5" and "850.000" in German,
    "3.5" and "850,000" in English.

    Django's localised parsing leaves the grouping separator in place unless
    ``USE_THOUSAND_SEPARATOR`` is set, so "850.000" would be read as 850 in German. Here a
    grouping separator is removed when the digits around it are grouped in threes, and kept
    (as a decimal point) otherwise: "3.5" stays 3.5 in German.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["localize"] = True
        super().__init__(**kwargs)

    # django-stubs derive DecimalField from IntegerField's int-returning to_python; Django's
    # DecimalField returns a Decimal, as this one does.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace("\u202f", "")
            grouping = str(get_format("THOUSAND_SEPARATOR"))
            decimal = str(get_format("DECIMAL_SEPARATOR"))
            if grouping and grouping != decimal:
                grouped = re.compile(
                    rf"^[+-]?\d{{1,3}}(?:{re.escape(grouping)}\d{{3}})+"
                    rf"(?:{re.escape(decimal)}\d*)?$"
                )
                if grouped.match(value):
                    value = value.replace(grouping, "")
        return super().to_python(value)


class WebsiteField(forms.URLField):
    """A website; an address typed without a scheme is taken as https."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def share_field_name(kind: str) -> str:
    return f"share_{kind}"


class ManagerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.email})" if obj.email else name


class OrganisationForm(forms.ModelForm):
    """The profile. ``with_managers`` adds the choice of cluster managers (the secretariat's)."""

    # A code or a name (chosen from the list, or sent by a client); stored as the ISO code.
    country = forms.CharField(
        label=Organisation._meta.get_field("country").verbose_name,
        max_length=80,
        widget=forms.Select(attrs={"autocomplete": "country"}),
        help_text=_("The country of the seat."),
    )
    region = forms.CharField(
        label=Organisation._meta.get_field("region").verbose_name,
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"size": 24, "spellcheck": "false"}),
        help_text=_("Name or ISO 3166-2 code, e.g. Baden-Württemberg or DE-BW."),
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programme memberships"),
        queryset=Programme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The profile's revision when the form was filled in (``Organisation.revision``).
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = PROFILE_FIELDS
        field_classes = {
            "staff_fte": LocalizedDecimalField,
            "annual_budget": LocalizedDecimalField,
            "website": WebsiteField,
        }
        widgets = {
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        help_texts = {
            "members_smes": _("Small and medium-sized enterprises among the companies."),
            "staff_fte": _("Full-time equivalents of the cluster management team."),
        }

    def __init__(self, *args: Any, with_managers: bool = False, **kwargs: Any) -> None:
        instance: Organisation | None = kwargs.get("instance")
        initial = dict(kwargs.pop("initial", None) or {})
        if instance is not None and instance.pk:
            for source in instance.funding_sources.all():
                initial.setdefault(share_field_name(source.kind), source.share_percent)
            initial.setdefault("programmes", list(instance.programmes.all()))
            initial.setdefault("revision", instance.revision)
            if with_managers:
                initial.setdefault("managers", list(instance.managers.all()))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country.widget, forms.Select)
        country.widget.choices = [("", "—"), *country_choices()]
        for kind, label in FundingKind.choices:
            self.fields[share_field_name(kind)] = LocalizedDecimalField(
                label=label,
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=5,
                decimal_places=2,
            )
        if with_managers:
            self.fields["managers"] = ManagerChoiceField(
                label=_("Cluster managers"),
                queryset=User.objects.filter(is_active=True)
                .exclude(grants__role__in=sorted(STAFF_ROLES))
                .order_by("last_name", "first_name", "username"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "The accounts that manage this organisation's profile and applications."
                ),
            )

    def clean_country(self) -> str:
        """An ISO 3166-1 code; a code or a name typed in any of the common languages is
        taken too (an API client or a pasted value)."""
        typed = (self.cleaned_data.get("country") or "").strip()
        if not typed:
            return ""
        code = parse_country(typed)
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not a country: choose one from the list."),
                code="unknown_country",
                params={"value": typed},
            )
        return code

    def clean_vat_id(self) -> str:
        """Written as printed on letterheads ("ATU 123 456 78", "de123456789"): spaces, dots
        and dashes removed, letters upper-cased; the model's format check follows."""
        typed = self.cleaned_data.get("vat_id") or ""
        return re.sub(r"[\s.\-]", "", typed).upper()

    def clean_region(self) -> str:
        """An ISO 3166-2 code, from the code or the name of a state or region of the chosen
        country."""
        typed = (self.cleaned_data.get("region") or "").strip()
        if not typed:
            return ""
        country = self.cleaned_data.get("country") or None
        code = parse_subdivision(typed, country)
        if code is not None:
            return code
        if re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}", typed):
            return typed.upper()  # a code of another country: the profile rule names it
        if country:
            raise ValidationError(
                _(
                    "“%(value)s” is not a state or region of %(country)s: write its name or "
                    "its ISO 3166-2 code (e.g. DE-BW)."
                ),
                code="unknown_region",
                params={"value": typed, "country": country_name(country)},
            )
        raise ValidationError(
            _("“%(value)s” is not a state or region: write its ISO 3166-2 code (e.g. DE-BW)."),
            code="unknown_region",
            params={"value": typed},
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # Form.clean() is typed to maybe return None
        errors = organisation_rule_errors(
            country=cleaned.get("country"),
            region=cleaned.get("region"),
            members_companies=cleaned.get("members_companies"),
            members_smes=cleaned.get("members_smes"),
            funding_sources=self.funding_shares() if self._shares_valid() else None,
            vat_id=cleaned.get("vat_id"),
        )
        self.add_service_errors(ValidationError(errors) if errors else None)
        return cleaned

    def _shares_valid(self) -> bool:
        return not any(share_field_name(kind) in self.errors for kind in FundingKind.values)

    # The cleaned values, as the services take them.

    def profile_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in PROFILE_FIELDS}

    def funding_shares(self) -> dict[str, Decimal | None]:
        return {kind: self.cleaned_data.get(share_field_name(kind)) for kind in FundingKind.values}

    @property
    def share_fields(self) -> list[forms.BoundField]:
        return [self[share_field_name(kind)] for kind in FundingKind.values]

    @property
    def funding_errors(self) -> list[str]:
        return [str(error) for error in self.errors.get("funding_sources", [])]

    def add_service_errors(self, error: ValidationError | None) -> None:
        """Show a service's ``ValidationError`` on the fields it names; the shares' total is
        shown with the funding fields, anything else above the form."""
        if error is None:
            return
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, field_errors in error.error_dict.items():
            if field == "funding_sources":
                # Not a form field: kept under its own key for the funding fieldset.
                self.errors.setdefault("funding_sources", self.error_class())
                self.errors["funding_sources"].extend(
                    message for e in field_errors for message in e.messages
                )
            elif field in self.fields:
                for e in field_errors:
                    self.add_error(field, e)
            else:
                for e in field_errors:
                    self.add_error(None, e)


def _scheme_choices() -> list[tuple[str, str]]:
    language = current_language()
    return [(v.scheme_id, v.name(language)) for v in scheme_versions_current()]


class RegistrationForm(OrganisationForm):
    """A new organisation's profile as its future manager enters it, with the scheme it
    intends to apply for (whose secretariat confirms it). No choice of managers: the
    registrant becomes the manager."""

    requested_scheme_id = forms.ChoiceField(
        label=_("Scheme you intend to apply for"),
        help_text=_("Its secretariat checks and confirms your registration."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["with_managers"] = False
        super().__init__(*args, **kwargs)
        choice_field(self, "requested_scheme_id").choices = _scheme_choices()


class ClaimForm(forms.Form):
    """A request to manage an existing organisation."""

    scheme_id = forms.ChoiceField(label=_("Scheme you intend to apply for"))
    note = forms.CharField(
        label=_("Your position in the organisation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("So that the secretariat can check that you work for it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "scheme_id").choices = _scheme_choices()


class DecisionForm(forms.Form):
    """The secretariat's decision on a registration or claim; a rejection needs a reason."""

    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("reject", "reject")])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # Form.clean() is typed to maybe return None
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Please give a reason for the rejection."))
        return cleaned
