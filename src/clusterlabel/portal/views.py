"""The start page: what this person can do next; the demo's calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterlabel.access.policy import (
    Activity,
    GrantRole,
    can,
    held_roles,
)
from clusterlabel.accounts.models import User
from clusterlabel.organisations.registration import open_claims, pending_registrations
from clusterlabel.portal.demo_calendar import (
    NothingToWaitFor,
    demo_calendar_advance,
    demo_calendar_on,
)
from clusterlabel.portal.roles import intro_and_steps
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.next_steps import first_steps
from clusterlabel.procedures.selectors import procedure_deadline, procedures_waiting_for
from clusterlabel.schemes.selectors import scheme_versions_current


def start(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"schemes": list(scheme_versions_current())}
    if user.is_authenticated:
        roles = held_roles(user)
        context["role_intros"], context["next_steps"] = intro_and_steps(roles)
        if GrantRole.SECRETARIAT in roles:
            context["registrations_waiting"] = (
                pending_registrations(user=user).count() + open_claims(user=user).count()
            )
        waiting = procedures_waiting_for(user=user)
        first = first_steps(user, waiting)
        context["waiting"] = [(p, procedure_deadline(p), first[p.pk]) for p in waiting]
    return render(request, "portal/start.html", context)


@require_POST
@login_required
def demo_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """Under ``clusterlabel demo`` only: the procedure's assessment date becomes today."""
    if not demo_calendar_on():
        raise Http404
    procedure = get_object_or_404(Procedure, pk=pk)
    user = request.user
    if not isinstance(user, User) or not can(user, Activity.VIEW_PROCEDURE, procedure):
        raise Http404
    try:
        demo_calendar_advance(procedure=procedure, actor=user)
    except NothingToWaitFor:
        messages.info(request, _("This procedure does not wait for its assessment date."))
    else:
        messages.success(request, _("The calendar has moved on: the assessment date is today."))
    return redirect("procedures:detail", pk=pk)
