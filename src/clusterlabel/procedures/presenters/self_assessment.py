"""The self-assessment questionnaire: its rows by category, how far it is answered, which rows
carry errors, and when it is due. Built from the prefetched answers and evidence (no query per
indicator) and, for a manager editing it, the bound fields of the form."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clusterlabel.core.formatting import localized
from clusterlabel.core.templatetags.form_errors import field_anchor
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.schemes import Category, Indicator
from clusterlabel.procedures import services
from clusterlabel.procedures.facts import procedure_rules
from clusterlabel.procedures.models import Evidence, Procedure, SelfAssessmentAnswer
from clusterlabel.procedures.selectors import procedure_deadline
from clusterlabel.procedures.self_assessment_forms import EVIDENCE_ACCEPT, SelfAssessmentForm
from clusterlabel.procedures.uploads import ALLOWED_TYPES, max_upload_bytes
from clusterlabel.procedures.values import from_json


def anchor(indicator_id: str) -> str:
    """The id of an indicator's row on the page."""
    return f"indicator-{indicator_id}"


@dataclass
class IndicatorRow:
    indicator: Indicator
    anchor: str
    answer: SelfAssessmentAnswer | None
    value: Any  # the domain value: Decimal, bool, choice id or None
    choice_name: Any  # the chosen choice's Text, for choice indicators
    evidence: list[Evidence]
    value_field: Any = None
    comment_field: Any = None
    evidence_field: Any = None

    @property
    def answered(self) -> bool:
        return self.value is not None

    @property
    def comment(self) -> str:
        return self.answer.comment if self.answer else ""

    @property
    def evidence_missing(self) -> bool:
        return self.indicator.evidence_required and not self.evidence


@dataclass(frozen=True)
class ErrorEntry:
    """One line of the error summary: an indicator, linked to its first field with an error,
    and every error of its fields."""

    href: str
    label: str
    errors: list[str]


def error_entry(row: IndicatorRow) -> ErrorEntry:
    fields = [f for f in (row.value_field, row.comment_field, row.evidence_field) if f.errors]
    return ErrorEntry(
        href=field_anchor(fields[0]),
        label=f"{row.indicator.id} {localized(row.indicator.name)}",
        errors=[str(error) for field in fields for error in field.errors],
    )


@dataclass
class CategorySection:
    category: Category
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answered)

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SelfAssessmentDue:
    """When the self-assessment is due, and whether that has passed while it is still open."""

    due: date
    overdue: bool
    days_left: int
    from_assessment_date: bool
    days_before_assessment: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def due(procedure: Procedure, *, is_open: bool, today: date) -> SelfAssessmentDue | None:
    rules = procedure_rules(procedure)
    days_before = rules.self_assessment_due_days_before_assessment
    if procedure.assessment_date:
        due = flow.self_assessment_due_date(procedure.assessment_date, rules)
        return SelfAssessmentDue(
            due=due,
            overdue=is_open and today > due,
            days_left=(due - today).days,
            from_assessment_date=True,
            days_before_assessment=days_before,
        )
    # Before the contract nothing is owed yet, and after the submission the procedure's
    # deadline belongs to the next step, not to the self-assessment.
    if procedure.state != flow.State.CONTRACTED:
        return None
    deadline = procedure_deadline(procedure, today=today)
    if deadline is None:
        return None
    return SelfAssessmentDue(
        due=deadline.due,
        overdue=deadline.overdue,
        days_left=deadline.days_left,
        from_assessment_date=False,
        days_before_assessment=days_before,
    )


def sections(procedure: Procedure, form: SelfAssessmentForm | None) -> list[CategorySection]:
    """The questionnaire by category, from the prefetched answers and evidence (no query per
    indicator)."""
    scheme = procedure.scheme
    answers = {answer.indicator_id: answer for answer in procedure.answers.all()}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in procedure.evidence.all():
        evidence[item.indicator_id].append(item)
    result = []
    for category in scheme.categories:
        section = CategorySection(category=category)
        for indicator in scheme.indicators_in(category.id):
            answer = answers.get(indicator.id)
            value = from_json(indicator, answer.value) if answer else None
            choice_name = None
            if indicator.type == "choice" and value is not None:
                choice_name = next((c.name for c in indicator.choices if c.id == value), None)
            row = IndicatorRow(
                indicator=indicator,
                anchor=anchor(indicator.id),
                answer=answer,
                value=value,
                choice_name=choice_name,
                evidence=evidence.get(indicator.id, []),
            )
            if form is not None:
                row.value_field = form[form.value_name(indicator.id)]
                row.comment_field = form[form.comment_name(indicator.id)]
                row.evidence_field = form[form.evidence_name(indicator.id)]
            section.rows.append(row)
        result.append(section)
    return result


def questionnaire_page(
    procedure: Procedure,
    *,
    form: SelfAssessmentForm | None,
    is_manager: bool,
    today: date,
    kept: list[Evidence] | None = None,
) -> dict[str, Any]:
    """Everything the questionnaire page shows: read-only without ``form``, else with the
    form's fields in each row and the rows whose fields have errors listed first. ``kept``:
    the files of a failed save that were stored all the same (the summary names them)."""
    is_open = procedure.state in services.SELF_ASSESSMENT_OPEN
    by_category = sections(procedure, form)
    rows = [row for section in by_category for row in section.rows]
    error_rows = []
    if form is not None and form.is_bound and form.errors:
        error_rows = [
            row
            for row in rows
            if row.value_field.errors or row.comment_field.errors or row.evidence_field.errors
        ]
    return {
        "procedure": procedure,
        "scheme": procedure.scheme,
        "level": procedure.level,
        "form": form,
        "editable": form is not None,
        "is_manager": is_manager,
        "is_open": is_open,
        "sections": by_category,
        "answered": sum(1 for row in rows if row.answered),
        "total": len(rows),
        "unanswered": [row for row in rows if not row.answered],
        "evidence_missing": [row for row in rows if row.evidence_missing] if is_open else [],
        "error_rows": error_rows,
        "error_entries": [error_entry(row) for row in error_rows],
        "kept_files": kept or [],
        "kept_names": ", ".join(f"{e.original_name} ({e.indicator_id})" for e in kept or []),
        "due": due(procedure, is_open=is_open, today=today),
        "evidence_accept": EVIDENCE_ACCEPT,
        "evidence_types": ", ".join(sorted(ALLOWED_TYPES)),
        "evidence_max_bytes": max_upload_bytes(),
    }
