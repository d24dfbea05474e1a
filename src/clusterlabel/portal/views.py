"""The start page: what this person can do next."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clusterlabel.access.policy import GrantRole, board_declaration_due, held_roles
from clusterlabel.organisations.registration import open_claims, pending_registrations
from clusterlabel.portal.roles import intro_and_steps
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
        context["waiting"] = [
            (p, procedure_deadline(p), board_declaration_due(user, p)) for p in waiting
        ]
    return render(request, "portal/start.html", context)
