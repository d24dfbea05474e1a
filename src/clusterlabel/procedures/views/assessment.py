"""The assessment: the secretariat's panel, the assessors' conflict declarations, the scoring with
the self-assessment side by side, and the assessment report.

Every page loads the procedure with ``load_procedure`` (someone else's procedure is a 404) and
every write goes through one service; a user who may see the procedure but has no part in a step
gets a 404 for it and nothing changes.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.core.service_forms import run_for_form, run_service
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.access import PANEL_OPEN
from clusterlabel.domain.errors import UnknownId
from clusterlabel.domain.schemes import Indicator
from clusterlabel.procedures import panel_pool, services
from clusterlabel.procedures.assessment_forms import (
    ConflictForm,
    PanelForm,
    ReportForm,
    ScoreForm,
)
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import IndicatorScore, Procedure
from clusterlabel.procedures.presenters.assessment import (
    panel_page,
    report_page,
    score_conflict_alert,
    scoring_page,
    stale_confirmation_warning,
)
from clusterlabel.procedures.presenters.improvement import improvement_section
from clusterlabel.procedures.presenters.panel_suggestion import suggestion_view
from clusterlabel.procedures.selectors import procedure_get
from clusterlabel.procedures.views.common import (
    conflict_declaration_post,
    load_procedure,
    refused,
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


@login_required
def panel_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The secretariat proposes the panel, the date and the mode (``services.panel_propose``);
    the panel is confirmed with the ``assign_assessors`` step on the procedure page. While the
    panel is open the page shows the ranked suggestion from the scheme's pool, and
    ``?take=suggestion`` fills the form with the suggested panel (nothing is saved until the
    secretariat saves the form)."""
    procedure = load_procedure(request, pk)
    if flow.Role.SECRETARIAT not in policy.procedure_roles(request.user, procedure):
        raise Http404
    data = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    pool = panel_pool.suggest(procedure, today=today) if procedure.state in PANEL_OPEN else None
    # "Take over": the suggested panel fills the form; the secretariat still saves it.
    take = data is None and request.GET.get("take") == "suggestion"
    suggested = list(pool.suggestion.panel_ids) if pool is not None and take else []
    taken: dict[str, Any] = (
        {
            "initial": {
                "assessors": suggested,
                "assessment_date": procedure.assessment_date,
                "assessment_mode": procedure.assessment_mode,
            }
        }
        if suggested
        else {}
    )
    form = PanelForm(data, procedure=procedure, today=today, **taken)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = run_for_form(
                form,
                lambda: services.panel_propose(
                    procedure=procedure,
                    actor=request.user,
                    assessors=list(form.cleaned_data["assessors"]),
                    assessment_date=form.cleaned_data["assessment_date"],
                    assessment_mode=form.cleaned_data["assessment_mode"],
                ),
                on=refused(request, reverse("procedures:panel", args=[procedure.pk])),
            )
            if outcome.response is not None:
                return outcome.response
            if outcome.ok:
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
    context = panel_page(procedure, user=request.user, form=form)
    context["suggestion"] = suggestion_view(pool) if pool is not None else None
    context["taken_over"] = bool(suggested)
    return render(request, "procedures/panel.html", context, status=status)


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


def _render_scoring(
    request: AuthenticatedHttpRequest,
    procedure: Procedure,
    *,
    access: str,
    status: int = 200,
    bound: dict[str, ScoreForm] | None = None,
    alerts: dict[str, str] | None = None,
) -> HttpResponse:
    context = scoring_page(
        procedure,
        user=request.user,
        language=current_language(),
        editable=access == EDIT,
        bound=bound,
        alerts=alerts,
        saved=request.GET.get("saved", ""),
        confirmed_now=request.GET.get("confirmed", ""),
    )
    context["matching"] = (
        services.matching_scores_to_confirm(procedure, actor=request.user) if access == EDIT else {}
    )
    return render(request, "procedures/scoring.html", context, status=status)


