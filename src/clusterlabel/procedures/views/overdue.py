"""The overdue list: the secretariat's procedures whose current step is past its due date."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from clusterlabel.access.policy import Activity, can
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.procedures.overdue import ORDERS, overdue_steps


@login_required
def overdue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Anyone without the secretariat role is refused (403); the rows are the schemes the
    person's grants reach, most overdue first unless ``?order=least_overdue``."""
    if not can(request.user, Activity.TRACK_DEADLINES):
        raise PermissionDenied
    order = request.GET.get("order", ORDERS[0])
    if order not in ORDERS:
        order = ORDERS[0]
    return render(
        request,
        "procedures/overdue.html",
        {"rows": overdue_steps(user=request.user, order=order), "order": order},
    )
