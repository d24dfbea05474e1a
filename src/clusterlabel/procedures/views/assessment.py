"""The assessment: the secretariat's panel, the assessors' conflict declarations, the scoring with
the self-assessment side by side, and the assessment report.

Every page loads the procedure with ``load_procedure`` (someone else's procedure is a 404) and
every write goes through one service; a user who may see the procedure but has no part in a step
gets a 404 for it and nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues, Reason, UnknownId
from clusterlabel.domain.schemes import Indicator
from clusterlabel.domain.scoring import score_indicator
from clusterlabel.procedures import services
from clusterlabel.procedures.assessment_forms import (
    ConflictForm,
    PanelForm,
    ReportForm,
    ScoreForm,
    display_value,
)
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.facts import disagreements, procedure_facts, scores_missing
from clusterlabel.procedures.models import IndicatorScore, Procedure
from clusterlabel.procedures.results import ProcedureResult, compute_result
from clusterlabel.procedures.selectors import procedure_get
from clusterlabel.procedures.values import from_json
from clusterlabel.procedures.views.common import (
    add_service_errors,
    conflict_declaration_post,
    load_procedure,
    report_refusal,
)

EDIT = "edit"
READ = "read"


def _is_assigned_assessor(user: Any, procedure: Procedure) -> bool:
    return flow.Role.ASSESSOR in policy.procedure_roles(user, procedure)


def _assessment_access(user: Any, procedure: Procedure) -> str | None:
    """How ``user`` may use the scoring and report pages: EDIT for the panel while the
    assessment is in progress, READ for whoever may read the scores, None otherwise."""
    if policy.can(user, Activity.SCORE, procedure):
        return EDIT
    if policy.can(user, Activity.READ_SCORES, procedure):
        return READ
    return None


def _person(user: Any) -> str:
    return user.get_full_name() or user.username


def _percent(value: Decimal) -> Decimal:
    # Rounded down for display, so 79.99 % never shows as a passing 80.0 %.
    return value.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


def _rounded(reason: Reason) -> Reason:
    """The reason with its percentages rounded down for reading (79.99 stays below 80)."""
    params = {
        key: _percent(value) if key == "percent" and isinstance(value, Decimal) else value
        for key, value in reason.params.items()
    }
    return Reason(reason.code, params)


def _indicator_or_404(procedure: Procedure, indicator_id: str) -> Indicator:
    try:
        return procedure.scheme.indicator(indicator_id)
    except UnknownId as exc:
        raise Http404 from exc


def _scoring_url(procedure: Procedure, indicator_id: str | None = None, **query: str) -> str:
    url = reverse("procedures:scoring", kwargs={"pk": procedure.pk})
    if query:
        url += "?" + urlencode(query)
    if indicator_id:
        url += f"#indicator-{indicator_id}"
    return url


# --- the panel (secretariat) --------------------------------------------------------------------


def _panel_blocked(
    request: AuthenticatedHttpRequest, procedure: Procedure
) -> tuple[bool, list[str]]:
    """Whether confirming the panel is possible now, and what still stands in the way."""
    facts = procedure_facts(procedure, actor=request.user)
    for option in policy.action_options(request.user, procedure, facts):
        if option.action in (flow.Action.ASSIGN_ASSESSORS, flow.Action.REASSIGN_ASSESSORS):
            return option.allowed, describe_all(option.blocked)
    return False, []


@login_required
def panel_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat proposes the panel, the date and the mode (``services.panel_propose``);
    the panel is confirmed with the ``assign_assessors`` step on the procedure page."""
    procedure = load_procedure(request, pk)
    if flow.Role.SECRETARIAT not in policy.procedure_roles(request.user, procedure):
        raise Http404
    today = timezone.localdate()
    editable = procedure.state in services.PANEL_OPEN
    data = request.POST if request.method == "POST" else None
    form = PanelForm(data, procedure=procedure, today=today)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.panel_propose(
                    procedure=procedure,
                    actor=request.user,
                    assessors=list(form.cleaned_data["assessors"]),
                    assessment_date=form.cleaned_data["assessment_date"],
                    assessment_mode=form.cleaned_data["assessment_mode"],
                )
            except services.ActionRefused as exc:
                report_refusal(request, exc)
                return redirect("procedures:panel", pk=procedure.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The panel has been proposed. Each assessor is asked to declare that "
                        "they have no conflict of interest; then confirm the panel on the "
                        "procedure page."
                    ),
                )
                return redirect("procedures:panel", pk=procedure.pk)
        status = 400
    home_country = (procedure.organisation.country or "").upper()
    assignments = {a.assessor_id: a for a in procedure.assignments.all()}
    candidates = []
    for widget in form["assessors"]:
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
        {
            "assignment": a,
            "national": (a.assessor.country or "").upper() == home_country,
        }
        for a in procedure.assignments.all()
    ]
    can_confirm, confirm_blocked = _panel_blocked(request, procedure) if panel else (False, [])
    return render(
        request,
        "procedures/panel.html",
        {
            "procedure": procedure,
            "scheme": procedure.scheme,
            "rules": procedure.scheme.procedure,
            "home_country": home_country,
            "form": form,
            "editable": editable,
            "candidates": candidates,
            "panel": panel,
            "earliest": form.earliest,
            "can_confirm": can_confirm,
            "confirmed": procedure.state == ProcedureState.ASSESSORS_ASSIGNED,
            "confirm_blocked": confirm_blocked,
        },
        status=status,
    )


