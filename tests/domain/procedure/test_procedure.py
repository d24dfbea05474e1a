"""The labelling procedure's state machine (``clusterlabel.domain.procedure``), no database.

The expectations below are written by hand, in plain strings, from the procedure as the users
describe it. They are deliberately not derived from ``TRANSITIONS``: a wrong row in the table
must make a test fail.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain import procedure
from clusterlabel.domain.procedure import (
    Action,
    AssessorFacts,
    Blocked,
    BoardVote,
    ProcedureFacts,
    ProcedureRules,
    Recommendation,
    Role,
    State,
    Transition,
    TransitionNotAllowed,
    available_actions,
    board_recommendation,
    check,
    deadline_days,
    next_state,
    owner_of,
    self_assessment_due_date,
)
from clusterlabel.domain.procedure.table import _validate_table

# --- hand-written expectations -------------------------------------------------------------


class Expect(NamedTuple):
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    board: bool | None  # only schemes with (True) / without (False) an advisory board


def _e(
    action: str, sources: set[str], target: str, roles: set[str], board: bool | None = None
) -> Expect:
    return Expect(action, frozenset(sources), target, frozenset(roles), board)


ALL_STATES = {
    "draft",
    "applied",
    "changes_requested",
    "contracted",
    "self_assessment_submitted",
    "assessors_assigned",
    "assessment_in_progress",
    "report_submitted",
    "board_review",
    "awaiting_decision",
    "awarded",
    "refused",
    "withdrawn",
}
TERMINAL = {"awarded", "refused", "withdrawn"}
OPEN = ALL_STATES - TERMINAL
ALL_ROLES = {
    "cluster_manager",
    "secretariat",
    "assessor",
    "board_member",
    "authority",
    "administrator",
}
ALL_ACTIONS = {
    "submit_application",
    "request_changes",
    "resubmit_application",
    "accept_application",
    "submit_self_assessment",
    "reopen_self_assessment",
    "assign_assessors",
    "reassign_assessors",
    "start_assessment",
    "submit_report",
    "return_report",
    "send_to_board",
    "record_board_vote",
    "close_board_review",
    "return_to_board",
    "award",
    "refuse",
    "withdraw",
}

EXPECTED: list[Expect] = [
    _e("submit_application", {"draft"}, "applied", {"cluster_manager"}),
    _e("request_changes", {"applied"}, "changes_requested", {"secretariat"}),
    _e("resubmit_application", {"changes_requested"}, "applied", {"cluster_manager"}),
    _e("accept_application", {"applied"}, "contracted", {"secretariat"}),
    _e("submit_self_assessment", {"contracted"}, "self_assessment_submitted", {"cluster_manager"}),
    _e(
        "reopen_self_assessment",
        {"self_assessment_submitted", "assessors_assigned"},
        "contracted",
        {"secretariat", "assessor"},
    ),
    _e("assign_assessors", {"self_assessment_submitted"}, "assessors_assigned", {"secretariat"}),
    _e("reassign_assessors", {"assessors_assigned"}, "assessors_assigned", {"secretariat"}),
    _e("start_assessment", {"assessors_assigned"}, "assessment_in_progress", {"assessor"}),
    _e("submit_report", {"assessment_in_progress"}, "report_submitted", {"assessor"}, True),
    _e("submit_report", {"assessment_in_progress"}, "awaiting_decision", {"assessor"}, False),
    _e("return_report", {"report_submitted"}, "assessment_in_progress", {"secretariat"}),
    _e("return_report", {"awaiting_decision"}, "assessment_in_progress", {"authority"}),
    _e("send_to_board", {"report_submitted"}, "board_review", {"secretariat"}, True),
    _e("record_board_vote", {"board_review"}, "board_review", {"board_member"}, True),
    _e("close_board_review", {"board_review"}, "awaiting_decision", {"secretariat"}, True),
    _e("return_to_board", {"awaiting_decision"}, "board_review", {"authority"}, True),
    _e("award", {"awaiting_decision"}, "awarded", {"authority"}),
    _e("refuse", {"awaiting_decision"}, "refused", {"authority"}),
    _e("withdraw", OPEN, "withdrawn", {"cluster_manager"}),
]

NEEDS_REASON = {
    "request_changes",
    "reopen_self_assessment",
    "reassign_assessors",
    "return_report",
    "return_to_board",
    "refuse",
    "withdraw",
}

EXPECTED_OWNER = {
    "draft": "cluster_manager",
    "applied": "secretariat",
    "changes_requested": "cluster_manager",
    "contracted": "cluster_manager",
    "self_assessment_submitted": "secretariat",
    "assessors_assigned": "assessor",
    "assessment_in_progress": "assessor",
    "report_submitted": "secretariat",
    "board_review": "board_member",
    "awaiting_decision": "authority",
    "awarded": None,
    "refused": None,
    "withdrawn": None,
}

EXPECTED_DEADLINE_DAYS = {
    "draft": None,
    "applied": 14,
    "changes_requested": 30,
    "contracted": 60,
    "self_assessment_submitted": 21,
    "assessors_assigned": None,
    "assessment_in_progress": 28,
    "report_submitted": 14,
    "board_review": 28,
    "awaiting_decision": 28,
    "awarded": None,
    "refused": None,
    "withdrawn": None,
}


def expected_row(action: str, state: str, board: bool) -> Expect | None:
    rows = [
        e
        for e in EXPECTED
        if e.action == action and state in e.sources and e.board in (None, board)
    ]
    assert len(rows) <= 1
    return rows[0] if rows else None


def expected_reachable(board: bool) -> set[str]:
    """States reachable from draft along the hand-written expectations."""
    seen, todo = {"draft"}, ["draft"]
    while todo:
        state = todo.pop()
        for e in EXPECTED:
            if state in e.sources and e.board in (None, board) and e.target not in seen:
                seen.add(e.target)
                todo.append(e.target)
    return seen


# --- facts ---------------------------------------------------------------------------------

TODAY = date(2024, 5, 6)

GOLD = ProcedureRules(  # ECEI Gold-like: two assessors, one national, one foreign; a board
    assessors=2,
    national_and_foreign=True,
    advisory_board=True,
    board_quorum=3,
    board_majority_percent=Decimal("50"),
    self_assessment_due_days_before_assessment=14,
)
SINGLE = ProcedureRules(  # one assessor, no advisory board
    assessors=1,
    national_and_foreign=False,
    advisory_board=False,
    board_quorum=0,
    board_majority_percent=Decimal("50"),
    self_assessment_due_days_before_assessment=14,
)
RULES_BY_BOARD = {True: GOLD, False: SINGLE}


def assessor(
    nationality: str = "DE", *, declared: bool = True, agreed: bool = True
) -> AssessorFacts:
    return AssessorFacts(
        name=f"Assessor {nationality}",
        nationality=nationality,
        exclusions=(),
        conflict_declared_none=declared,
        report_agreed=agreed,
    )


def vote(yes: bool, reason: bool = True) -> BoardVote:
    return BoardVote(yes=yes, has_reason=reason)


def ready(
    action: str | None = None, rules: ProcedureRules = GOLD, **overrides: Any
) -> ProcedureFacts:
    """Facts under which every guard of ``action`` passes and the actor holds every role."""
    facts = ProcedureFacts(
        rules=rules,
        today=TODAY,
        home_country="DE",
        eligibility_failures=(),
        self_assessment_missing=0,
        self_assessment_evidence_missing=(),
        assessors=(assessor("DE"), assessor("AT"))[: rules.assessors],
        # scoring starts on the assessment day; assigning needs the preparation time ahead
        assessment_date=TODAY if action == "start_assessment" else TODAY + timedelta(days=30),
        scores_missing=0,
        scores_disagreement_count=0,
        board_votes=(vote(True), vote(True), vote(True)),
        computed_award_possible=True,
        organisation_confirmed=True,
        actor_is_member_of_organisation=True,
        actor_is_scheme_secretariat=True,
        actor_is_assigned_assessor=True,
        actor_is_board_member=True,
        actor_is_awarding_authority=True,
        actor_declared_no_board_conflict=True,
    )
    return replace(facts, **overrides)


def refusal(
    action: str, state: str, role: str, facts: ProcedureFacts, reason: str | None = "r"
) -> TransitionNotAllowed:
    with pytest.raises(TransitionNotAllowed) as info:
        check(Action(action), State(state), Role(role), facts, reason=reason)
    return info.value


# --- the table against the expectations ----------------------------------------------------


def test_the_table_is_exactly_the_expected_one() -> None:
    expected = {
        (e.action, s, b): (e.target, e.roles)
        for e in EXPECTED
        for s in e.sources
        for b in (True, False)
        if e.board in (None, b)
    }
    actual = {
        (str(t.action), str(s), b): (str(t.target), frozenset(str(r) for r in t.roles))
        for t in procedure.TRANSITIONS
        for s in t.source
        for b in (True, False)
        if t.advisory_board in (None, b)
    }
    assert actual == expected
    assert {str(a) for a in Action} == ALL_ACTIONS
    assert {str(s) for s in State} == ALL_STATES
    assert {str(r) for r in Role} == ALL_ROLES
    assert {str(s) for s in procedure.TERMINAL_STATES} == TERMINAL
    assert {str(t.action) for t in procedure.TRANSITIONS if t.requires_reason} == NEEDS_REASON
    assert {str(t.action) for t in procedure.TRANSITIONS if not t.requires_reason} == (
        ALL_ACTIONS - NEEDS_REASON
    )


ROW_CASES = [
    pytest.param(e, state, board, id=f"{e.action}-{state}-{board}")
    for e in EXPECTED
    for state in sorted(e.sources)
    for board in (True, False)
    if e.board in (None, board)
]


@pytest.mark.parametrize(("row", "state", "board"), ROW_CASES)
def test_every_transition_runs_for_its_roles_only(row: Expect, state: str, board: bool) -> None:
    facts = ready(row.action, RULES_BY_BOARD[board])
    for role in sorted(row.roles):
        assert next_state(Action(row.action), State(state), Role(role), facts, reason="r") == (
            row.target
        ), role
    for role in sorted(ALL_ROLES - row.roles):
        error = refusal(row.action, state, role, facts)
        assert (error.code, error.params) == (
            "wrong_role",
            {"action": row.action, "role": role},
        ), role


@pytest.mark.parametrize("action", sorted(ALL_ACTIONS))
def test_every_action_is_refused_outside_its_source_states(action: str) -> None:
    sources = set().union(*(e.sources for e in EXPECTED if e.action == action))
    assert sources  # every action is possible somewhere
    for state in sorted(ALL_STATES - sources):
        for rules in RULES_BY_BOARD.values():
            facts = ready(action, rules)
            for role in ALL_ROLES:
                error = refusal(action, state, role, facts)
                assert (error.code, error.params) == (
                    "wrong_state",
                    {"action": action, "state": state},
                ), (state, role)
            options = [o for r in Role for o in available_actions(state, r, facts)]
            assert all(o.action != action for o in options)


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("send_to_board", "report_submitted"),
        ("record_board_vote", "board_review"),
        ("close_board_review", "board_review"),
        ("return_to_board", "awaiting_decision"),
    ],
)
def test_board_steps_are_refused_in_a_scheme_without_a_board(action: str, state: str) -> None:
    row = next(e for e in EXPECTED if e.action == action)
    for role in row.roles:
        error = refusal(action, state, role, ready(action, SINGLE))
        assert (error.code, error.params) == ("no_advisory_board", {"action": action})


def test_submit_report_goes_to_the_board_or_straight_to_the_authority() -> None:
    assert next_state(
        Action.SUBMIT_REPORT, State.ASSESSMENT_IN_PROGRESS, Role.ASSESSOR, ready(rules=GOLD)
    ) == (State.REPORT_SUBMITTED)
    assert next_state(
        Action.SUBMIT_REPORT, State.ASSESSMENT_IN_PROGRESS, Role.ASSESSOR, ready(rules=SINGLE)
    ) == (State.AWAITING_DECISION)


def test_the_authority_cannot_decide_before_the_board_review_is_closed() -> None:
    for state in ["report_submitted", "board_review"]:
        for action in ["award", "refuse"]:
            assert refusal(action, state, "authority", ready()).code == "wrong_state"
    close = ready(board_votes=(vote(True), vote(True)))  # below quorum
    assert refusal("close_board_review", "board_review", "secretariat", close).code == (
        "board_quorum_not_reached"
    )


# --- object-level checks -------------------------------------------------------------------

ACTOR_FACT = {
    "cluster_manager": ("actor_is_member_of_organisation", "not_member_of_organisation"),
    "secretariat": ("actor_is_scheme_secretariat", "not_scheme_secretariat"),
    "assessor": ("actor_is_assigned_assessor", "not_assigned_assessor"),
    "board_member": ("actor_is_board_member", "not_board_member"),
    "authority": ("actor_is_awarding_authority", "not_awarding_authority"),
}

ACTOR_CASES = [
    pytest.param(e, role, id=f"{e.action}-{e.board}-{role}")
    for e in EXPECTED
    for role in sorted(e.roles)
]


@pytest.mark.parametrize(("row", "role"), ACTOR_CASES)
def test_the_actor_must_hold_the_role_for_this_procedure(row: Expect, role: str) -> None:
    fact, code = ACTOR_FACT[role]
    rules = RULES_BY_BOARD[row.board if row.board is not None else True]
    state = min(row.sources)
    error = refusal(row.action, state, role, ready(row.action, rules, **{fact: False}))
    assert (error.code, error.params) == (code, {})
    # the other roles' facts do not matter
    others = {f: False for r, (f, _) in ACTOR_FACT.items() if r != role}
    facts = ready(row.action, rules, **others)
    assert check(Action(row.action), State(state), Role(role), facts, reason="r").target == (
        row.target
    )


def test_the_administrator_has_no_procedural_powers() -> None:
    for board, rules in RULES_BY_BOARD.items():
        for state in State:
            assert available_actions(state, Role.ADMINISTRATOR, ready(rules=rules)) == []
            for action in Action:
                code = refusal(action, state, "administrator", ready(action, rules)).code
                if expected_row(action, state, board) is not None:
                    assert code == "wrong_role"
                elif any(e.action == action and state in e.sources for e in EXPECTED):
                    assert code == "no_advisory_board"
                else:
                    assert code == "wrong_state"


# --- guards --------------------------------------------------------------------------------


class GuardCase(NamedTuple):
    action: str
    state: str
    broken: dict[str, Any]
    code: str
    params: dict[str, Any]
    also: tuple[str, ...] = ()  # further codes the same broken facts rightly produce


D = timedelta(days=1)
GUARD_CASES = [
    GuardCase(
        "accept_application",
        "applied",
        {"organisation_confirmed": False},
        "organisation_not_confirmed",
        {},
    ),
    GuardCase(
        "accept_application",
        "applied",
        {"eligibility_failures": ("min_staff_fte", "website_required")},
        "not_eligible",
        {"criteria": ("min_staff_fte", "website_required")},
    ),
    GuardCase(
        "submit_self_assessment",
        "contracted",
        {"self_assessment_missing": 3},
        "self_assessment_incomplete",
        {"missing": 3},
    ),
    GuardCase(
        "submit_self_assessment",
        "contracted",
        {"self_assessment_evidence_missing": ("STR-01", "PRO-02")},
        "self_assessment_evidence_missing",
        {"indicators": ("STR-01", "PRO-02")},
    ),
    GuardCase(
        "submit_self_assessment",
        "contracted",
        {"self_assessment_missing": 1, "self_assessment_evidence_missing": ("STR-01",)},
        "self_assessment_incomplete",
        {"missing": 1},
        also=("self_assessment_evidence_missing",),
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessors": (assessor("DE"),)},
        "too_few_assessors",
        {"need": 2, "have": 1},
        also=("national_and_foreign_assessors_required",),
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessors": (assessor("DE"), assessor("AT"), assessor("FR"))},
        "too_many_assessors",
        {"need": 2, "have": 3},
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessors": (assessor("DE"), assessor("DE"))},
        "national_and_foreign_assessors_required",
        {"country": "DE", "national": 2, "foreign": 0},
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessors": (assessor("AT"), assessor("FR"))},
        "national_and_foreign_assessors_required",
        {"country": "DE", "national": 0, "foreign": 2},
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessors": (assessor("DE"), assessor("AT", declared=False))},
        "conflict_of_interest_not_declared",
        {"count": 1},
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessment_date": None},
        "assessment_not_scheduled",
        {},
    ),
    GuardCase(
        "assign_assessors",
        "self_assessment_submitted",
        {"assessment_date": TODAY + 13 * D},
        "assessment_too_soon",
        {"assessment_date": TODAY + 13 * D, "earliest": TODAY + 14 * D, "days": 14},
    ),
    GuardCase(
        "reassign_assessors",
        "assessors_assigned",
        {"assessment_date": TODAY - D},
        "assessment_too_soon",
        {"assessment_date": TODAY - D, "earliest": TODAY + 14 * D, "days": 14},
    ),
    GuardCase(
        "reassign_assessors",
        "assessors_assigned",
        {"assessors": (assessor("DE", declared=False), assessor("AT", declared=False))},
        "conflict_of_interest_not_declared",
        {"count": 2},
    ),
    GuardCase(
        "start_assessment",
        "assessors_assigned",
        {"assessment_date": TODAY + D},
        "assessment_date_not_reached",
        {"assessment_date": TODAY + D},
    ),
    GuardCase(
        "start_assessment",
        "assessors_assigned",
        {"assessment_date": None},
        "assessment_not_scheduled",
        {},
    ),
    GuardCase(
        "start_assessment",
        "assessors_assigned",
        {"assessors": (assessor("DE"), assessor("AT", declared=False))},
        "conflict_of_interest_not_declared",
        {"count": 1},
    ),
    GuardCase(
        "submit_report",
        "assessment_in_progress",
        {"scores_missing": 2},
        "scores_incomplete",
        {"missing": 2},
    ),
    GuardCase(
        "submit_report",
        "assessment_in_progress",
        {"scores_disagreement_count": 4},
        "assessor_scores_disagree",
        {"count": 4},
    ),
    GuardCase(
        "submit_report",
        "assessment_in_progress",
        {"assessors": (assessor("DE"), assessor("AT", agreed=False))},
        "report_not_agreed",
        {"count": 1},
    ),
    GuardCase(
        "submit_report",
        "assessment_in_progress",
        {"assessors": ()},
        "too_few_assessors",
        {"need": 2, "have": 0},
    ),
    GuardCase(
        "close_board_review",
        "board_review",
        {"board_votes": (vote(True), vote(False))},
        "board_quorum_not_reached",
        {"need": 3, "have": 2},
    ),
    GuardCase(
        "close_board_review",
        "board_review",
        {"board_votes": (vote(True), vote(False, reason=False), vote(True, reason=False))},
        "votes_without_reason",
        {"count": 1},
    ),
    GuardCase(
        "award",
        "awaiting_decision",
        {"computed_award_possible": False},
        "award_rules_not_met",
        {},
    ),
    GuardCase(
        "award",
        "awaiting_decision",
        {"board_votes": (vote(True), vote(False), vote(False))},
        "board_recommended_against",
        {"yes": 1, "no": 2},
    ),
    GuardCase(
        "award",
        "awaiting_decision",
        {"board_votes": (vote(True), vote(True))},
        "board_quorum_not_reached",
        {"need": 3, "have": 2},
    ),
]


def _role_for(action: str) -> str:
    return min(next(e for e in EXPECTED if e.action == action).roles)


@pytest.mark.parametrize(
    "case", GUARD_CASES, ids=[f"{c.action}-{c.code}-{i}" for i, c in enumerate(GUARD_CASES)]
)
def test_each_guard_blocks_with_its_code_and_params_and_passes_when_fixed(
    case: GuardCase,
) -> None:
    role = _role_for(case.action)
    broken = ready(case.action, GOLD, **case.broken)
    error = refusal(case.action, case.state, role, broken)
    assert (error.code, error.params) == (case.code, case.params)
    assert error.blocked[0] == Blocked(case.code, case.params)
    assert [b.code for b in error.blocked[1:]] == list(case.also)
    [option] = [o for o in available_actions(case.state, role, broken) if o.action == case.action]
    assert not option.allowed
    assert option.blocked == error.blocked

    fixed = ready(case.action, GOLD)
    assert check(Action(case.action), State(case.state), Role(role), fixed, reason="r")
    [option] = [o for o in available_actions(case.state, role, fixed) if o.action == case.action]
    assert option.allowed
    assert option.blocked == ()


def test_guard_boundaries_pass() -> None:
    def passes(action: str, state: str, **facts: Any) -> bool:
        row = check(Action(action), State(state), Role(_role_for(action)), ready(action, **facts))
        return row.target is not None

    assert passes("assign_assessors", "self_assessment_submitted", assessment_date=TODAY + 14 * D)
    assert passes("start_assessment", "assessors_assigned", assessment_date=TODAY)
    assert passes("start_assessment", "assessors_assigned", assessment_date=TODAY - 3 * D)
    # a yes vote needs no reason; country codes compare case-insensitively
    yes_without_reason = (vote(True, reason=False), vote(True), vote(False))
    assert passes("close_board_review", "board_review", board_votes=yes_without_reason)
    assert passes(
        "assign_assessors",
        "self_assessment_submitted",
        home_country="de",
        assessors=(assessor("De"), assessor("at")),
    )


def test_all_reasons_are_reported_first_one_as_code() -> None:
    facts = ready(
        "submit_report",
        actor_is_assigned_assessor=False,
        scores_missing=1,
        scores_disagreement_count=2,
    )
    error = refusal("submit_report", "assessment_in_progress", "assessor", facts)
    assert error.code == "not_assigned_assessor"
    assert [b.code for b in error.blocked] == [
        "not_assigned_assessor",
        "scores_incomplete",
        "assessor_scores_disagree",
    ]


@pytest.mark.parametrize("action", sorted(NEEDS_REASON))
def test_a_reason_is_required(action: str) -> None:
    row = next(e for e in EXPECTED if e.action == action)
    state, role = min(row.sources), min(row.roles)
    for reason in [None, "", "   \n"]:
        error = refusal(action, state, role, ready(action), reason=reason)
        assert (error.code, error.params) == ("reason_required", {"action": action})
    [option] = [o for o in available_actions(state, role, ready(action)) if o.action == action]
    assert option.requires_reason and option.allowed  # the UI asks for it; not a disabled button


def test_reason_comes_after_the_guards() -> None:
    facts = ready("reassign_assessors", assessment_date=None)
    error = refusal("reassign_assessors", "assessors_assigned", "secretariat", facts, reason="")
    assert [b.code for b in error.blocked] == ["assessment_not_scheduled", "reason_required"]


# --- scheme rules --------------------------------------------------------------------------


def test_gold_needs_two_assessors_one_national_one_foreign() -> None:
    def assign(rules: ProcedureRules, *nationalities: str) -> str | None:
        facts = ready(rules=rules, assessors=tuple(assessor(n) for n in nationalities))
        try:
            check(Action.ASSIGN_ASSESSORS, State.SELF_ASSESSMENT_SUBMITTED, Role.SECRETARIAT, facts)
        except TransitionNotAllowed as error:
            return error.code
        return None

    assert assign(GOLD, "DE", "AT") is None
    assert assign(GOLD, "FR", "DE") is None
    assert assign(GOLD, "DE", "DE") == "national_and_foreign_assessors_required"
    assert assign(GOLD, "DE") == "too_few_assessors"
    assert assign(GOLD) == "too_few_assessors"
    assert assign(SINGLE, "DE") is None
    assert assign(SINGLE, "AT") is None  # one assessor: nationality does not matter
    assert assign(SINGLE, "DE", "AT") == "too_many_assessors"
    two_any = replace(SINGLE, assessors=2)
    assert assign(two_any, "DE", "DE") is None


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        # exactly 50 % with majority 50 is not more than 50 %
        ([True, False, True, False], Recommendation(True, False, 2, 2)),
        ([True, True, False], Recommendation(True, True, 2, 1)),
        ([True, True, True], Recommendation(True, True, 3, 0)),
        ([False, False, False], Recommendation(True, False, 0, 3)),
        ([True, True], Recommendation(False, None, 2, 0)),  # below quorum 3
        ([], Recommendation(False, None, 0, 0)),
    ],
)
def test_board_recommendation(votes: list[bool], expected: Recommendation) -> None:
    assert board_recommendation([vote(v) for v in votes], GOLD) == expected


def test_board_majority_other_thresholds() -> None:
    two_thirds = replace(GOLD, board_majority_percent=Decimal("66.67"), board_quorum=1)
    assert board_recommendation([vote(True), vote(True), vote(False)], two_thirds).recommended is (
        False
    )
    assert board_recommendation([vote(True)] * 3, two_thirds).recommended is True
    unanimous = replace(GOLD, board_majority_percent=Decimal("99.99"), board_quorum=1)
    assert board_recommendation([vote(True)] * 9 + [vote(False)], unanimous).recommended is False
    none_needed = replace(GOLD, board_majority_percent=Decimal("0"), board_quorum=1)
    assert board_recommendation([vote(True), vote(False)], none_needed).recommended is True
    assert board_recommendation([vote(False)], none_needed).recommended is False


@settings(max_examples=150, deadline=None)
@given(
    yes=st.integers(0, 12),
    no=st.integers(0, 12),
    quorum=st.integers(1, 10),
    majority=st.decimals(min_value=0, max_value=Decimal("99.99"), places=2),
)
def test_board_recommendation_matches_exact_fractions(
    yes: int, no: int, quorum: int, majority: Decimal
) -> None:
    rules = replace(GOLD, board_quorum=quorum, board_majority_percent=majority)
    result = board_recommendation([vote(True)] * yes + [vote(False)] * no, rules)
    assert (result.yes, result.no) == (yes, no)
    assert result.quorum_reached == (yes + no >= quorum)
    if yes + no < quorum:
        assert result.recommended is None
    else:
        assert result.recommended == (Fraction(yes, yes + no) > Fraction(majority) / 100)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"assessors": 0}, ValueError),
        ({"assessors": 1, "national_and_foreign": True}, ValueError),
        ({"board_quorum": 0}, ValueError),
        ({"board_quorum": -1, "advisory_board": False}, ValueError),
        ({"board_majority_percent": Decimal("100")}, ValueError),
        ({"board_majority_percent": Decimal("-1")}, ValueError),
        ({"board_majority_percent": 50.0}, TypeError),
        ({"self_assessment_due_days_before_assessment": -1}, ValueError),
    ],
)
def test_procedure_rules_refuse_nonsense(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        replace(GOLD, **kwargs)


def test_procedure_rules_from_a_scheme_fill_the_optional_values() -> None:
    with_board = SimpleNamespace(
        assessors=2,
        national_and_foreign=True,
        advisory_board=True,
        board_quorum=3,
        board_majority_percent=Decimal("50"),
        self_assessment_due_days_before_assessment=14,
        step_deadlines={},
    )
    assert ProcedureRules.from_scheme(with_board) == GOLD
    assert ProcedureRules.from_scheme(
        replace_ns(with_board, step_deadlines={"awaiting_decision": 10})
    ) == replace(GOLD, deadlines={"awaiting_decision": 10})
    without_board = SimpleNamespace(
        assessors=1,
        national_and_foreign=False,
        advisory_board=False,
        board_quorum=None,
        board_majority_percent=None,
        self_assessment_due_days_before_assessment=None,
        step_deadlines={},
    )
    assert ProcedureRules.from_scheme(without_board) == replace(
        SINGLE, self_assessment_due_days_before_assessment=0
    )
    with pytest.raises(ValueError):  # the scheme loader refuses this too
        ProcedureRules.from_scheme(replace_ns(with_board, board_quorum=None))


def test_procedure_rules_from_the_scheme_model() -> None:
    schemes = pytest.importorskip("clusterlabel.domain.schemes")
    block = schemes.ProcedureRules(
        assessors=2,
        national_and_foreign=True,
        assessment_modes=("on_site",),
        assessment_days=2,
        advisory_board=True,
        board_quorum=3,
        board_majority_percent="50",
        self_assessment_due_days_before_assessment=14,
    )
    assert ProcedureRules.from_scheme(block) == GOLD
    with_deadlines = block.model_copy(
        update={"deadlines": schemes.StepDeadlines(contracted=45, board_review=21)}
    )
    assert ProcedureRules.from_scheme(with_deadlines).deadlines == {
        "contracted": 45,
        "board_review": 21,
    }


def replace_ns(namespace: SimpleNamespace, **changes: Any) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(namespace), **changes})


def test_blocked_reasons_are_read_only_and_hashable() -> None:
    blocked = Blocked("too_few_assessors", {"need": 2, "have": 1})
    assert blocked == Blocked("too_few_assessors", {"have": 1, "need": 2})
    assert len({blocked, Blocked("too_few_assessors", {"need": 2, "have": 1})}) == 1
    with pytest.raises(TypeError):
        blocked.params["need"] = 1  # type: ignore[index]
    error = refusal("award", "awaiting_decision", "authority", ready(computed_award_possible=False))
    with pytest.raises(TypeError):
        error.params["x"] = 1  # type: ignore[index]


# --- whole procedures ----------------------------------------------------------------------


def run(rules: ProcedureRules, steps: list[tuple[str, str]]) -> list[State]:
    state, seen = State.DRAFT, []
    for action, role in steps:
        state = next_state(Action(action), state, Role(role), ready(action, rules), reason="r")
        seen.append(state)
    return seen


def test_a_gold_procedure_with_board_from_draft_to_award() -> None:
    states = run(
        GOLD,
        [
            ("submit_application", "cluster_manager"),
            ("request_changes", "secretariat"),
            ("resubmit_application", "cluster_manager"),
            ("accept_application", "secretariat"),
            ("submit_self_assessment", "cluster_manager"),
            ("assign_assessors", "secretariat"),
            ("reopen_self_assessment", "assessor"),
            ("submit_self_assessment", "cluster_manager"),
            ("assign_assessors", "secretariat"),
            ("reassign_assessors", "secretariat"),
            ("start_assessment", "assessor"),
            ("submit_report", "assessor"),
            ("return_report", "secretariat"),
            ("submit_report", "assessor"),
            ("send_to_board", "secretariat"),
            ("record_board_vote", "board_member"),
            ("close_board_review", "secretariat"),
            ("return_to_board", "authority"),
            ("close_board_review", "secretariat"),
            ("return_report", "authority"),
            ("submit_report", "assessor"),
            ("send_to_board", "secretariat"),
            ("close_board_review", "secretariat"),
            ("award", "authority"),
        ],
    )
    assert [str(s) for s in states] == [
        "applied",
        "changes_requested",
        "applied",
        "contracted",
        "self_assessment_submitted",
        "assessors_assigned",
        "contracted",
        "self_assessment_submitted",
        "assessors_assigned",
        "assessors_assigned",
        "assessment_in_progress",
        "report_submitted",
        "assessment_in_progress",
        "report_submitted",
        "board_review",
        "board_review",
        "awaiting_decision",
        "board_review",
        "awaiting_decision",
        "assessment_in_progress",
        "report_submitted",
        "board_review",
        "awaiting_decision",
        "awarded",
    ]


def test_a_single_assessor_procedure_without_board_is_refused() -> None:
    states = run(
        SINGLE,
        [
            ("submit_application", "cluster_manager"),
            ("accept_application", "secretariat"),
            ("submit_self_assessment", "cluster_manager"),
            ("assign_assessors", "secretariat"),
            ("start_assessment", "assessor"),
            ("submit_report", "assessor"),
            ("refuse", "authority"),
        ],
    )
    assert states[-3:] == [State.ASSESSMENT_IN_PROGRESS, State.AWAITING_DECISION, State.REFUSED]


def test_the_authority_may_refuse_a_positive_result_but_not_award_a_negative_one() -> None:
    positive = ready()
    assert next_state(
        Action.REFUSE, State.AWAITING_DECISION, Role.AUTHORITY, positive, reason="conflict"
    ) == (State.REFUSED)
    negative = ready(computed_award_possible=False)
    assert refusal("award", "awaiting_decision", "authority", negative).code == (
        "award_rules_not_met"
    )
    assert next_state(
        Action.REFUSE, State.AWAITING_DECISION, Role.AUTHORITY, negative, reason="below 80 %"
    ) == (State.REFUSED)


def test_double_submission_of_the_self_assessment_is_wrong_state() -> None:
    facts = ready()
    state = next_state(Action.SUBMIT_SELF_ASSESSMENT, State.CONTRACTED, Role.CLUSTER_MANAGER, facts)
    assert state == State.SELF_ASSESSMENT_SUBMITTED
    error = refusal("submit_self_assessment", state, "cluster_manager", facts)
    assert (error.code, error.params) == (
        "wrong_state",
        {"action": "submit_self_assessment", "state": "self_assessment_submitted"},
    )


@pytest.mark.parametrize("state", sorted(TERMINAL))
def test_terminal_states_allow_nothing(state: str) -> None:
    for rules in RULES_BY_BOARD.values():
        for role in Role:
            assert available_actions(state, role, ready(rules=rules)) == []
            for action in Action:
                assert refusal(action, state, role, ready(action, rules)).code == "wrong_state"
        assert owner_of(State(state)) is None
        assert deadline_days(State(state), rules) is None


@pytest.mark.parametrize("state", sorted(OPEN))
@pytest.mark.parametrize("board", [True, False])
def test_the_cluster_manager_may_withdraw_from_every_open_state(state: str, board: bool) -> None:
    facts = ready(rules=RULES_BY_BOARD[board])
    assert next_state(
        Action.WITHDRAW, State(state), Role.CLUSTER_MANAGER, facts, reason="no budget"
    ) == (State.WITHDRAWN)
    assert refusal("withdraw", state, "cluster_manager", facts, reason=None).code == (
        "reason_required"
    )
    other_org = replace(facts, actor_is_member_of_organisation=False)
    assert refusal("withdraw", state, "cluster_manager", other_org).code == (
        "not_member_of_organisation"
    )
    for role in ALL_ROLES - {"cluster_manager"}:
        assert refusal("withdraw", state, role, facts).code == "wrong_role"


# --- available actions ---------------------------------------------------------------------


def test_available_actions_lists_the_roles_options_in_procedure_order() -> None:
    facts = ready(eligibility_failures=("min_committed_members",))
    options = available_actions(State.APPLIED, Role.SECRETARIAT, facts)
    assert [(o.action, o.target, o.allowed, o.requires_reason) for o in options] == [
        (Action.REQUEST_CHANGES, State.CHANGES_REQUESTED, True, True),
        (Action.ACCEPT_APPLICATION, State.CONTRACTED, False, False),
    ]
    assert options[1].blocked == (
        Blocked("not_eligible", {"criteria": ("min_committed_members",)}),
    )
    assert [o.action for o in available_actions(State.APPLIED, Role.CLUSTER_MANAGER, facts)] == [
        Action.WITHDRAW
    ]
    assert available_actions(State.APPLIED, Role.AUTHORITY, facts) == []
    no_member = replace(facts, actor_is_board_member=False)
    [record] = available_actions(State.BOARD_REVIEW, Role.BOARD_MEMBER, no_member)
    assert (record.action, record.blocked) == (
        Action.RECORD_BOARD_VOTE,
        (Blocked("not_board_member", {}),),
    )
    assert available_actions(State.BOARD_REVIEW, Role.BOARD_MEMBER, ready(rules=SINGLE)) == []


def test_available_actions_agrees_with_the_expectations_and_with_check() -> None:
    variants = [{}, *(c.broken for c in GUARD_CASES), *({f: False} for f, _ in ACTOR_FACT.values())]
    for board, rules in RULES_BY_BOARD.items():
        for state in ALL_STATES:
            for role in ALL_ROLES:
                expected_actions = sorted(
                    e.action
                    for e in EXPECTED
                    if state in e.sources and role in e.roles and e.board in (None, board)
                )
                if not expected_actions:
                    assert available_actions(state, role, ready(rules=rules)) == []
                    continue
                for broken in variants:
                    for action_facts in (None, "start_assessment"):
                        facts = ready(action_facts, rules, **broken)
                        options = available_actions(state, role, facts)
                        assert sorted(o.action for o in options) == expected_actions
                        for option in options:
                            try:
                                check(option.action, state, role, facts, reason="r")
                                allowed = True
                            except TransitionNotAllowed as error:
                                allowed = False
                                assert error.blocked == option.blocked
                            assert option.allowed is allowed is (option.blocked == ())


# --- random walks --------------------------------------------------------------------------

BROKEN_FACTS = [*(c.broken for c in GUARD_CASES), *({f: False} for f, _ in ACTOR_FACT.values())]


# steers random walks deeper; the property below holds for every sequence regardless
BACKWARD = {
    "request_changes",
    "reopen_self_assessment",
    "reassign_assessors",
    "return_report",
    "record_board_vote",
    "return_to_board",
    "withdraw",
}
STEP = st.tuples(
    st.integers(0, 99),  # action: < 70 one that moves forward, < 85 one that fits, else any
    st.integers(0, 99),  # role: below 85 one of the action's expected roles, else any
    st.integers(0, 99),  # facts: below 85 all guards pass, else one broken fact
    st.sampled_from(["because", None, ""]),
)


@settings(max_examples=200, deadline=None)
@given(board=st.booleans(), steps=st.lists(STEP, max_size=60))
def test_random_walks_stay_inside_the_expected_graph(
    board: bool, steps: list[tuple[int, int, int, str | None]]
) -> None:
    rules = RULES_BY_BOARD[board]
    reachable = expected_reachable(board)
    all_actions, all_roles = sorted(ALL_ACTIONS), sorted(ALL_ROLES)
    state = "draft"
    for action_pick, role_pick, facts_pick, reason in steps:
        fitting = [e.action for e in EXPECTED if state in e.sources and e.board in (None, board)]
        forward = [a for a in fitting if a not in BACKWARD]
        if forward and action_pick < 70:
            action = forward[action_pick % len(forward)]
        elif fitting and action_pick < 85:
            action = fitting[action_pick % len(fitting)]
        else:
            action = all_actions[action_pick % len(all_actions)]
        roles = set().union(*(e.roles for e in EXPECTED if e.action == action))
        role = sorted(roles)[role_pick % len(roles)] if role_pick < 85 else all_roles[role_pick % 6]
        broken = {} if facts_pick < 85 else BROKEN_FACTS[facts_pick % len(BROKEN_FACTS)]
        facts = ready(action, rules, **broken)
        try:
            new = next_state(Action(action), State(state), Role(role), facts, reason=reason)
        except TransitionNotAllowed:
            continue
        assert state not in TERMINAL, f"left terminal state {state}"
        row = expected_row(action, state, board)
        assert row is not None and role in row.roles
        assert new == row.target
        assert new in reachable
        state = str(new)


def test_expected_reachable_states() -> None:
    assert expected_reachable(True) == ALL_STATES
    assert expected_reachable(False) == ALL_STATES - {"report_submitted", "board_review"}


# --- owners, deadlines, dates --------------------------------------------------------------


def test_owner_of_every_state() -> None:
    assert {str(s): owner_of(s) for s in State} == EXPECTED_OWNER


@pytest.mark.parametrize("state", sorted(OPEN))
def test_the_owner_can_move_the_procedure_on(state: str) -> None:
    owner = EXPECTED_OWNER[state]
    assert owner is not None
    rules = GOLD if state in {"report_submitted", "board_review"} else SINGLE
    actions = {o.action for o in available_actions(state, owner, ready(rules=rules))}
    assert actions - {Action.WITHDRAW}


def test_deadline_days() -> None:
    assert {str(s): deadline_days(s, GOLD) for s in State} == EXPECTED_DEADLINE_DAYS


def test_a_schemes_step_deadlines_replace_the_defaults_of_the_states_it_names() -> None:
    rules = replace(GOLD, deadlines={"board_review": 42, "applied": 7})
    assert {str(s): deadline_days(s, rules) for s in State} == {
        **EXPECTED_DEADLINE_DAYS,
        "board_review": 42,
        "applied": 7,
    }


@pytest.mark.parametrize(
    ("deadlines", "message"),
    [
        ({"reviewing": 3}, "no deadline can be set for state 'reviewing'; states with a deadline"),
        ({"draft": 3}, "no deadline can be set for state 'draft'"),
        ({"awarded": 3}, "no deadline can be set for state 'awarded'"),
        ({"board_review": 0}, "the deadline of 'board_review' must be at least 1 day, found 0"),
        ({"applied": -5}, "the deadline of 'applied' must be at least 1 day, found -5"),
    ],
)
def test_step_deadlines_name_states_with_a_deadline_and_whole_days(
    deadlines: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        replace(GOLD, deadlines=deadlines)


def test_the_scheme_files_deadlines_are_the_states_with_a_default() -> None:
    schemes = pytest.importorskip("clusterlabel.domain.schemes")
    assert set(schemes.StepDeadlines.model_fields) == {
        state for state, days in EXPECTED_DEADLINE_DAYS.items() if days is not None
    }


def test_self_assessment_due_date() -> None:
    assert self_assessment_due_date(date(2024, 6, 20), GOLD) == date(2024, 6, 6)
    assert self_assessment_due_date(date(2024, 3, 1), GOLD) == date(2024, 2, 16)  # leap year
    same_day = replace(GOLD, self_assessment_due_days_before_assessment=0)
    assert self_assessment_due_date(date(2024, 6, 20), same_day) == date(2024, 6, 20)


def test_strings_from_the_database_are_accepted() -> None:
    facts = ready()
    assert next_state("submit_application", "draft", "cluster_manager", facts) == "applied"
    with pytest.raises(ValueError):
        check("submit_application", "no_such_state", "cluster_manager", facts)


# --- the table's own checks and the module's purity ----------------------------------------


def test_an_ambiguous_or_ill_formed_table_is_refused() -> None:
    row = procedure.TRANSITIONS[0]
    with pytest.raises(ValueError, match="ambiguous"):
        _validate_table([row, replace(row, target=State.WITHDRAWN)])
    with pytest.raises(ValueError, match="ambiguous"):
        _validate_table([replace(row, advisory_board=True), row])
    _validate_table([replace(row, advisory_board=True), replace(row, advisory_board=False)])
    with pytest.raises(ValueError, match="terminal"):
        _validate_table([replace(row, source=frozenset({State.AWARDED}))])
    with pytest.raises(ValueError, match="role"):
        _validate_table([replace(row, roles=frozenset())])


def test_transitions_are_immutable() -> None:
    row: Transition = procedure.TRANSITIONS[0]
    with pytest.raises(AttributeError):
        row.target = State.AWARDED  # type: ignore[misc]


def test_the_package_imports_only_the_standard_library_and_itself() -> None:
    imported = set()
    for path in sorted(Path(procedure.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, "no relative imports of other domain modules"
                imported.add(node.module or "")
    outside = {name for name in imported if not name.startswith("clusterlabel.domain.procedure.")}
    top_level = {name.split(".")[0] for name in outside}
    assert top_level <= set(sys.stdlib_module_names) | {"__future__"}, outside