@login_required
def scoring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Per indicator the organisation's self-assessment beside the panel's score."""
    procedure = load_procedure(request, pk)
    access = _assessment_access(request.user, procedure)
    if access is None:
        raise Http404
    return _render_scoring(request, procedure, access=access)


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

    def show_conflict(exc: services.ScoreConflict) -> HttpResponse:
        # Nothing was saved: the typed entry is shown again beside the score as it stands.
        retyped = request.POST.copy()
        retyped["based_on_revision"] = str(exc.score.revision if exc.score else 0)
        again = ScoreForm(retyped, indicator=indicator, score=exc.score, language=language)
        again.is_valid()
        return _render_scoring(
            request,
            procedure_get(pk=procedure.pk),
            access=EDIT,
            status=409,
            bound={indicator.id: again},
            alerts={indicator.id: score_conflict_alert(indicator, exc.score, language)},
        )

    outcome = run_for_form(
        form,
        lambda: services.score_save(
            procedure=procedure,
            actor=request.user,
            indicator_id=indicator.id,
            value=data["value"],
            comment=data["comment"],
            evidence_seen=data["evidence_seen"],
            based_on_revision=data["based_on_revision"],
        ),
        on={
            services.ScoreConflict: show_conflict,
            **refused(request, reverse("procedures:scoring", args=[procedure.pk])),
        },
    )
    if outcome.response is not None:
        return outcome.response
    if not outcome.ok:
        return _render_scoring(
            request,
            procedure,
            access=EDIT,
            status=400,
            bound={indicator.id: form},
            alerts={indicator.id: _("The score was not saved; please correct the entry.")},
        )
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

    def no_score(exc: Exception) -> HttpResponse:
        raise Http404 from exc

    def stale(exc: services.ScoreConflict) -> HttpResponse:
        if exc.score is None:  # confirming needs a score; the service only reports a stale one
            raise Http404 from exc
        messages.warning(
            request, stale_confirmation_warning(indicator, exc.score, current_language())
        )
        return HttpResponseRedirect(_scoring_url(procedure, indicator.id))

    outcome = run_service(
        lambda: services.score_confirm(
            procedure=procedure,
            actor=request.user,
            indicator_id=indicator.id,
            revision=revision,
        ),
        on={
            IndicatorScore.DoesNotExist: no_score,
            services.ScoreConflict: stale,
            **refused(request, reverse("procedures:scoring", args=[procedure.pk])),
        },
    )
    if outcome.response is not None:
        return outcome.response
    return HttpResponseRedirect(_scoring_url(procedure, indicator.id, confirmed=indicator.id))


@login_required
@require_POST
def scores_confirm_matching(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An assessor confirms in one go every score of the co-assessor that equals the
    organisation's self-assessment, each at the revision the page showed (``revision-<id>``)."""
    procedure = load_procedure(request, pk)
    if not _is_assigned_assessor(request.user, procedure):
        raise Http404
    prefix = "revision-"
    revisions: dict[str, int] = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if name.startswith(prefix) and value.isdigit():
            revisions[name.removeprefix(prefix)] = int(value)
    outcome = run_service(
        lambda: services.scores_confirm_matching(
            procedure=procedure, actor=request.user, revisions=revisions
        ),
        on=refused(request, reverse("procedures:scoring", args=[procedure.pk])),
    )
    if outcome.response is not None:
        return outcome.response
    done = outcome.value
    if done is not None and done.confirmed:
        count = len(done.confirmed)
        messages.success(
            request,
            ngettext("%(count)d score confirmed.", "%(count)d scores confirmed.", count)
            % {"count": count},
        )
    if done is not None and done.changed:
        count = len(done.changed)
        messages.warning(
            request,
            ngettext(
                "%(count)d score changed meanwhile and was not confirmed: %(indicators)s. "
                "Check it below.",
                "%(count)d scores changed meanwhile and were not confirmed: %(indicators)s. "
                "Check them below.",
                count,
            )
            % {"count": count, "indicators": ", ".join(done.changed)},
        )
    return redirect("procedures:scoring", pk=procedure.pk)


# --- the report (assessors) --------------------------------------------------------------------


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
            outcome = run_for_form(
                form,
                lambda: services.report_agree(
                    procedure=procedure, actor=user, summary=form.cleaned_data["summary"]
                ),
                on=refused(request, reverse("procedures:report", args=[procedure.pk])),
            )
            if outcome.response is not None:
                return outcome.response
            if outcome.ok:
                messages.success(request, _("The report has been saved and you agree to it."))
                return redirect("procedures:report", pk=procedure.pk)
        status = 400
    page = report_page(
        procedure, user=user, form=form, editable=access == EDIT, language=current_language()
    )
    page["silver"] = improvement_section(procedure, user=user)
    return render(request, "procedures/report.html", page, status=status)
