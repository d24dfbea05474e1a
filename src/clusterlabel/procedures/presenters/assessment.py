"""The assessment pages: the secretariat's panel, the scoring page (the self-assessment beside
the panel's score, per indicator), the report page, the result summary of the scoring and report
pages, and the computed result the board and the authority read.

Everything here reads what ``procedure_get`` prefetched, so the number of queries does not
depend on the number of indicators or scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.accounts.models import User
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues, Reason
from clusterlabel.domain.schemes import Indicator, Lang, process_of
from clusterlabel.domain.scoring import score_indicator
from clusterlabel.procedures import services
from clusterlabel.procedures.assessment_forms import PanelForm, ReportForm, ScoreForm, display_value
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.facts import disagreements, procedure_facts, scores_missing
from clusterlabel.procedures.models import (
    Evidence,
    IndicatorScore,
    Procedure,
    SelfAssessmentAnswer,
)
from clusterlabel.procedures.results import ProcedureResult, compute_result
from clusterlabel.procedures.values import from_json


def person(user: Any) -> str:
    """A user's name as the pages show it: the full name, else the user name."""
    return user.get_full_name() or user.username


def percent(value: Decimal) -> Decimal:
    """Rounded down for display, so 79.99 % never shows as a passing 80.0 %."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


def rounded(reason: Reason) -> Reason:
    """The reason with its percentages rounded down for reading (79.99 stays below 80)."""
    params = {
        key: percent(value) if key == "percent" and isinstance(value, Decimal) else value
        for key, value in reason.params.items()
    }
    return Reason(reason.code, params)


def step_open(user: User, procedure: Procedure, *steps: flow.Action) -> tuple[bool, list[str]]:
    """Whether ``user`` may take one of ``steps`` now, and what still stands in the way, in
    words (the policy's answer for the procedure page's button of that step)."""
    facts = procedure_facts(procedure, actor=user)
    for option in policy.action_options(user, procedure, facts):
        if option.action in steps:
            return option.allowed, describe_all(option.blocked)
    return False, []


# --- the result so far (scoring and report pages) ------------------------------------------------


def summary(procedure: Procedure, result: ProcedureResult, language: Lang) -> dict[str, Any]:
    """The result box of the scoring and report pages: points, percentages (rounded down),
    minimum criteria, what is missing or not yet agreed, and the award's reasons."""
    scheme = procedure.scheme
    score = result.score
    required = procedure.level.award.min_score_percent
    return {
        "points": score.points,
        "max_points": score.max_points,
        "percent": percent(score.percent),
        "required_percent": required,
        "reaches_required": score.reaches_percent(required) if required is not None else None,
        "failed_minimum": [
            {"id": indicator_id, "name": scheme.indicator(indicator_id).name.get(language)}
            for indicator_id in score.failed_minimum_criteria
        ],
        "minimum_count": len(scheme.minimum_criteria),
        "categories": [
            {
                "category": category,
                "points": score.categories[category.id].points,
                "max_points": score.categories[category.id].max_points,
                "percent": percent(score.categories[category.id].percent),
            }
            for category in scheme.categories
        ],
        "shared": len(procedure.assignments.all()) >= 2,
        "missing": scores_missing(procedure),
        "disagreements": disagreements(procedure),
        "awarded": result.decision.awarded,
        "reasons": describe_all(rounded(reason) for reason in result.decision.reasons),
    }


# --- the scoring page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    """Whether one assessor of a shared panel agreed with a score as it stands."""

    assessor: User
    confirmed: bool


@dataclass(frozen=True)
class ScoringRow:
    """One indicator: the organisation's answer and what it would score, the panel's score,
    who agreed to it, and the form to change it (for the panel while it assesses)."""

    indicator: Indicator
    answer: SelfAssessmentAnswer | None
    own_value: str | None
    own_points: Any
    evidence: list[Evidence]
    score: IndicatorScore | None
    panel_value: str | None
    points: Any
    confirmations: list[Confirmation]
    agreed: bool
    needs_my_confirmation: bool
    form: ScoreForm | None
    alert: str
    saved: bool
    confirmed_now: bool


