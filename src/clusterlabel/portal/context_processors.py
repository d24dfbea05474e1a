"""Values every page's layout needs: the navigation, built from the policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, can, held_roles
from clusterlabel.accounts.choices import Role
from clusterlabel.domain.access import roles_for
from clusterlabel.portal.demo_calendar import (
    DemoCalendarOffer,
    demo_calendar_offer,
    demo_calendar_on,
)
from clusterlabel.procedures.models import Procedure


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    current: bool


def _items(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    app = match.app_name if match else ""
    view = match.view_name if match else ""
    signed_in = bool(user and user.is_authenticated)
    items = [
        NavItem(_("Start"), reverse("portal:start"), view == "portal:start"),
        NavItem(_("Schemes"), reverse("schemes:list"), app == "schemes"),
        NavItem(
            _("Registry"),
            reverse("labels:registry"),
            view in ("labels:registry", "labels:holder"),
        ),
        NavItem(_("Statistics"), reverse("labels:statistics"), view == "labels:statistics"),
    ]
    if user is None or not signed_in:
        return items
    held = held_roles(user)
    organisations = reverse("organisations:list")
    if can(user, Activity.BROWSE_ORGANISATIONS):
        items.append(NavItem(_("Organisations"), organisations, app == "organisations"))
    elif not held or Role.CLUSTER_MANAGER in held:
        # Their own organisation, or the way to register it.
        items.append(NavItem(_("My organisation"), organisations, app == "organisations"))
    if held & roles_for(Activity.VIEW_BENCHMARK_REPORT):
        items.append(NavItem(_("Benchmarking"), reverse("benchmarks:index"), app == "benchmarks"))
    items.append(NavItem(_("Procedures"), reverse("procedures:list"), app == "procedures"))
    if held & roles_for(Activity.MANAGE_INVOICE):  # the secretariat (managers: procedure page)
        items.append(NavItem(_("Invoices"), reverse("invoices:list"), app == "invoices"))
    if held & roles_for(Activity.VIEW_PROGRAMME):  # programme staff, administrators
        items.append(NavItem(_("Programmes"), reverse("programmes:list"), app == "programmes"))
    if can(user, Activity.USE_BACK_OFFICE) and user.is_staff:
        items.append(NavItem(_("Back office"), reverse("admin:index"), False))
    return items


def _demo_calendar(request: HttpRequest) -> DemoCalendarOffer | None:
    """On a procedure's page, under ``clusterlabel demo`` only: the offer to skip the
    preparation time (``portal.demo_calendar``), shown below the status and assessment date."""
    if not demo_calendar_on():
        return None
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None:
        return None
    if match.app_name != "procedures" or match.url_name != "detail":
        return None
    procedure = Procedure.objects.filter(pk=match.kwargs["pk"]).first()
    if procedure is None or not can(user, Activity.VIEW_PROCEDURE, procedure):
        return None
    return demo_calendar_offer(procedure)


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_items": _items(request), "demo_calendar": _demo_calendar(request)}
