"""Who the procedure waits for in each state, and by when (reminders, the overdue marker).

Deadlines never block an action; the self-assessment's due date follows from the assessment
date and the scheme's preparation time, the other steps' day counts from the scheme's
``procedure.deadlines`` or, for a state it leaves out, from ``DEFAULT_DEADLINE_DAYS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from clusterlabel.domain.procedure.vocabulary import Role, State

if TYPE_CHECKING:  # facts.py reads DEFAULT_DEADLINE_DAYS to check a scheme's deadlines
    from clusterlabel.domain.procedure.facts import ProcedureRules


def self_assessment_due_date(assessment_date: date, rules: ProcedureRules) -> date:
    """The last day the self-assessment is due: ``self_assessment_due_days_before_assessment``
    calendar days before the assessment date."""
    return assessment_date - timedelta(days=rules.self_assessment_due_days_before_assessment)


DEFAULT_DEADLINE_DAYS: Mapping[State, int | None] = MappingProxyType(
    {
        State.DRAFT: None,  # nothing is owed before the application is submitted
        State.APPLIED: 14,  # the secretariat checks the application
        State.CHANGES_REQUESTED: 30,  # the applicant completes the application
        State.CONTRACTED: 60,  # self-assessment; once a date is set, self_assessment_due_date rules
        State.SELF_ASSESSMENT_SUBMITTED: 21,  # the secretariat forms the panel and sets a date
        State.ASSESSORS_ASSIGNED: None,  # the assessment date itself is the deadline
        State.ASSESSMENT_IN_PROGRESS: 28,  # the assessors agree and submit the report
        State.REPORT_SUBMITTED: 14,  # the secretariat checks the report
        State.BOARD_REVIEW: 28,  # the board votes, the secretariat closes the review
        State.AWAITING_DECISION: 28,  # the authority decides
        State.AWARDED: None,
        State.REFUSED: None,
        State.WITHDRAWN: None,
    }
)


def deadline_days(state: State | str, rules: ProcedureRules) -> int | None:
    """Number of calendar days, counted from entering ``state``, within which
    ``owner_of(state)`` should act: the scheme's (``rules.deadlines``), else the default;
    ``None`` when no day count applies (draft, scheduled assessment, terminal states). Used for
    reminders and the "overdue" marker; it never blocks an action."""
    state = State(state)
    default = DEFAULT_DEADLINE_DAYS[state]
    if default is None:
        return None
    return rules.deadlines.get(str(state), default)


_OWNERS: dict[State, Role | None] = {
    State.DRAFT: Role.CLUSTER_MANAGER,
    State.APPLIED: Role.SECRETARIAT,
    State.CHANGES_REQUESTED: Role.CLUSTER_MANAGER,
    State.CONTRACTED: Role.CLUSTER_MANAGER,
    State.SELF_ASSESSMENT_SUBMITTED: Role.SECRETARIAT,
    State.ASSESSORS_ASSIGNED: Role.ASSESSOR,
    State.ASSESSMENT_IN_PROGRESS: Role.ASSESSOR,
    State.REPORT_SUBMITTED: Role.SECRETARIAT,
    State.BOARD_REVIEW: Role.BOARD_MEMBER,
    State.AWAITING_DECISION: Role.AUTHORITY,
    State.AWARDED: None,
    State.REFUSED: None,
    State.WITHDRAWN: None,
}


def owner_of(state: State | str) -> Role | None:
    """The role the procedure waits for in ``state`` (for "waiting for ..." and e-mails);
    ``None`` in a terminal state. The owner always has an action there other than withdrawal."""
    return _OWNERS[State(state)]