def _own_points(indicator: Indicator, value: Any) -> Any:
    try:
        return score_indicator(indicator, value).points
    except InvalidIndicatorValues:
        return None


def scoring_page(
    procedure: Procedure,
    *,
    user: User,
    language: Lang,
    editable: bool,
    bound: Mapping[str, ScoreForm] | None = None,
    alerts: Mapping[str, str] | None = None,
    saved: str = "",
    confirmed_now: str = "",
) -> dict[str, Any]:
    """Everything the scoring page shows to ``user``. ``editable``: the panel is assessing and
    ``user`` is on it, so each row has a form (``bound`` ones carry what was typed). ``alerts``
    per indicator; ``saved`` / ``confirmed_now``: the indicator just saved or confirmed."""
    bound = bound or {}
    alerts = alerts or {}
    scheme = procedure.scheme
    assessors = [a.assessor for a in procedure.assignments.all()]
    shared = len(assessors) >= 2
    answers = {a.indicator_id: a for a in procedure.answers.all()}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in procedure.evidence.all():
        evidence[item.indicator_id].append(item)
    scores: dict[str, IndicatorScore] = {s.indicator_id: s for s in procedure.scores.all()}
    result = compute_result(procedure)
    categories: list[dict[str, Any]] = []
    for category in scheme.categories:
        rows = []
        for indicator in scheme.indicators_in(category.id):
            answer = answers.get(indicator.id)
            own_value = from_json(indicator, answer.value) if answer else None
            score = scores.get(indicator.id)
            panel_value = from_json(indicator, score.value) if score else None
            confirmations: list[Confirmation] = []
            if score is not None and shared:
                agreed = {
                    c.assessor_id for c in score.confirmations.all() if c.revision == score.revision
                }
                confirmations = [
                    Confirmation(assessor=assessor, confirmed=assessor.pk in agreed)
                    for assessor in assessors
                ]
            form = bound.get(indicator.id)
            if form is None and editable:
                form = ScoreForm(indicator=indicator, score=score, language=language)
            rows.append(
                ScoringRow(
                    indicator=indicator,
                    answer=answer,
                    own_value=display_value(indicator, own_value, language=language)
                    if answer
                    else None,
                    own_points=_own_points(indicator, own_value) if answer else None,
                    evidence=evidence.get(indicator.id, []),
                    score=score,
                    panel_value=display_value(indicator, panel_value, language=language)
                    if score
                    else None,
                    points=result.score.indicators[indicator.id],
                    confirmations=confirmations,
                    agreed=bool(confirmations) and all(c.confirmed for c in confirmations),
                    needs_my_confirmation=editable
                    and shared
                    and score is not None
                    and not any(c.confirmed for c in confirmations if c.assessor.pk == user.pk),
                    form=form,
                    alert=alerts.get(indicator.id, ""),
                    saved=saved == indicator.id,
                    confirmed_now=confirmed_now == indicator.id,
                )
            )
        categories.append(
            {"category": category, "rows": rows, "score": result.score.categories[category.id]}
        )
    return {
        "procedure": procedure,
        "scheme": scheme,
        "level": procedure.level,
        "editable": editable,
        "shared": shared,
        "assessors": assessors,
        "categories": categories,
        "summary": summary(procedure, result, language),
        "alerts": alerts,
        "indicator_count": len(scheme.indicators),
    }


def score_conflict_alert(indicator: Indicator, score: IndicatorScore | None, language: Lang) -> str:
    """What an assessor reads when another saved the score since their form was loaded."""
    if score is None:
        return _(
            "This score has changed meanwhile. Your entry is shown below; check it and save again."
        )
    value = display_value(indicator, from_json(indicator, score.value), language=language)
    params = {"name": person(score.updated_by), "value": value, "comment": score.comment}
    if score.comment:
        return (
            _(
                "%(name)s changed this score meanwhile to %(value)s (comment: %(comment)s). "
                "Your entry is shown below; check it and save again."
            )
            % params
        )
    return (
        _(
            "%(name)s changed this score meanwhile to %(value)s. Your entry is shown below; "
            "check it and save again."
        )
        % params
    )


