"""Which deadline a procedure's current step has, and which reminder of it is due on a day.

A procedure owes one thing at a time: the step of its current state (``STEPS``). Its due date is
worked out elsewhere (``deadlines``, the scheme's rules); this module only says, for a due date
and a list of offsets in days before it (``7`` a week before, ``0`` on the day, ``-1`` the day
after, i.e. overdue), which reminder is due today. Pure Python, standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from clusterlabel.domain.procedure.vocabulary import State


class Step(StrEnum):
    """What is due in a state: the kind of deadline a reminder is about."""

    APPLICATION_CHECK = "application_check"  # applied: the secretariat checks the application
    APPLICATION_CHANGES = "application_changes"  # changes_requested: the applicant completes it
    SELF_ASSESSMENT = "self_assessment"  # contracted: the organisation submits it
    PANEL = "panel"  # self_assessment_submitted: the secretariat forms the panel, sets a date
    ASSESSMENT = "assessment"  # assessors_assigned: the assessment day
    REPORT = "report"  # assessment_in_progress: the assessors score and submit the report
    REPORT_CHECK = "report_check"  # report_submitted: the secretariat checks the report
    BOARD_VOTE = "board_vote"  # board_review: the board votes, the secretariat closes
    DECISION = "decision"  # awaiting_decision: the awarding authority decides


STEPS: Mapping[State, Step] = MappingProxyType(
    {
        State.APPLIED: Step.APPLICATION_CHECK,
        State.CHANGES_REQUESTED: Step.APPLICATION_CHANGES,
        State.CONTRACTED: Step.SELF_ASSESSMENT,
        State.SELF_ASSESSMENT_SUBMITTED: Step.PANEL,
        State.ASSESSORS_ASSIGNED: Step.ASSESSMENT,
        State.ASSESSMENT_IN_PROGRESS: Step.REPORT,
        State.REPORT_SUBMITTED: Step.REPORT_CHECK,
        State.BOARD_REVIEW: Step.BOARD_VOTE,
        State.AWAITING_DECISION: Step.DECISION,
    }
)


def step_of(state: State | str) -> Step | None:
    """The step due in ``state``; ``None`` for the draft (nothing is owed before the
    application is submitted) and the terminal states."""
    return STEPS.get(State(state))


def reminder_offsets(days: Iterable[int]) -> tuple[int, ...]:
    """The configured offsets, earliest reminder first (largest number of days before the due
    date first), without duplicates."""
    return tuple(sorted({int(d) for d in days}, reverse=True))


def due_offset(*, due: date, today: date, offsets: Sequence[int]) -> int | None:
    """The most urgent reminder whose day has come: the smallest offset with
    ``today >= due - offset``; ``None`` before the first one's day.

    Only the most urgent is ever due, so a run after a gap of several days sends one reminder,
    not every one it missed; a reminder skipped that way is never sent later. Once the last
    (overdue) offset's day has come it stays due, and its record keeps it to one."""
    reached = [days for days in offsets if today >= due - timedelta(days=days)]
    return min(reached) if reached else None
