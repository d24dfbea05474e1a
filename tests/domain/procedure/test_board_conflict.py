"""A board member votes only after declaring no conflict of interest for the current round."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clusterlabel.domain import procedure
from clusterlabel.domain.procedure import (
    Action,
    Blocked,
    Role,
    State,
    TransitionNotAllowed,
    available_actions,
    check,
)
from clusterlabel.domain.procedure.guards import board_member_declared_no_conflict
from tests.domain.procedure.test_procedure import GOLD, ready

CODE = "board_conflict_not_declared_none"


def test_the_guard_passes_only_with_a_no_conflict_declaration() -> None:
    assert board_member_declared_no_conflict(ready("record_board_vote")) is None
    undeclared = ready("record_board_vote", actor_declared_no_board_conflict=False)
    assert board_member_declared_no_conflict(undeclared) == Blocked(CODE, {})


def test_the_vote_row_carries_the_guard() -> None:
    [row] = [t for t in procedure.TRANSITIONS if t.action == Action.RECORD_BOARD_VOTE]
    assert board_member_declared_no_conflict in row.guards


def test_an_undeclared_member_is_refused_the_vote_and_sees_why() -> None:
    facts = ready("record_board_vote", actor_declared_no_board_conflict=False)
    with pytest.raises(TransitionNotAllowed) as info:
        check(Action.RECORD_BOARD_VOTE, State.BOARD_REVIEW, Role.BOARD_MEMBER, facts)
    assert info.value.code == CODE
    [option] = [
        o
        for o in available_actions(State.BOARD_REVIEW, Role.BOARD_MEMBER, facts)
        if o.action == Action.RECORD_BOARD_VOTE
    ]
    assert not option.allowed
    assert option.blocked == (Blocked(CODE, {}),)


def test_the_member_check_comes_before_the_declaration() -> None:
    facts = ready(
        "record_board_vote", actor_is_board_member=False, actor_declared_no_board_conflict=False
    )
    with pytest.raises(TransitionNotAllowed) as info:
        check(Action.RECORD_BOARD_VOTE, State.BOARD_REVIEW, Role.BOARD_MEMBER, facts)
    assert [b.code for b in info.value.blocked] == ["not_board_member", CODE]


def test_a_declared_member_votes() -> None:
    facts = ready("record_board_vote")
    row = check(Action.RECORD_BOARD_VOTE, State.BOARD_REVIEW, Role.BOARD_MEMBER, facts)
    assert row.target == State.BOARD_REVIEW


def test_the_declaration_does_not_touch_the_other_board_steps() -> None:
    # The secretariat closes the review and the authority decides whatever the fact says:
    # it describes the actor as a voting member, not the board.
    facts = replace(ready("close_board_review"), actor_declared_no_board_conflict=False)
    check(Action.CLOSE_BOARD_REVIEW, State.BOARD_REVIEW, Role.SECRETARIAT, facts)
    facts = replace(ready("award", GOLD), actor_declared_no_board_conflict=False)
    check(Action.AWARD, State.AWAITING_DECISION, Role.AUTHORITY, facts)
