"""Forms of the assessment pages: the panel, the conflict declaration, scores and the report.

The forms only parse and check the shape of the input; whether a step is allowed and whether a
value can be scored is decided by the services and the domain core.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import holders
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.core.form_fields import choice_field, model_choice_field
from clusterlabel.core.language import lang_of
from clusterlabel.core.reasons import describe
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import ValueProblem
from clusterlabel.domain.numbers import decimal_places, tidy
from clusterlabel.domain.schemes import Indicator
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.procedures.choices import AssessmentMode
from clusterlabel.procedures.models import IndicatorScore, Procedure
from clusterlabel.procedures.self_assessment_forms import IndicatorNumberField, format_decimal
from clusterlabel.procedures.values import from_json

# --- indicator values: parsing what people type, showing what is stored ----------------------


def display_value(indicator: Indicator, value: IndicatorValue, *, language: str) -> str:
    """A stored value for reading: localised number with its unit, yes/no, or the choice's
    name; an em dash when there is none."""
    language = lang_of(language)
    if value is None:
        return "—"
    if indicator.type == "boolean":
        return str(_("yes") if value else _("no"))
    if indicator.type == "choice":
        for choice in indicator.choices:
            if choice.id == value:
                return choice.name.get(language)
        return str(value)
    number = Decimal(value).normalize()
    places = decimal_places(number)
    text = formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    if indicator.type == "percent":
        return f"{text} %"
    if indicator.unit is not None:
        return f"{text} {indicator.unit.get(language)}"
    return text


def value_problem_message(problem: ValueProblem) -> str:
    """A sentence for a value the domain refused, in the active language."""
    params = problem.params
    if problem.code == "out_of_range":
        low, high = params.get("min"), params.get("max")
        shown = {
            "min": formats.number_format(low, use_l10n=True) if low is not None else "",
            "max": formats.number_format(high, use_l10n=True) if high is not None else "",
        }
        if low is not None and high is not None:
            return str(_("Enter a value between %(min)s and %(max)s.") % shown)
        if low is not None:
            return str(_("Enter a value of at least %(min)s.") % shown)
        return str(_("Enter a value of at most %(max)s.") % shown)
    if problem.code == "unknown_choice":
        return str(_("Choose one of the answers listed."))
    if problem.code == "wrong_type":
        return str(_("This kind of value does not fit the indicator."))
    if problem.code == "unknown_indicator":
        return str(_("The scheme has no such indicator."))
    return problem.message


class ScoreNumberField(IndicatorNumberField):
    """A number typed the way the self-assessment reads it (German "12,5" and "1.500", English
    "12.5" and "1,500"), within the indicator's bounds; a stored value is put back into the
    input with the page's decimal mark and no grouping, so it reads back unchanged."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format_decimal(tidy(value), self.language)
        return value


# --- the panel ---------------------------------------------------------------------------------


def earliest_assessment_date(procedure: Procedure, today: date) -> date:
    """The first date the assessment may be on: the scheme's preparation days from today."""
    days = procedure.scheme.procedure.self_assessment_due_days_before_assessment or 0
    return today + timedelta(days=days)


class AssessorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class PanelForm(forms.Form):
    """The secretariat's proposal: who assesses, when, and how."""

    assessors = AssessorChoiceField(
        label=_("Assessors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the assessors of the panel.")},
    )
    assessment_date = forms.DateField(
        label=_("Assessment date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    assessment_mode = forms.ChoiceField(label=_("Assessment mode"))

    def __init__(self, *args: Any, procedure: Procedure, today: date, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "assessors": [a.assessor_id for a in procedure.assignments.all()],
                "assessment_date": procedure.assessment_date,
                "assessment_mode": procedure.assessment_mode,
            },
        )
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.today = today
        self.earliest = earliest_assessment_date(procedure, today)
        version = procedure.scheme_version
        model_choice_field(self, "assessors").queryset = holders(
            Role.ASSESSOR, version.scheme_id, version.operator_id
        ).order_by("last_name", "first_name", "username")
        choice_field(self, "assessment_mode").choices = [
            (mode, AssessmentMode(mode).label)
            for mode in procedure.scheme.procedure.assessment_modes
        ]
        self.fields["assessment_date"].widget.attrs["min"] = self.earliest.isoformat()
        self.fields["assessment_date"].help_text = _("%(date)s at the earliest.") % {
            "date": formats.date_format(self.earliest, "SHORT_DATE_FORMAT")
        }

    def clean_assessment_date(self) -> date:
        chosen: date = self.cleaned_data["assessment_date"]
        if chosen < self.earliest:
            days = self.procedure.scheme.procedure.self_assessment_due_days_before_assessment or 0
            raise forms.ValidationError(
                describe(
                    flow.Blocked(
                        "assessment_too_soon",
                        {"assessment_date": chosen, "earliest": self.earliest, "days": days},
                    )
                ),
                code="too_soon",
            )
        return chosen


# --- conflict of interest ------------------------------------------------------------------------


class ConflictForm(forms.Form):
    """Either "no conflict" (the box ticked) or "a conflict" (described)."""

    NO_CONFLICT = "none"
    CONFLICT = "conflict"

    declaration = forms.ChoiceField(
        choices=[(NO_CONFLICT, NO_CONFLICT), (CONFLICT, CONFLICT)], widget=forms.HiddenInput
    )
    no_conflict = forms.BooleanField(
        label=_("I have no conflict of interest with this organisation"),
        required=False,
        help_text=_(
            "No employment, membership, business relation, consulting or family tie with the "
            "organisation or its management in the last three years."
        ),
    )
    note = forms.CharField(
        label=_("Describe the conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You leave the panel; the secretariat finds another assessor."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # Form.clean() is typed to maybe return None
        if cleaned.get("declaration") == self.NO_CONFLICT and not cleaned.get("no_conflict"):
            self.add_error(
                "no_conflict",
                _("Tick the box to declare that you have no conflict of interest."),
            )
        if cleaned.get("declaration") == self.CONFLICT and not cleaned.get("note", "").strip():
            self.add_error("note", _("Please describe the conflict of interest."))
        return cleaned


# --- scores --------------------------------------------------------------------------------------


class ScoreForm(forms.Form):
    """The panel's score for one indicator. Each indicator has its own form on the page; the
    field ids carry the indicator id so they stay unique."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_seen = forms.CharField(
        label=_("Evidence seen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Which documents or proof the panel checked."),
    )
    based_on_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        indicator: Indicator,
        score: IndicatorScore | None,
        language: str,
        **kwargs: Any,
    ) -> None:
        self.indicator = indicator
        self.language = lang_of(language)
        initial: dict[str, Any] = {"based_on_revision": score.revision if score else 0}
        if score is not None:
            initial.update(
                value=self._initial_value(from_json(indicator, score.value)),
                comment=score.comment,
                evidence_seen=score.evidence_seen,
            )
        kwargs.setdefault("auto_id", f"id_{indicator.id}_%s")
        super().__init__(data, initial=initial, **kwargs)
        self.fields = {"value": self._value_field(), **self.fields}
        if indicator.evidence_required:
            self.fields["evidence_seen"].required = True
            self.fields["evidence_seen"].error_messages["required"] = _(
                "This indicator needs a record of the evidence seen."
            )

    def _initial_value(self, value: IndicatorValue) -> Any:
        if self.indicator.type == "boolean" and value is not None:
            return "yes" if value else "no"
        return value

    def _value_field(self) -> forms.Field:
        indicator = self.indicator
        required = {"required": _("Enter the panel's value.")}
        if indicator.type == "boolean":
            return forms.TypedChoiceField(
                label=_("Panel's value"),
                choices=[("yes", _("yes")), ("no", _("no"))],
                coerce=lambda answer: answer == "yes",
                widget=forms.RadioSelect,
                error_messages=required,
            )
        if indicator.type == "choice":
            return forms.ChoiceField(
                label=_("Panel's value"),
                choices=[(c.id, c.name.get(self.language)) for c in indicator.choices],
                widget=forms.RadioSelect,
                error_messages=required,
            )
        low, high = indicator.bounds()
        help_text = ""
        if low is not None and high is not None:
            help_text = _("From %(min)s to %(max)s.") % {
                "min": format_decimal(tidy(low), self.language),
                "max": format_decimal(tidy(high), self.language),
            }
        elif low is not None:
            help_text = _("At least %(min)s.") % {"min": format_decimal(tidy(low), self.language)}
        unit = (
            "%"
            if indicator.type == "percent"
            else (indicator.unit.get(self.language) if indicator.unit else "")
        )
        field = ScoreNumberField(
            indicator=indicator,
            language=self.language,
            label=_("Panel's value"),
            help_text=help_text,
            error_messages=required,
        )
        field.unit = unit  # type: ignore[attr-defined]
        return field

    def add_value_problems(self, problems: list[ValueProblem]) -> None:
        for problem in problems:
            self.add_error(
                "value" if problem.indicator_id == self.indicator.id else None,
                value_problem_message(problem),
            )


# --- the report -----------------------------------------------------------------------------------


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the assessment report"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("The report needs a summary.")},
        help_text=_(
            "Strengths, weaknesses and recommendations. Saving agrees to the report; if you "
            "change the text, the other assessors must agree again."
        ),
    )
