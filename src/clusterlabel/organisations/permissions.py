"""Who may see and who may change an organisation's profile. Every view asks here.

Seeing follows the procedures: the oversight roles see every organisation, a cluster manager
the organisations they manage, an assessor the organisations whose procedures they assess, a
board member the organisations with a procedure before the board. Changing the profile is for
its cluster managers and the secretariat; creating one is for the secretariat.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.permissions import BOARD_STATES, OVERSIGHT_ROLES


def visible_organisations_filter(user: User) -> Q | None:
    """A filter for the organisations ``user`` may see; ``None`` means none at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in OVERSIGHT_ROLES:
        return Q()
    if user.role == Role.CLUSTER_MANAGER:
        return Q(managers=user)
    if user.role == Role.ASSESSOR:
        return Q(procedures__assignments__assessor=user)
    if user.role == Role.BOARD_MEMBER:
        return Q(procedures__state__in=BOARD_STATES)
    return None


def organisations_visible_to(
    user: User, queryset: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    """``queryset`` (default: all organisations) narrowed to what ``user`` may see.

    The narrowing is a ``pk IN (subquery)``, not a join, so counts annotated on ``queryset``
    are not multiplied by the rows of the join.
    """
    queryset = Organisation.objects.all() if queryset is None else queryset
    condition = visible_organisations_filter(user)
    if condition is None:
        return queryset.none()
    if not condition:
        return queryset
    return queryset.filter(pk__in=Organisation.objects.filter(condition).values("pk"))


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    condition = visible_organisations_filter(user)
    if condition is None:
        return False
    if not condition:
        return True
    return Organisation.objects.filter(condition, pk=organisation.pk).exists()


def is_manager_of(user: User, organisation: Organisation) -> bool:
    """Whether ``user`` is one of the organisation's cluster managers (uses prefetched managers)."""
    if not user.is_authenticated or user.role != Role.CLUSTER_MANAGER:
        return False
    return any(manager.pk == user.pk for manager in organisation.managers.all())


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role == Role.SECRETARIAT or is_manager_of(user, organisation)


def can_create_organisation(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SECRETARIAT


def can_apply_for(user: User, organisation: Organisation) -> bool:
    """Whether ``user`` may open an application for ``organisation`` (as ``procedures:create``
    allows it: its cluster managers and the secretariat)."""
    return can_edit_organisation(user, organisation)


def sees_contact_details(user: User) -> bool:
    """E-mail addresses of cluster managers are shown to the oversight roles only."""
    return user.is_authenticated and user.role in OVERSIGHT_ROLES