def stale_confirmation_warning(indicator: Indicator, score: IndicatorScore, language: Lang) -> str:
    """What an assessor reads when the score they confirmed changed since they read it."""
    value = display_value(indicator, from_json(indicator, score.value), language=language)
    return _(
        "%(name)s changed the score of %(indicator)s meanwhile to %(value)s. Check the "
        "new value before you confirm it."
    ) % {"name": person(score.updated_by), "indicator": indicator.id, "value": value}


# --- the panel (secretariat) ---------------------------------------------------------------------


def panel_candidates(
    procedure: Procedure, assessor_widgets: Any
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The organisation's country, the candidates of the panel form's ``assessors`` field
    (``widget``, ``user``, ``country``, ``national`` and their ``assignment`` if any), and the
    panel as proposed (``assignment``, ``national``)."""
    home_country = (procedure.organisation.country or "").upper()
    assignments = {a.assessor_id: a for a in procedure.assignments.all()}
    candidates = []
    for widget in assessor_widgets:
        user = widget.data["value"].instance
        country = (user.country or "").upper()
        candidates.append(
            {
                "widget": widget,
                "user": user,
                "country": country,
                "national": bool(country) and country == home_country,
                "assignment": assignments.get(user.pk),
            }
        )
    panel = [
        {"assignment": a, "national": (a.assessor.country or "").upper() == home_country}
        for a in procedure.assignments.all()
    ]
    return home_country, candidates, panel


def panel_page(procedure: Procedure, *, user: User, form: PanelForm) -> dict[str, Any]:
    """Everything the secretariat's panel page shows: the candidates of ``form`` (national or
    not, already proposed or not), the panel as proposed, whether it may be confirmed now and
    what stands in the way."""
    home_country, candidates, panel = panel_candidates(procedure, form["assessors"])
    can_confirm, confirm_blocked = (
        step_open(user, procedure, flow.Action.ASSIGN_ASSESSORS, flow.Action.REASSIGN_ASSESSORS)
        if panel
        else (False, [])
    )
    return {
        "procedure": procedure,
        "scheme": procedure.scheme,
        "rules": procedure.scheme.procedure,
        # ECEI Gold: a first assessment takes two days, a renewal one.
        "assessment_days": procedure.scheme.procedure.assessment_days_for(
            process_of(procedure.process)
        ),
        "home_country": home_country,
        "form": form,
        "editable": procedure.state in services.PANEL_OPEN,
        "candidates": candidates,
        "panel": panel,
        "earliest": form.earliest,
        "can_confirm": can_confirm,
        "confirmed": procedure.state == ProcedureState.ASSESSORS_ASSIGNED,
        "confirm_blocked": confirm_blocked,
    }


# --- the report (assessors) ----------------------------------------------------------------------


def report_page(
    procedure: Procedure, *, user: User, form: ReportForm, editable: bool, language: Lang
) -> dict[str, Any]:
    """Everything the report page shows to ``user``: the panel and who agreed, the user's own
    assignment, the result so far and, for the panel (``editable``), whether the report may be
    submitted now and what stands in the way."""
    assignments = list(procedure.assignments.all())
    can_submit, submit_blocked = (
        step_open(user, procedure, flow.Action.SUBMIT_REPORT) if editable else (False, [])
    )
    return {
        "procedure": procedure,
        "scheme": procedure.scheme,
        "level": procedure.level,
        "form": form,
        "editable": editable,
        "assignments": assignments,
        "mine": next((a for a in assignments if a.assessor_id == user.pk), None),
        "summary": summary(procedure, compute_result(procedure), language),
        "can_submit": can_submit,
        "submit_blocked": submit_blocked,
    }


# --- the computed result (board and authority) ---------------------------------------------------


def result_section(procedure: Procedure) -> dict[str, Any]:
    """The computed result, its reasons in words and the points per category."""
    result = compute_result(procedure)
    return {
        "result": result,
        "result_reasons": describe_all(result.decision.reasons),
        "categories": [
            (category, result.score.categories[category.id])
            for category in procedure.scheme.categories
        ],
    }
