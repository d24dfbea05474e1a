"""Who may see a procedure. Every view asks here; what a person may *do* is the domain's
transition table (``clusterlabel.domain.procedure``) plus the services' own checks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure

# Roles that oversee every procedure of the schemes they run or decide on.
OVERSIGHT_ROLES = frozenset({Role.SECRETARIAT, Role.AUTHORITY, Role.ADMINISTRATOR})

# What a board member may read: the procedure while it is before the board, and its outcome
# afterwards is public through the label, not through the procedure.
BOARD_STATES = (ProcedureState.BOARD_REVIEW,)


def visible_procedures_filter(user: User) -> Q | None:
    """A filter for the procedures ``user`` may see; ``None`` means none at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in OVERSIGHT_ROLES:
        return Q()
    if user.role == Role.CLUSTER_MANAGER:
        return Q(organisation__managers=user)
    if user.role == Role.ASSESSOR:
        return Q(assignments__assessor=user)
    if user.role == Role.BOARD_MEMBER:
        return Q(state__in=BOARD_STATES)
    return None


def procedures_visible_to(user: User, queryset: QuerySet[Procedure] | None = None) -> QuerySet:
    queryset = Procedure.objects.all() if queryset is None else queryset
    condition = visible_procedures_filter(user)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition).distinct()


def can_view_procedure(user: User, procedure: Procedure) -> bool:
    return procedures_visible_to(user, Procedure.objects.filter(pk=procedure.pk)).exists()
