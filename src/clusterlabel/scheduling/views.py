"""Pages of scheduling: an assessor's own availability, the schedule of one procedure
(candidate dates, the panel's availability, proposals, fixing the appointment), and the
invitation download. Views parse input, ask the policy, call one service or selector."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.reasons import describe
from clusterlabel.core.service_forms import run_for_form
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.services import ActionRefused
from clusterlabel.procedures.views.common import load_procedure
from clusterlabel.scheduling import selectors, services
from clusterlabel.scheduling.forms import AppointmentForm, AvailabilityForm, ProposalForm
from clusterlabel.scheduling.invitations import invitation_filename, invitation_ics
from clusterlabel.scheduling.models import Appointment, Availability
from clusterlabel.scheduling.notifications import participants


def _onto(form: forms.Form) -> dict[type[BaseException], Any]:
    """A refusal's reasons above the form."""

    def show(exc: ActionRefused) -> None:
        for blocked in exc.blocked:
            form.add_error(None, describe(blocked))

    return {ActionRefused: show}


# --- availability ------------------------------------------------------------------------------


@login_required
def availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The assessor's own periods and the form to add one."""
    if not policy.can(request.user, Activity.MANAGE_AVAILABILITY):
        raise Http404
    form = AvailabilityForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = run_for_form(
                form,
                lambda: services.availability_add(
                    actor=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    note=form.cleaned_data["note"],
                ),
                on=_onto(form),
            )
            if outcome.ok:
                messages.success(request, _("Your availability has been recorded."))
                return redirect("scheduling:availability")
        status = 400
    periods = policy.restrict(
        Availability.objects.all(), request.user, Activity.MANAGE_AVAILABILITY
    ).order_by("start")
    return render(
        request, "scheduling/availability.html", {"form": form, "periods": periods}, status=status
    )


@login_required
@require_POST
def availability_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove one of one's own periods; anyone else's is a 404."""
    period = get_object_or_404(
        policy.restrict(Availability.objects.all(), request.user, Activity.MANAGE_AVAILABILITY),
        pk=pk,
    )
    services.availability_delete(actor=request.user, availability=period)
    messages.success(request, _("The period has been removed."))
    return redirect("scheduling:availability")


# --- the schedule of one procedure ---------------------------------------------------------------


def _schedule_context(
    procedure: Procedure,
    user: Any,
    current: Appointment | None,
    proposal_form: ProposalForm,
    appointment_form: AppointmentForm,
) -> dict[str, Any]:
    facts = selectors.schedule_facts(procedure)
    may_fix = policy.can(user, Activity.FIX_APPOINTMENT, procedure)
    return {
        "procedure": procedure,
        "facts": facts,
        "candidates": facts.candidates()[:60],
        "panel": selectors.panel_availability_rows(procedure) if may_fix else [],
        "proposals": selectors.proposals_of(procedure),
        "current": current,
        "may_fix": may_fix,
        "may_propose": policy.can(user, Activity.PROPOSE_APPOINTMENT, procedure),
        "proposal_form": proposal_form,
        "appointment_form": appointment_form,
    }


@login_required
def schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Propose a date (panel, secretariat) or fix the appointment (secretariat). Someone who may
    do neither gets a 404."""
    procedure = load_procedure(request, pk, Activity.VIEW_APPOINTMENT)
    user = request.user
    if not (
        policy.can(user, Activity.PROPOSE_APPOINTMENT, procedure)
        or policy.can(user, Activity.FIX_APPOINTMENT, procedure)
    ):
        raise Http404
    modes = tuple(procedure.scheme.procedure.assessment_modes)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if posted is not None else None
    current = selectors.current_appointment(procedure)
    initial: dict[str, Any] = {"mode": procedure.assessment_mode}
    if current is not None:
        initial |= {
            "start_date": current.start_date,
            "mode": current.mode,
            "address": current.address,
            "video_link": current.video_link,
            "agenda": "\n".join(f"{i['day']} {i['time']} {i['title']}" for i in current.agenda),
        }
    proposal_form = ProposalForm(posted if action == "propose" else None)
    appointment_form = AppointmentForm(
        posted if action == "fix" else None, modes=modes, initial=initial
    )
    status = 200
    if action == "propose":
        if proposal_form.is_valid():
            outcome = run_for_form(
                proposal_form,
                lambda: services.appointment_propose(
                    procedure=procedure,
                    actor=user,
                    start_date=proposal_form.cleaned_data["start_date"],
                    note=proposal_form.cleaned_data["note"],
                ),
                on=_onto(proposal_form),
            )
            if outcome.ok:
                messages.success(request, _("Your proposal has been recorded."))
                return redirect("scheduling:schedule", pk=procedure.pk)
        status = 400
    elif action == "fix":
        if appointment_form.is_valid():
            data = appointment_form.cleaned_data
            fixed = run_for_form(
                appointment_form,
                lambda: services.appointment_fix(
                    procedure=procedure,
                    actor=user,
                    start_date=data["start_date"],
                    mode=data["mode"],
                    address=data["address"],
                    video_link=data["video_link"],
                    agenda=data["agenda"],
                    reason=data["reason"],
                ),
                on=_onto(appointment_form),
            )
            if fixed.ok:
                messages.success(
                    request,
                    _("The appointment has been fixed and the invitations have been sent."),
                )
                return redirect("procedures:detail", pk=procedure.pk)
        status = 400
    return render(
        request,
        "scheduling/schedule.html",
        _schedule_context(procedure, user, current, proposal_form, appointment_form),
        status=status,
    )


@login_required
def invitation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The current appointment as an .ics file, in the visitor's preferred language; only for
    those who may see the appointment (anyone else: 404)."""
    procedure = load_procedure(request, pk, Activity.VIEW_APPOINTMENT)
    appointment = selectors.current_appointment(procedure)
    if appointment is None:
        raise Http404
    with translation.override(request.user.preferred_language or translation.get_language()):
        ics = invitation_ics(appointment, attendees=participants(appointment))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invitation_filename(appointment)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
