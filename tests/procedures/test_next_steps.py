""" "Your next steps": what each person can and should do now, for every role in every state
(``procedures.presenters.next_steps``), and the procedure page that shows them.

The table pins the steps of a procedure of a scheme with an advisory board (Cluster-Exzellenz
Baden-Württemberg) as ``tests.states.StateBuilder`` leaves it in each state: a key per step,
``!`` for a step that is offered but blocked (with its reasons). The situations inside a state
that change what a person is asked (a declaration outstanding, a vote cast, a panel confirmed
or changed, scores to confirm) have tests of their own below.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.facts import procedure_facts
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.next_steps import NextStep, next_steps
from clusterlabel.procedures.selectors import procedure_get
from tests.helpers import element, elements, hrefs, login, text
from tests.states import STATES, StateBuilder

pytestmark = pytest.mark.django_db

S = flow.State
# A scheme with an advisory board.
SCHEME = "bw-cluster-excellence"
ROLES = ("manager", "secretariat", "assessor", "board", "authority")

# (state, role): the keys of the steps in order; "!" marks a blocked step. Missing: nothing.
EXPECTED: dict[tuple[S, str], list[str]] = {
    (S.DRAFT, "manager"): ["submit_application", "edit_self_assessment", "withdraw"],
    (S.APPLIED, "manager"): ["edit_self_assessment", "withdraw"],
    (S.APPLIED, "secretariat"): ["check_eligibility", "accept_application", "request_changes"],
    (S.CHANGES_REQUESTED, "manager"): [
        "resubmit_application",
        "edit_self_assessment",
        "withdraw",
    ],
    (S.CONTRACTED, "manager"): [
        "edit_self_assessment",
        "contract",
        "submit_self_assessment!",
        "withdraw",
    ],
    (S.SELF_ASSESSMENT_SUBMITTED, "manager"): ["withdraw"],
    (S.SELF_ASSESSMENT_SUBMITTED, "secretariat"): [
        "propose_panel",
        "assign_assessors!",
        "reopen_self_assessment",
    ],
    (S.ASSESSORS_ASSIGNED, "manager"): ["withdraw"],
    (S.ASSESSORS_ASSIGNED, "secretariat"): [
        "panel_confirmed",
        "change_panel",
        "reopen_self_assessment",
    ],
    (S.ASSESSORS_ASSIGNED, "assessor"): ["start_assessment!", "reopen_self_assessment"],
    (S.ASSESSMENT_IN_PROGRESS, "manager"): ["withdraw"],
    (S.ASSESSMENT_IN_PROGRESS, "assessor"): ["score", "write_report", "submit_report!"],
    (S.REPORT_SUBMITTED, "manager"): ["withdraw"],
    (S.REPORT_SUBMITTED, "secretariat"): ["send_to_board", "return_report"],
    (S.BOARD_REVIEW, "manager"): ["withdraw"],
    (S.BOARD_REVIEW, "secretariat"): ["close_board_review!"],
    (S.BOARD_REVIEW, "board"): ["vote", "read_scores"],
    (S.AWAITING_DECISION, "manager"): ["withdraw"],
    (S.AWAITING_DECISION, "authority"): ["decide", "return_report", "return_to_board"],
    # The award also yields a recognised label: two certificates.
    (S.AWARDED, "manager"): ["result", "certificate", "certificate"],
    (S.REFUSED, "manager"): ["refused", "result"],
}


# Without an advisory board (ECEI Bronze; Gold has its cluster-excellence group) the report goes
# straight to the authority, and the award issues one label.
EXPECTED_WITHOUT_BOARD: dict[tuple[S, str], list[str]] = {
    **{
        key: steps
        for key, steps in EXPECTED.items()
        if key[0] not in (S.REPORT_SUBMITTED, S.BOARD_REVIEW, S.AWAITING_DECISION, S.AWARDED)
    },
    (S.AWAITING_DECISION, "manager"): ["withdraw"],
    (S.AWAITING_DECISION, "authority"): ["decide", "return_report"],
    (S.AWARDED, "manager"): ["result", "certificate"],
}


def keys(steps: list[NextStep]) -> list[str]:
    return [step.key + ("" if step.allowed else "!") for step in steps]


def steps_for(user, procedure: Procedure) -> list[NextStep]:
    read = procedure_get(pk=procedure.pk)
    return next_steps(user, read, procedure_facts(read, actor=user))


def person(builder: StateBuilder, role: str):
    if role == "board":
        return builder.board[0]
    return {
        "manager": builder.manager,
        "secretariat": builder.secretariat,
        "assessor": builder.assessors[0],
        "authority": builder.authority,
    }[role]


@pytest.mark.parametrize("state", STATES)
def test_the_next_steps_of_every_role_in_every_state(state):
    builder = StateBuilder(scheme_id=SCHEME).at(state)
    for role in ROLES:
        steps = steps_for(person(builder, role), builder.procedure)
        assert keys(steps) == EXPECTED.get((state, role), []), role
        for step in steps:
            assert step.allowed or step.blocked, f"{role}: {step.key} blocked without a reason"


@pytest.mark.parametrize(
    "state", [s for s in STATES if s not in (S.REPORT_SUBMITTED, S.BOARD_REVIEW)]
)
def test_the_next_steps_of_every_role_in_every_state_without_a_board(state):
    builder = StateBuilder(scheme_id="ecei-bronze").at(state)
    for role in ("manager", "secretariat", "assessor", "authority"):
        steps = steps_for(person(builder, role), builder.procedure)
        assert keys(steps) == EXPECTED_WITHOUT_BOARD.get((state, role), []), role


def test_the_second_assessor_has_the_same_steps_as_the_first():
    for state in (S.ASSESSORS_ASSIGNED, S.ASSESSMENT_IN_PROGRESS):
        builder = StateBuilder(scheme_id=SCHEME).at(state)
        first, second = builder.assessors
        assert keys(steps_for(second, builder.procedure)) == keys(
            steps_for(first, builder.procedure)
        )


def test_a_stranger_has_no_next_step():
    builder = StateBuilder(scheme_id=SCHEME).at(S.BOARD_REVIEW)
    stranger = StateBuilder(scheme_id=SCHEME).manager
    assert steps_for(stranger, builder.procedure) == []


# --- assessors: the declaration first ----------------------------------------------------------


def proposed(builder: StateBuilder) -> Procedure:
    return services.panel_propose(
        procedure=builder.refresh(),
        actor=builder.secretariat,
        assessors=builder.assessors,
        assessment_date=builder.walk.scheduled_date(),
    )


def test_an_assessor_with_a_declaration_outstanding_is_asked_to_declare_and_nothing_else():
    builder = StateBuilder(scheme_id=SCHEME).at(S.SELF_ASSESSMENT_SUBMITTED)
    procedure = proposed(builder)
    first, second = builder.assessors
    steps = steps_for(first, procedure)
    assert keys(steps) == ["declare_conflict"]
    assert steps[0].url == reverse("procedures:conflict", args=[procedure.pk])
    services.conflict_declare(procedure=builder.refresh(), actor=first, no_conflict=True)
    # Declared: sending the self-assessment back is theirs again; the declaration is not.
    assert keys(steps_for(first, procedure)) == ["reopen_self_assessment"]
    assert keys(steps_for(second, procedure)) == ["declare_conflict"]


def test_the_secretariat_confirms_the_panel_once_every_assessor_has_declared():
    builder = StateBuilder(scheme_id=SCHEME).at(S.SELF_ASSESSMENT_SUBMITTED)
    procedure = proposed(builder)
    assert keys(steps_for(builder.secretariat, procedure)) == [
        "propose_panel",
        "assign_assessors!",
        "reopen_self_assessment",
    ]
    for assessor in builder.assessors:
        services.conflict_declare(procedure=builder.refresh(), actor=assessor, no_conflict=True)
    assert keys(steps_for(builder.secretariat, procedure)) == [
        "assign_assessors",
        "propose_panel",
        "reopen_self_assessment",
    ]


def test_a_confirmed_panel_is_reported_as_confirmed_and_not_offered_again(english):
    builder = StateBuilder(scheme_id=SCHEME).at(S.ASSESSORS_ASSIGNED)
    steps = steps_for(builder.secretariat, builder.procedure)
    assert "reassign_assessors" not in keys(steps)
    assert steps[0].key == "panel_confirmed" and steps[0].is_note
    assert steps[0].label.startswith("The panel is confirmed: ")
    for assessor in builder.assessors:
        assert (assessor.get_full_name() or assessor.username) in steps[0].label


def test_a_panel_changed_after_its_confirmation_must_be_confirmed_again():
    builder = StateBuilder(scheme_id=SCHEME).at(S.ASSESSORS_ASSIGNED)
    first = builder.assessors[0]
    services.conflict_declare(
        procedure=builder.refresh(), actor=first, no_conflict=False, note="Former employer."
    )
    steps = keys(steps_for(builder.secretariat, builder.procedure))
    assert "panel_confirmed" not in steps
    assert steps[:2] == ["propose_panel", "reassign_assessors!"]


# --- assessors: scoring and confirming ---------------------------------------------------------


def test_the_second_assessor_is_asked_to_confirm_the_scores_the_first_saved(english):
    builder = StateBuilder(scheme_id=SCHEME).at(S.ASSESSMENT_IN_PROGRESS)
    first, second = builder.assessors
    indicators = builder.scheme.indicators[:3]
    for indicator in indicators:
        services.score_save(
            procedure=builder.refresh(),
            actor=first,
            indicator_id=indicator.id,
            value=indicator.threshold,
            comment="",
            evidence_seen="Interview",
            based_on_revision=0,
        )
    confirm = next(s for s in steps_for(second, builder.procedure) if s.key == "confirm_scores")
    assert confirm.label == "Confirm your co-assessor's scores: 3 wait for you"
    assert "confirm_scores" not in keys(steps_for(first, builder.procedure))


# --- the board: declare, vote, voted -----------------------------------------------------------


def test_a_board_member_declares_first_then_votes_then_reads_what_they_voted(english):
    builder = StateBuilder(scheme_id=SCHEME, board_declared=False).at(S.BOARD_REVIEW)
    member = builder.board[0]
    assert keys(steps_for(member, builder.procedure)) == ["declare_board_conflict"]
    builder.walk.declare_no_board_conflict(member)
    assert keys(steps_for(member, builder.procedure)) == ["vote", "read_scores"]
    services.board_vote_record(
        procedure=builder.refresh(), actor=member, in_favour=False, reason="Too thin."
    )
    steps = steps_for(member, builder.procedure)
    assert keys(steps) == ["voted", "read_scores"]
    assert steps[0].label.startswith("You voted against the award on ")
    assert steps[1].url == reverse("procedures:scoring", args=[builder.procedure.pk])


def test_a_board_member_with_a_conflict_is_told_they_sit_the_round_out():
    builder = StateBuilder(scheme_id=SCHEME, board_declared=False).at(S.BOARD_REVIEW)
    member = builder.board[0]
    services.board_conflict_declare(
        procedure=builder.refresh(), actor=member, no_conflict=False, note="My brother."
    )
    assert keys(steps_for(member, builder.procedure)) == ["board_conflict_declared"]


# --- the page ----------------------------------------------------------------------------------


def test_the_procedure_page_shows_the_voted_note_and_no_vote_button(client):
    builder = StateBuilder(scheme_id=SCHEME).at(S.BOARD_REVIEW)
    member = builder.board[0]
    services.board_vote_record(procedure=builder.refresh(), actor=member, in_favour=True, reason="")
    login(client, member, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    card = element(page, "section", class_="actions")
    assert "You voted for the award on" in text(card)
    assert reverse("procedures:vote", args=[builder.procedure.pk]) not in hrefs(card)
    assert reverse("procedures:scoring", args=[builder.procedure.pk]) in hrefs(card)


def test_the_procedure_page_says_confirmed_once_the_panel_is(client):
    builder = StateBuilder(scheme_id=SCHEME).at(S.ASSESSORS_ASSIGNED)
    login(client, builder.secretariat, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    assert "2 assessors confirmed" in text(page)
    assert "assessors proposed" not in text(page)
    assert not elements(page, "li", class_="next-step-reassign_assessors")
    assert "The panel is confirmed" in text(element(page, "li", class_="next-step-panel_confirmed"))


def test_the_secretariat_checks_eligibility_on_a_page_it_may_open(client):
    builder = StateBuilder(scheme_id=SCHEME).at(S.APPLIED)
    (check,) = [s for s in steps_for(builder.secretariat, builder.procedure) if s.url]
    assert check.key == "check_eligibility"
    login(client, builder.secretariat, language="en")
    assert client.get(check.url).status_code == 200
