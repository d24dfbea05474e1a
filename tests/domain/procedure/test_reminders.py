"""Which deadline reminder is due on a day, and which step each state owes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.procedure import State, owner_of
from clusterlabel.domain.procedure.reminders import (
    STEPS,
    Step,
    due_offset,
    reminder_offsets,
    step_of,
)

DUE = date(2027, 3, 15)
OFFSETS = (7, 0, -1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=8), None),
        (DUE - timedelta(days=7), 7),
        (DUE - timedelta(days=1), 7),
        (DUE, 0),
        (DUE + timedelta(days=1), -1),
        (DUE + timedelta(days=400), -1),
    ],
)
def test_the_most_urgent_reached_offset_is_due(today, expected):
    assert due_offset(due=DUE, today=today, offsets=OFFSETS) == expected


def test_no_offsets_means_no_reminder():
    assert due_offset(due=DUE, today=DUE + timedelta(days=3), offsets=()) is None


def test_offsets_are_sorted_earliest_first_without_duplicates():
    assert reminder_offsets(["0", 7, -1, 7]) == (7, 0, -1)


@given(
    today=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    offsets=st.lists(st.integers(min_value=-30, max_value=60), max_size=5),
)
def test_a_due_offset_has_been_reached_and_is_the_most_urgent(today, offsets):
    found = due_offset(due=DUE, today=today, offsets=offsets)
    reached = [o for o in offsets if today >= DUE - timedelta(days=o)]
    if found is None:
        assert not reached
    else:
        assert found in reached and all(found <= o for o in reached)


def test_every_state_with_an_owner_and_a_deadline_has_a_step():
    for state in State:
        if state == State.DRAFT or owner_of(state) is None:
            assert step_of(state) is None, state
        else:
            assert isinstance(step_of(state), Step), state
    assert set(STEPS.values()) == set(Step)


def test_the_steps_are_named_for_what_is_due():
    assert step_of(State.CONTRACTED) == Step.SELF_ASSESSMENT
    assert step_of("board_review") == Step.BOARD_VOTE
    assert step_of(State.AWAITING_DECISION) == Step.DECISION
    assert step_of(State.AWARDED) is None
