"""The assessor's own profile forms: what they speak, know and assess, a qualification, a
declared conflict. The services validate again; these forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlabel.assessors.choices import QualificationKindChoices
from clusterlabel.assessors.models import AssessorProfile
from clusterlabel.assessors.presenters import level_names
from clusterlabel.core.countries import country_choices
from clusterlabel.core.form_fields import choice_field, model_choice_field
from clusterlabel.core.language import current_language
from clusterlabel.core.language_names import language_choices
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.models import Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    """Languages, sectors and the countries the assessor assesses in."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you assess in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors you know"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries you may assess in"),
        required=False,
        help_text=_("Choose none if you may assess in any country."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, profile: AssessorProfile | None, **kwargs: Any) -> None:
        if profile is not None:
            kwargs.setdefault(
                "initial",
                {
                    "languages": profile.languages,
                    "sectors": profile.sectors,
                    "countries": profile.countries,
                },
            )
        super().__init__(*args, **kwargs)
        language = current_language()
        choice_field(self, "languages").choices = language_choices(language)
        choice_field(self, "countries").choices = country_choices(language)


class QualificationForm(forms.Form):
    """A qualification for one level of one scheme; the secretariat confirms it later."""

    level = forms.ChoiceField(label=_("Scheme and level"))
    kind = forms.ChoiceField(label=_("Kind"), choices=QualificationKindChoices.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "qualification")
        super().__init__(*args, **kwargs)
        choice_field(self, "level").choices = [
            (f"{scheme_id}:{level_id}", name)
            for (scheme_id, level_id), name in level_names(current_language()).items()
        ]

    def scheme_and_level(self) -> tuple[str, str]:
        scheme_id, _sep, level_id = self.cleaned_data["level"].partition(":")
        return scheme_id, level_id


class DeclaredConflictForm(forms.Form):
    """A conflict of interest with one organisation, declared once for every procedure."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    since = forms.DateField(label=_("Since"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("What connects you with it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: worked for it until 2022, member of its board, advises it."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "conflict")
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations
