"""Who may see benchmarking. Every view asks here.

A cluster manager sees the reports of the organisations they manage, never another
organisation's report and never the pool's list of organisations: only distributions. The
programme owners (secretariat, awarding authority) and administrators see every report and the
pool-level views. Assessors and board members see no benchmarking: their work is one procedure,
and the procedure page shows them what it needs.
"""

from __future__ import annotations

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.permissions import is_manager_of
from clusterlabel.procedures.permissions import OVERSIGHT_ROLES


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_pool(user: User) -> bool:
    """The pool-level views: distributions per indicator, the pool over time, its make-up."""
    return _active(user) and user.role in OVERSIGHT_ROLES


def can_use_benchmarking(user: User) -> bool:
    """Whether the benchmarking start page has anything for ``user``."""
    return can_view_pool(user) or (_active(user) and user.role == Role.CLUSTER_MANAGER)


def can_view_report(user: User, organisation: Organisation) -> bool:
    """One organisation's report: its managers and the programme owners."""
    if can_view_pool(user):
        return True
    return _active(user) and is_manager_of(user, organisation)
