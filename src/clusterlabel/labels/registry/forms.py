"""The registry's forms: the filters of the registry page and the statistics page's question.

Both turn what was typed into a :class:`~clusterlabel.labels.registry_filters.RegistryFilters`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.countries import country_name
from clusterlabel.core.form_fields import choice_field
from clusterlabel.core.text import header_key
from clusterlabel.core.widgets import QuickSelect
from clusterlabel.labels.registry.filters import (
    DEFAULT_SORT,
    SORT_CHOICES,
    STATUS_CHOICES,
    RegistryFilters,
    SchemeCatalogue,
    family_in_question,
    family_name,
    region_name,
)
from clusterlabel.labels.registry.name_search import name_search_terms
from clusterlabel.organisations.choices import Sector

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # the stubs' type of a lazy string

COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


# The calendar the registry answers for: a day outside it cannot hold a label, and the day
# after 9999-12-31 (or the zone's start of 0001-01-01) is past what a date can hold.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


class DayField(forms.DateField):
    """A date field whose error names what was typed, for a day of the registry's calendar."""

    default_error_messages = {
        "invalid": _("“%(value)s” is not a date. Use the form YYYY-MM-DD, e.g. 2016-01-15."),
        "out_of_range": _(
            "“%(value)s” lies outside the dates the registry covers (%(first)s to %(last)s)."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "value": value.isoformat(),
                    "first": FIRST_DAY.isoformat(),
                    "last": LAST_DAY.isoformat(),
                },
            )


def _place_choices(
    codes: Iterable[str], blank: str, current: str, name: Any = str
) -> list[tuple[str, str]]:
    named = {code: name(code) for code in [*codes, current] if code}
    # By name, as the reader looks them up ("Deutschland, Niederlande, Österreich").
    return [("", blank), *sorted(named.items(), key=lambda option: header_key(option[1]))]


class RegistryFilterForm(forms.Form):
    """The registry's filters (all optional). A value that is not valid is reported on its
    field and filters nothing; the other filters still apply."""

    q = forms.CharField(
        label=_("Name or certificate number"),
        required=False,
        max_length=200,
        help_text=_(
            "Part of the organisation's legal name or of the cluster's name, or a certificate "
            "number (or its start, such as ECEI-G-2024)."
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    # The selects are QuickSelects: the same HTML as Django's, without a template per option.
    family = forms.ChoiceField(label=_("Label family"), required=False, widget=QuickSelect)
    scheme = forms.ChoiceField(label=_("Scheme"), required=False, widget=QuickSelect)
    level = forms.ChoiceField(label=_("Level"), required=False, widget=QuickSelect)
    country = forms.CharField(label=_("Country"), required=False, max_length=8)
    region = forms.CharField(label=_("State or region"), required=False, max_length=12)
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("any sector")), *Sector.choices],
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("Status today"), required=False, choices=STATUS_CHOICES, widget=QuickSelect
    )
    valid_on = DayField(
        label=_("Valid on"),
        required=False,
        help_text=_("Only labels that were (or will be) valid on this day."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORT_CHOICES,
        widget=QuickSelect,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a sort order of this list; it is sorted by "
                "“valid until”, latest first."
            )
        },
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        catalogue: SchemeCatalogue,
        places: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        places = list(places)
        choice_field(self, "family").choices = [
            ("", _("any label family")),
            *((family, family_name(family)) for family in catalogue.families()),
        ]
        choice_field(self, "scheme").choices = [
            ("", _("any scheme")),
            *(
                (scheme_id, catalogue.scheme_name(scheme_id))
                for scheme_id in sorted(
                    catalogue.schemes, key=lambda s: (catalogue.schemes[s].family, s)
                )
            ),
        ]
        ranks = catalogue.level_ranks()
        choice_field(self, "level").choices = [
            ("", _("any level")),
            *sorted(catalogue.level_names().items(), key=lambda item: ranks.get(item[0], 0)),
        ]
        typed = data or {}
        self.fields["country"].widget = QuickSelect(
            choices=_place_choices(
                sorted({country for country, _region in places}),
                str(_("any country")),
                str(typed.get("country", "")).strip().upper(),
                country_name,
            )
        )
        self.fields["region"].widget = QuickSelect(
            choices=_place_choices(
                sorted({region for _country, region in places if region}),
                str(_("any state or region")),
                str(typed.get("region", "")).strip().upper(),
                region_name,
            )
        )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"].strip()
        if query and not name_search_terms(query):
            raise ValidationError(_("Enter at least one letter or digit of the name."))
        return query

    def _code(self, field: str, pattern: re.Pattern[str], message: StrOrPromise) -> str:
        """An upper-cased ISO code, or a field error that quotes what was typed."""
        code = self.cleaned_data[field].strip().upper()
        if code and not pattern.match(code):
            raise ValidationError(message, params={"value": self.cleaned_data[field]})
        return code

    def clean_country(self) -> str:
        return self._code(
            "country",
            COUNTRY_CODE,
            _("“%(value)s” is not a two-letter country code (ISO 3166-1, e.g. DE)."),
        )

    def clean_region(self) -> str:
        return self._code(
            "region",
            REGION_CODE,
            _("“%(value)s” is not a state or region code (ISO 3166-2, e.g. DE-BW)."),
        )

    def filters(self) -> RegistryFilters:
        """The valid filters (invalid ones are left out and reported on their fields)."""
        self.is_valid()
        data = self.cleaned_data
        return RegistryFilters(
            q=data.get("q", ""),
            family=data.get("family", ""),
            scheme=data.get("scheme", ""),
            level=data.get("level", ""),
            country=data.get("country", ""),
            region=data.get("region", ""),
            sector=data.get("sector", ""),
            status="" if data.get("status") == "any" else data.get("status", ""),
            valid_on=data.get("valid_on"),
            sort=data.get("sort") or DEFAULT_SORT,
        )


class QuestionForm(forms.Form):
    """ "How many organisations in <region> hold <label> on <date>?" (field names prefixed
    ``ask-`` in the URL)."""

    region = forms.CharField(label=_("In"), required=False, max_length=12)
    label = forms.ChoiceField(label=_("hold"))
    on = DayField(label=_("on"))

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        catalogue: SchemeCatalogue,
        places: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "ask")
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(data, **kwargs)
        typed = str((data or {}).get(self.add_prefix("region"), "")).strip().upper()
        self.fields["region"].widget = forms.Select(
            choices=_place_choices(
                sorted({region for _country, region in places if region}),
                str(_("any state or region")),
                typed,
                region_name,
            )
        )
        choice_field(self, "label").choices = [
            *((f"family:{family}", family_in_question(family)) for family in catalogue.families()),
            *catalogue.label_options(),
        ]

    def clean_region(self) -> str:
        code = self.cleaned_data["region"].strip().upper()
        if code and not REGION_CODE.match(code):
            raise ValidationError(
                _("“%(value)s” is not a state or region code (ISO 3166-2, e.g. DE-BW)."),
                params={"value": self.cleaned_data["region"]},
            )
        return code

    def registry_filters(self) -> RegistryFilters:
        """The registry filters that answer the question (call after ``is_valid()``)."""
        data = self.cleaned_data
        kind, _sep, rest = data["label"].partition(":")
        if kind == "family":
            family, scheme, level = rest, "", ""
        else:
            family, scheme, level = "", kind, rest
        return RegistryFilters(
            family=family,
            scheme=scheme,
            level=level,
            region=data["region"],
            valid_on=data["on"],
            sort="organisation",
        )
