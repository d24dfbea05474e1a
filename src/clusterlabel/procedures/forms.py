"""Forms of the procedure pages outside the assessment and the questionnaire: applying, the
board's vote and conflict declaration, and the authority's decision. They parse and check the
shape of the input; whether a step is allowed is decided by the services and the domain."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlabel.core.form_fields import choice_field, model_choice_field
from clusterlabel.core.formatting import scheme_and_level
from clusterlabel.domain.schemes import Lang
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.assessment_forms import ConflictForm
from clusterlabel.procedures.choices import AssessmentMode, ProcedureState, Process
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.services.improvement import ImprovementAreaInput
from clusterlabel.schemes.selectors import scheme_versions_current

# --- applying --------------------------------------------------------------------------------


def _scheme_and_level(scheme_name: str, level_name: str) -> str:
    if level_name in scheme_name:
        return scheme_name
    return f"{scheme_name} \N{EN DASH} {level_name}"


def _previous_assessment(procedure: Procedure) -> str:
    """An earlier awarded procedure as a person picks it: "P-2026-0003 · ECEI-Label Bronze ·
    4. Dezember 2026", in the page's language (not the model's English name and level id)."""
    parts = [procedure.reference, scheme_and_level(procedure)]
    if procedure.decided_at is not None:
        day = timezone.localdate(procedure.decided_at)
        parts.append(formats.date_format(day, "DATE_FORMAT"))
    return " \N{MIDDLE DOT} ".join(parts)


class PreviousAssessmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Procedure) -> str:
        return _previous_assessment(obj)


class ApplicationForm(forms.Form):
    scheme_level = forms.ChoiceField(label=gettext_lazy("Scheme and level"))
    process = forms.ChoiceField(label=gettext_lazy("Process"), choices=Process.choices)
    assessment_mode = forms.ChoiceField(
        label=gettext_lazy("Assessment"), choices=AssessmentMode.choices
    )
    previous_procedure = PreviousAssessmentField(
        label=gettext_lazy("Previous assessment"),
        queryset=Procedure.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "For a renewal, and for ECEI Silver: the assessment this one is compared with."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the secretariat"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, language: Lang, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in scheme_versions_current()}
        choices = []
        for version in self.versions.values():
            scheme = version.scheme
            for level in scheme.levels:
                choices.append(
                    (
                        f"{version.pk}:{level.id}",
                        _scheme_and_level(scheme.name.get(language), level.name.get(language)),
                    )
                )
        choice_field(self, "scheme_level").choices = choices
        model_choice_field(self, "previous_procedure").queryset = organisation.procedures.filter(
            state=ProcedureState.AWARDED
        ).select_related("scheme_version")
        self._add_area_fields(language)

    def _add_area_fields(self, language: Lang) -> None:
        """The improvement areas of a level with an improvement rule (ECEI Silver): per area
        the category, what was improved and the evidence (a file, a reference, or both)."""
        categories: dict[str, str] = {}
        count = 0
        for version in self.versions.values():
            for level in version.scheme.levels:
                rule = level.award.improvement
                if rule is None or rule.improvement_areas is None:
                    continue
                count = max(count, rule.improvement_areas)
                for category in version.scheme.categories:
                    categories.setdefault(category.id, category.name.get(language))
        self.area_count = count
        for position in range(1, count + 1):
            self.fields[f"area_{position}_category"] = forms.ChoiceField(
                label=_("Improvement area %(number)s: category") % {"number": position},
                choices=[("", "—"), *categories.items()],
                required=False,
            )
            self.fields[f"area_{position}_description"] = forms.CharField(
                label=_("What was improved"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )
            self.fields[f"area_{position}_evidence"] = forms.CharField(
                label=_("Evidence: where it can be found"),
                required=False,
                max_length=2000,
                help_text=_("A document, a link or a page of the self-assessment."),
            )
            self.fields[f"area_{position}_file"] = forms.FileField(
                label=_("Evidence: file"), required=False
            )

    def main_fields(self) -> list[forms.BoundField]:
        """The application's fields without the improvement areas."""
        return [field for field in self if not field.name.startswith("area_")]

    def area_groups(self) -> list[list[forms.BoundField]]:
        """The improvement areas' fields, one list per area."""
        return [
            [
                self[f"area_{position}_{part}"]
                for part in ("category", "description", "evidence", "file")
            ]
            for position in range(1, self.area_count + 1)
        ]

    def improvement_areas(self) -> list[ImprovementAreaInput]:
        """The areas typed, for a level with improvement areas (none for any other level)."""
        version = self.cleaned_data.get("scheme_version")
        level_id = self.cleaned_data.get("level_id")
        if version is None or not level_id:
            return []
        rule = version.scheme.level(level_id).award.improvement
        if rule is None or rule.improvement_areas is None:
            return []
        return [
            ImprovementAreaInput(
                category_id=self.cleaned_data.get(f"area_{position}_category") or "",
                description=self.cleaned_data.get(f"area_{position}_description") or "",
                evidence_reference=self.cleaned_data.get(f"area_{position}_evidence") or "",
                upload=self.cleaned_data.get(f"area_{position}_file"),
            )
            for position in range(1, self.area_count + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("scheme_level")
        if value:
            version_pk, _sep, level_id = value.partition(":")
            cleaned["scheme_version"] = self.versions[int(version_pk)]
            cleaned["level_id"] = level_id
        return cleaned


# --- the advisory board and the decision -----------------------------------------------------


class VoteForm(forms.Form):
    in_favour = forms.TypedChoiceField(
        label=gettext_lazy("Recommendation"),
        choices=[
            ("yes", gettext_lazy("I recommend awarding the label")),
            ("no", gettext_lazy("I recommend refusing the label")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Required when you recommend refusing."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("in_favour") is False and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("A vote against the award needs a reason."))
        return cleaned


class BoardConflictForm(ConflictForm):
    """The assessors' declaration form; a board member with a conflict sits the round out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = gettext_lazy(
            "You take no part in this round of the board review and do not see the file."
        )


AWARD_CHOICE = ("award", gettext_lazy("Award the label"))
REFUSE_CHOICE = ("refuse", gettext_lazy("Refuse the label"))


class DecisionForm(forms.Form):
    """The authority's decision; ``award_possible=False`` (the award rules are not met) leaves
    only the refusal, so the page does not offer a step it then refuses."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[AWARD_CHOICE, REFUSE_CHOICE],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Required when refusing; recorded in the audit trail."),
    )

    def __init__(self, *args, award_possible: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not award_possible:
            decision = choice_field(self, "decision")
            decision.choices = [REFUSE_CHOICE]
            decision.initial = REFUSE_CHOICE[0]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("A refusal needs a reason."))
        return cleaned


# --- the on-site review of a Silver improvement area ------------------------------------------


class AreaReviewForm(forms.Form):
    """An assessor's verdict on one improvement area: validated against its Gold criteria or
    not, with a comment (required when not validated)."""

    validated = forms.TypedChoiceField(
        label=gettext_lazy("Validated against the Gold criteria"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the area is not validated."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("validated") is False and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Please say why the area is not validated."))
        return cleaned