# --- conflict of interest (assessors) ------------------------------------------------------------


@login_required
def conflict_declaration(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An assessor on the proposed panel declares that they have no conflict of interest with
    the organisation, or describes the conflict and leaves the panel."""
    procedure = load_procedure(request, pk)
    user = request.user
    assignment = next((a for a in procedure.assignments.all() if a.assessor_id == user.pk), None)
    if assignment is None or not _is_assigned_assessor(user, procedure):
        raise Http404
    form = ConflictForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        done = conflict_declaration_post(
            request,
            form,
            declare=partial(services.conflict_declare, procedure=procedure, actor=user),
            retry=reverse("procedures:conflict", args=[procedure.pk]),
            done_none=reverse("procedures:detail", args=[procedure.pk]),
            done_conflict=reverse("procedures:list"),
            conflict_message=_(
                "Your conflict of interest has been recorded and you have left the "
                "panel. The secretariat will ask another assessor."
            ),
        )
        if done is not None:
            return done
        status = 400
    organisation = procedure.organisation
    return render(
        request,
        "procedures/conflict.html",
        {
            "procedure": procedure,
            "organisation": organisation,
            "managers": list(organisation.managers.all()),
            "assignment": assignment,
            "form": form,
            "open": procedure.state in services.PANEL_OPEN,
        },
        status=status,
    )


# --- scoring (assessors) --------------------------------------------------------------------------


def _summary(procedure: Procedure, result: ProcedureResult, language: str) -> dict[str, Any]:
    scheme = procedure.scheme
    score = result.score
    required = procedure.level.award.min_score_percent
    return {
        "points": score.points,
        "max_points": score.max_points,
        "percent": _percent(score.percent),
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
                "percent": _percent(score.categories[category.id].percent),
            }
            for category in scheme.categories
        ],
        "shared": len(procedure.assignments.all()) >= 2,
        "missing": scores_missing(procedure),
        "disagreements": disagreements(procedure),
        "awarded": result.decision.awarded,
        "reasons": describe_all(_rounded(reason) for reason in result.decision.reasons),
    }


def _scoring_context(
    request: HttpRequest,
    procedure: Procedure,
    *,
    access: str,
    bound: dict[str, ScoreForm] | None = None,
    alerts: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the scoring page shows; reads only what ``procedure_get`` prefetched, so the
    number of queries does not depend on the number of indicators or scores."""
    bound = bound or {}
    alerts = alerts or {}
    user = request.user
    language = current_language()
    scheme = procedure.scheme
    editable = access == EDIT
    assessors = [a.assessor for a in procedure.assignments.all()]
    shared = len(assessors) >= 2
    answers = {a.indicator_id: a for a in procedure.answers.all()}
    evidence: dict[str, list] = defaultdict(list)
    for item in procedure.evidence.all():
        evidence[item.indicator_id].append(item)
    scores: dict[str, IndicatorScore] = {s.indicator_id: s for s in procedure.scores.all()}
    result = compute_result(procedure)
    saved = request.GET.get("saved", "")
    confirmed_now = request.GET.get("confirmed", "")
    categories = []
    for category in scheme.categories:
        rows = []
        for indicator in scheme.indicators_in(category.id):
            answer = answers.get(indicator.id)
            own_value = from_json(indicator, answer.value) if answer else None
            try:
                own_points = score_indicator(indicator, own_value).points if answer else None
            except InvalidIndicatorValues:
                own_points = None
            score = scores.get(indicator.id)
            panel_value = from_json(indicator, score.value) if score else None
            confirmations: list[dict[str, Any]] = []  # per assessor: who, and whether agreed
            if score is not None and shared:
                agreed = {
                    c.assessor_id for c in score.confirmations.all() if c.revision == score.revision
                }
                confirmations = [
                    {"assessor": assessor, "confirmed": assessor.pk in agreed}
                    for assessor in assessors
                ]
            needs_my_confirmation = (
                editable
                and shared
                and score is not None
                and not any(c["confirmed"] for c in confirmations if c["assessor"].pk == user.pk)
            )
            form = bound.get(indicator.id)
            if form is None and editable:
                form = ScoreForm(indicator=indicator, score=score, language=language)
            rows.append(
                {
                    "indicator": indicator,
                    "answer": answer,
                    "own_value": display_value(indicator, own_value, language=language)
                    if answer
                    else None,
                    "own_points": own_points,
                    "evidence": evidence.get(indicator.id, []),
                    "score": score,
                    "panel_value": display_value(indicator, panel_value, language=language)
                    if score
                    else None,
                    "points": result.score.indicators[indicator.id],
                    "confirmations": confirmations,
                    "agreed": bool(confirmations) and all(c["confirmed"] for c in confirmations),
                    "needs_my_confirmation": needs_my_confirmation,
                    "form": form,
                    "alert": alerts.get(indicator.id, ""),
                    "saved": saved == indicator.id,
                    "confirmed_now": confirmed_now == indicator.id,
                }
            )
        categories.append(
            {
                "category": category,
                "rows": rows,
                "score": result.score.categories[category.id],
            }
        )
    return {
        "procedure": procedure,
        "scheme": scheme,
        "level": procedure.level,
        "editable": editable,
        "shared": shared,
        "assessors": assessors,
        "categories": categories,
        "summary": _summary(procedure, result, language),
        "alerts": alerts,
        "indicator_count": len(scheme.indicators),
    }


def _render_scoring(
    request: HttpRequest,
    procedure: Procedure,
    *,
    access: str,
    status: int = 200,
    bound: dict[str, ScoreForm] | None = None,
    alerts: dict[str, str] | None = None,
) -> HttpResponse:
    context = _scoring_context(request, procedure, access=access, bound=bound, alerts=alerts)
    return render(request, "procedures/scoring.html", context, status=status)


@login_required
def scoring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Per indicator the organisation's self-assessment beside the panel's score."""
    procedure = load_procedure(request, pk)
    access = _assessment_access(request.user, procedure)
    if access is None:
        raise Http404
    return _render_scoring(request, procedure, access=access)


def _conflict_message(indicator: Indicator, score: IndicatorScore | None, language: str) -> str:
    if score is None:
        return _(
            "This score has changed meanwhile. Your entry is shown below; check it and save again."
        )
    value = display_value(indicator, from_json(indicator, score.value), language=language)
    params = {"name": _person(score.updated_by), "value": value, "comment": score.comment}
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


def _refused_not_in_progress(request: HttpRequest, procedure: Procedure) -> HttpResponse:
    # The service refuses too; checking first keeps the typed entry from vanishing into a
    # read-only page.
    report_refusal(
        request,
        services.ActionRefused(
            (flow.Blocked("assessment_not_in_progress", {"state": procedure.state}),)
        ),
    )
    return redirect("procedures:scoring", pk=procedure.pk)


@login_required
@require_POST
def score_save(request: AuthenticatedHttpRequest, pk: int, indicator_id: str) -> HttpResponse:
    """Save one indicator's score. A stale ``based_on_revision`` saves nothing and shows the
    other assessor's value next to the typed entry (409); invalid input is shown again with the
    error (400)."""
    procedure = load_procedure(request, pk)
    if not _is_assigned_assessor(request.user, procedure):
        raise Http404
    indicator = _indicator_or_404(procedure, indicator_id)
    if procedure.state != ProcedureState.ASSESSMENT_IN_PROGRESS:
        return _refused_not_in_progress(request, procedure)
    language = current_language()
    score = next((s for s in procedure.scores.all() if s.indicator_id == indicator.id), None)
    form = ScoreForm(request.POST, indicator=indicator, score=score, language=language)
    if not form.is_valid():
        return _render_scoring(
            request,
            procedure,
            access=EDIT,
            status=400,
            bound={indicator.id: form},
            alerts={indicator.id: _("The score was not saved; please correct the entry.")},
        )
    data = form.cleaned_data
    try:
        services.score_save(
            procedure=procedure,
            actor=request.user,
            indicator_id=indicator.id,
            value=data["value"],
            comment=data["comment"],
            evidence_seen=data["evidence_seen"],
            based_on_revision=data["based_on_revision"],
        )
    except services.ScoreConflict as exc:
        fresh = procedure_get(pk=procedure.pk)
        retyped = request.POST.copy()
        retyped["based_on_revision"] = str(exc.score.revision if exc.score else 0)
        form = ScoreForm(retyped, indicator=indicator, score=exc.score, language=language)
        form.is_valid()
        return _render_scoring(
            request,
            fresh,
            access=EDIT,
            status=409,
            bound={indicator.id: form},
            alerts={indicator.id: _conflict_message(indicator, exc.score, language)},
        )
    except InvalidIndicatorValues as exc:
        form.add_value_problems(exc.problems)
        return _render_scoring(
            request,
            procedure,
            access=EDIT,
            status=400,
            bound={indicator.id: form},
            alerts={indicator.id: _("The score was not saved; please correct the entry.")},
        )
    except services.ActionRefused as exc:
        report_refusal(request, exc)
        return redirect("procedures:scoring", pk=procedure.pk)
    return HttpResponseRedirect(_scoring_url(procedure, indicator.id, saved=indicator.id))


@login_required
@require_POST
def score_confirm(request: AuthenticatedHttpRequest, pk: int, indicator_id: str) -> HttpResponse:
    """An assessor agrees with the other's score as it stands at the posted revision."""
    procedure = load_procedure(request, pk)
    if not _is_assigned_assessor(request.user, procedure):
        raise Http404
    indicator = _indicator_or_404(procedure, indicator_id)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError as exc:
        raise Http404 from exc
    try:
        services.score_confirm(
            procedure=procedure,
            actor=request.user,
            indicator_id=indicator.id,
            revision=revision,
        )
    except IndicatorScore.DoesNotExist as exc:
        raise Http404 from exc
    except services.ScoreConflict as exc:
        if exc.score is None:  # confirming needs a score; the service only reports a stale one
            raise Http404 from exc
        value = display_value(
            indicator, from_json(indicator, exc.score.value), language=current_language()
        )
        messages.warning(
            request,
            _(
                "%(name)s changed the score of %(indicator)s meanwhile to %(value)s. Check the "
                "new value before you confirm it."
            )
            % {"name": _person(exc.score.updated_by), "indicator": indicator.id, "value": value},
        )
        return HttpResponseRedirect(_scoring_url(procedure, indicator.id))
    except services.ActionRefused as exc:
        report_refusal(request, exc)
        return redirect("procedures:scoring", pk=procedure.pk)
    return HttpResponseRedirect(_scoring_url(procedure, indicator.id, confirmed=indicator.id))


# --- the report (assessors) --------------------------------------------------------------------


def _submit_blocked(
    request: AuthenticatedHttpRequest, procedure: Procedure
) -> tuple[bool, list[str]]:
    facts = procedure_facts(procedure, actor=request.user)
    for option in policy.action_options(request.user, procedure, facts):
        if option.action == flow.Action.SUBMIT_REPORT:
            return option.allowed, describe_all(option.blocked)
    return False, []


@login_required
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The panel's summary (``services.report_agree``), who agreed to it, and the computed
    result; the report is submitted with the ``submit_report`` step on the procedure page."""
    procedure = load_procedure(request, pk)
    user = request.user
    access = _assessment_access(user, procedure)
    if access is None:
        raise Http404
    if request.method == "POST" and not _is_assigned_assessor(user, procedure):
        raise Http404
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        initial={"summary": procedure.report_summary},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_agree(
                    procedure=procedure, actor=user, summary=form.cleaned_data["summary"]
                )
            except services.ActionRefused as exc:
                report_refusal(request, exc)
                return redirect("procedures:report", pk=procedure.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The report has been saved and you agree to it."))
                return redirect("procedures:report", pk=procedure.pk)
        status = 400
    language = current_language()
    assignments = list(procedure.assignments.all())
    mine = next((a for a in assignments if a.assessor_id == user.pk), None)
    can_submit, submit_blocked = (
        _submit_blocked(request, procedure) if access == EDIT else (False, [])
    )
    result = compute_result(procedure)
    return render(
        request,
        "procedures/report.html",
        {
            "procedure": procedure,
            "scheme": procedure.scheme,
            "level": procedure.level,
            "form": form,
            "editable": access == EDIT,
            "assignments": assignments,
            "mine": mine,
            "summary": _summary(procedure, result, language),
            "can_submit": can_submit,
            "submit_blocked": submit_blocked,
        },
        status=status,
    )
