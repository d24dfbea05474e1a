"""The procedure list, the procedure page, applying, and the generic step buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity, restrict
from clusterlabel.accounts.models import User
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.core.service_forms import run_for_form, run_service
from clusterlabel.core.spreadsheet import XLSX_TYPE
from clusterlabel.domain import procedure as flow
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.forms import ApplicationForm
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.detail import procedure_page
from clusterlabel.procedures.presenters.export import procedure_list_workbook
from clusterlabel.procedures.presenters.improvement import (
    improvement_section,
    silver_benchmarkings,
)
from clusterlabel.procedures.presenters.next_steps import ACTION_LABELS
from clusterlabel.procedures.selectors import procedure_deadline, procedure_list
from clusterlabel.procedures.views.common import load_procedure, refused

PROCEDURES_PER_PAGE = 50


@login_required
def procedure_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state and state not in ProcedureState.values:
        state = None
    search = request.GET.get("q", "").strip()[:100]
    procedures = procedure_list(user=request.user, state=state, search=search)
    if request.GET.get("format") == "xlsx":  # every row the list selects, not one page
        response = HttpResponse(procedure_list_workbook(procedures), content_type=XLSX_TYPE)
        filename = f"clusterlabel-procedures-{timezone.localdate().isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    page = Paginator(procedures, PROCEDURES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(p, procedure_deadline(p), flow.owner_of(p.state)) for p in page.object_list]
    return render(
        request,
        "procedures/procedure_list.html",
        {
            "rows": rows,
            "page": page,
            "states": ProcedureState.choices,
            "current_state": state,
            "search": search,
            "filtered": bool(state or search),
        },
    )


@login_required
def procedure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = load_procedure(request, pk)
    page = procedure_page(
        procedure, user=request.user, full_trail=request.GET.get("trail") == "all"
    )
    context = page.context()
    context["silver"] = improvement_section(procedure, user=request.user)
    return render(request, "procedures/procedure_detail.html", context)


def _run_step(procedure: Procedure, user: User, action: flow.Action, reason: str) -> None:
    """The service that takes ``action`` (the generic transition unless a step has its own)."""
    if action == flow.Action.SUBMIT_APPLICATION:
        services.procedure_submit_application(procedure=procedure, actor=user)
    elif action == flow.Action.ACCEPT_APPLICATION:
        services.procedure_accept(procedure=procedure, actor=user)
    elif action == flow.Action.SUBMIT_REPORT:
        services.procedure_submit_report(procedure=procedure, actor=user)
    elif action == flow.Action.RETURN_TO_BOARD:
        services.procedure_return_to_board(procedure=procedure, actor=user, reason=reason)
    elif action in (flow.Action.AWARD, flow.Action.REFUSE):
        services.procedure_decide(
            procedure=procedure, actor=user, award=action == flow.Action.AWARD, reason=reason
        )
    else:
        services.procedure_transition(procedure=procedure, actor=user, action=action, reason=reason)


@login_required
@require_POST
def procedure_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    procedure = load_procedure(request, pk)
    try:
        step = flow.Action(action)
    except ValueError as exc:
        raise Http404 from exc
    if step == flow.Action.RECORD_BOARD_VOTE:
        raise Http404
    user = request.user
    back = "procedures:decision" if step in (flow.Action.AWARD, flow.Action.REFUSE) else None
    outcome = run_service(
        lambda: _run_step(procedure, user, step, request.POST.get("reason", "")),
        on=refused(request, reverse(back or "procedures:detail", args=[procedure.pk])),
    )
    if outcome.response is not None:
        return outcome.response
    messages.success(request, _("Done: %(step)s.") % {"step": ACTION_LABELS[step]})
    if not _still_visible(user, procedure):
        return redirect("procedures:list")
    return redirect("procedures:detail", pk=procedure.pk)


def _still_visible(user, procedure: Procedure) -> bool:
    procedure.refresh_from_db(fields=["state"])
    return policy.can(user, Activity.VIEW_PROCEDURE, procedure)


@login_required
def procedure_create(request: AuthenticatedHttpRequest, organisation_pk: int) -> HttpResponse:
    user = request.user
    organisation = get_object_or_404(
        restrict(Organisation.objects.all(), user, Activity.VIEW_ORGANISATION), pk=organisation_pk
    )
    if not policy.can(user, Activity.APPLY, organisation):
        raise Http404
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        language=current_language(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = run_for_form(
            form,
            lambda: services.procedure_create(
                organisation=organisation,
                scheme_version=data["scheme_version"],
                level_id=data["level_id"],
                process=data["process"],
                assessment_mode=data["assessment_mode"],
                previous_procedure=data["previous_procedure"],
                note=data["note"],
                improvement_areas=form.improvement_areas(),
                actor=user,
            ),
            fields={"level_id": "scheme_level"},
        )
        if outcome.value is not None:
            messages.success(
                request,
                _("The application has been opened as a draft. Check it and submit it."),
            )
            return redirect("procedures:detail", pk=outcome.value.pk)
    return render(
        request,
        "procedures/procedure_create.html",
        {
            "organisation": organisation,
            "form": form,
            "benchmarkings": silver_benchmarkings(organisation),
        },
    )
