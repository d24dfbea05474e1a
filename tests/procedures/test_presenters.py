"""The procedure pages' presenters, called without HTTP: what each person sees of a procedure,
above all what stays confidential (the board's votes, other people's work in the audit trail)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import Reason
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.assessment import (
    percent,
    result_section,
    rounded,
    scoring_page,
)
from clusterlabel.procedures.presenters.detail import (
    VOTE_EVENT,
    milestones,
    procedure_page,
    visible_trail,
)
from clusterlabel.procedures.presenters.self_assessment import questionnaire_page
from clusterlabel.procedures.selectors import procedure_get
from tests.factories import UserFactory
from tests.procedures.builders import ProcedureBuilder

VOTE = flow.Action.RECORD_BOARD_VOTE.value


def fresh(procedure: Procedure) -> Procedure:
    return procedure_get(pk=procedure.pk)


def actions(page) -> set[str]:
    return {event.action for event in page.events}


def option_actions(page) -> set[str]:
    return {option.action for option in page.options}


# --- the audit trail, as data (no database) ------------------------------------------------------


TRAIL = [
    SimpleNamespace(action="procedure.submit_application"),
    SimpleNamespace(action="self_assessment.saved"),
    SimpleNamespace(action="evidence.uploaded"),
    SimpleNamespace(action="panel.proposed"),
    SimpleNamespace(action="score.saved"),
    SimpleNamespace(action="report.agreed"),
    SimpleNamespace(action=VOTE_EVENT),
    SimpleNamespace(action=services.BOARD_DECLARATION_EVENT),
]


def names(events) -> list[str]:
    return [event.action for event in events]


def test_an_applicants_trail_keeps_its_own_steps_only():
    shown = visible_trail(
        TRAIL, reads_internal=False, reads_votes=False, reads_board_declarations=False
    )
    assert names(shown) == [
        "procedure.submit_application",
        "self_assessment.saved",
        "evidence.uploaded",
    ]


def test_the_vote_and_declaration_events_need_their_own_right():
    shown = visible_trail(
        TRAIL, reads_internal=True, reads_votes=False, reads_board_declarations=False
    )
    assert VOTE_EVENT not in names(shown)
    assert services.BOARD_DECLARATION_EVENT not in names(shown)
    assert "score.saved" in names(shown)
    everything = visible_trail(
        TRAIL, reads_internal=True, reads_votes=True, reads_board_declarations=True
    )
    assert names(everything) == names(TRAIL)


def test_a_vote_is_hidden_even_where_the_applicants_prefixes_would_let_it_through():
    # The vote's event starts with "procedure.", which the applicant's trail keeps.
    shown = visible_trail(
        TRAIL, reads_internal=False, reads_votes=False, reads_board_declarations=True
    )
    assert VOTE_EVENT not in names(shown)


def test_milestones_are_the_procedures_panels_and_reports_steps():
    assert names(milestones(TRAIL)) == [
        "procedure.submit_application",
        "panel.proposed",
        "report.agreed",
        VOTE_EVENT,
    ]


def test_percentages_are_rounded_down_for_reading():
    assert percent(Decimal("79.99")) == Decimal("79.9")
    reason = rounded(Reason("score_below_minimum", {"percent": Decimal("79.99"), "need": 80}))
    assert reason.params == {"percent": Decimal("79.9"), "need": 80}


# --- the procedure page ---------------------------------------------------------------------------


@pytest.fixture
def in_board_review(db) -> ProcedureBuilder:
    """The first board review; no board member has declared yet."""
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence", board_declared=False)
    builder.advance_to(ProcedureState.BOARD_REVIEW)
    return builder


@pytest.fixture
def voted(in_board_review: ProcedureBuilder) -> ProcedureBuilder:
    """The board review with every member declared and having voted."""
    builder = in_board_review
    builder.declare_board()
    for member in builder.board:
        services.board_vote_record(
            procedure=fresh(builder.procedure), actor=member, in_favour=True, reason="Gut."
        )
    return builder


def test_the_cluster_manager_never_sees_votes_nor_the_internal_trail(voted):
    page = procedure_page(fresh(voted.procedure), user=voted.manager, full_trail=True)
    assert page.is_manager is True
    assert page.board_votes == []
    assert page.board_declarations is None
    assert page.sees_declarations is False
    assert page.sees_panel is False
    assert VOTE_EVENT not in actions(page)
    assert services.BOARD_DECLARATION_EVENT not in actions(page)
    assert page.events  # their own steps are there
    assert all(
        action.startswith(("procedure.", "self_assessment.", "evidence."))
        for action in actions(page)
    )


def test_the_secretariat_sees_the_panels_work_and_the_votes(voted):
    page = procedure_page(fresh(voted.procedure), user=voted.secretariat, full_trail=True)
    assert page.sees_panel is True
    assert page.sees_declarations is True
    assert len(page.board_votes) == len(voted.board)
    assert VOTE_EVENT in actions(page)
    assert any(action.startswith("panel.") for action in actions(page))


def test_the_authority_sees_every_vote_of_the_round_and_their_events(voted):
    page = procedure_page(fresh(voted.procedure), user=voted.authority, full_trail=True)
    assert {vote.member_id for vote in page.board_votes} == {m.pk for m in voted.board}
    assert VOTE_EVENT in actions(page)
    assert page.board is not None
    assert page.board.yes == len(voted.board)


def test_a_board_member_before_declaring_sees_the_header_and_the_declaration_only(in_board_review):
    member = in_board_review.board[0]
    page = procedure_page(fresh(in_board_review.procedure), user=member, full_trail=False)
    assert page.board_declaration_due is True
    assert page.own_board_declaration is None
    assert VOTE not in option_actions(page)
    assert page.sees_file is False
    assert page.events == []
    assert page.result is None
    assert page.board_votes == []


def test_a_board_member_after_declaring_no_conflict_may_vote(in_board_review):
    member = in_board_review.board[0]
    in_board_review.walk.declare_no_board_conflict(member)
    page = procedure_page(fresh(in_board_review.procedure), user=member, full_trail=False)
    assert page.board_declaration_due is False
    assert page.own_board_declaration.no_conflict is True
    assert VOTE in option_actions(page)
    vote = next(option for option in page.options if option.action == VOTE)
    assert vote.page == "procedures:vote"
    assert page.sees_file is True
    assert page.result is not None
    # A board member reads the result on the procedure page, not the assessors' scoring pages.
    assert page.sees_scoring_pages is False


def test_a_board_member_with_a_conflict_gets_no_vote_button(in_board_review):
    member = in_board_review.board[0]
    services.board_conflict_declare(
        procedure=fresh(in_board_review.procedure),
        actor=member,
        no_conflict=False,
        note="Mein Bruder leitet das Cluster.",
    )
    page = procedure_page(fresh(in_board_review.procedure), user=member, full_trail=False)
    assert page.board_declaration_due is False
    assert page.own_board_declaration.no_conflict is False
    assert VOTE not in option_actions(page)


def test_the_milestones_are_shown_until_the_full_trail_is_asked_for(voted):
    procedure = fresh(voted.procedure)
    short = procedure_page(procedure, user=voted.secretariat, full_trail=False)
    full = procedure_page(procedure, user=voted.secretariat, full_trail=True)
    assert short.all_events == full.all_events == len(full.events)
    assert len(short.events) < len(full.events)
    assert all(action.startswith(("procedure.", "panel.", "report.")) for action in actions(short))


def test_a_stranger_to_the_procedure_is_offered_no_step(voted):
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    page = procedure_page(fresh(voted.procedure), user=stranger, full_trail=True)
    assert page.options == []
    assert page.board_votes == []
    assert page.events == []


# --- the scoring page -----------------------------------------------------------------------------


@pytest.fixture
def assessing(db) -> ProcedureBuilder:
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    return builder


def rows(context) -> list:
    return [row for block in context["categories"] for row in block["rows"]]


def test_the_panel_gets_a_form_per_indicator_and_readers_none(assessing):
    procedure = fresh(assessing.procedure)
    assessor = assessing.assessors[0]
    editing = scoring_page(procedure, user=assessor, language="de", editable=True)
    reading = scoring_page(procedure, user=assessing.secretariat, language="de", editable=False)
    assert len(rows(editing)) == len(procedure.scheme.indicators)
    assert all(row.form is not None for row in rows(editing))
    assert all(row.form is None for row in rows(reading))
    assert editing["shared"] is (len(assessing.assessors) >= 2)


def test_a_score_saved_by_one_assessor_awaits_the_others_confirmation(assessing):
    first, second = assessing.assessors[:2]
    procedure = fresh(assessing.procedure)
    indicator = procedure.scheme.indicators[0]
    value = assessing.walk.scores[indicator.id]
    services.score_save(
        procedure=procedure,
        actor=first,
        indicator_id=indicator.id,
        value=value,
        comment="",
        evidence_seen="Bericht",
        based_on_revision=0,
    )
    procedure = fresh(procedure)
    mine = scoring_page(procedure, user=first, language="en", editable=True, saved=indicator.id)
    theirs = scoring_page(procedure, user=second, language="en", editable=True)
    (row_first,) = [row for row in rows(mine) if row.indicator.id == indicator.id]
    (row_second,) = [row for row in rows(theirs) if row.indicator.id == indicator.id]
    assert row_first.saved is True and row_second.saved is False
    assert row_first.needs_my_confirmation is False
    assert row_second.needs_my_confirmation is True
    assert row_second.agreed is False
    assert [c.confirmed for c in row_second.confirmations if c.assessor.pk == first.pk] == [True]
    assert mine["summary"]["disagreements"] == 1


def test_the_board_and_the_authority_read_the_result_by_category(voted):
    section = result_section(fresh(voted.procedure))
    scheme = voted.procedure.scheme
    assert [category.id for category, _score in section["categories"]] == [
        c.id for c in scheme.categories
    ]
    assert section["result"].decision.awarded is True


# --- the questionnaire ----------------------------------------------------------------------------


def test_the_questionnaire_read_only_counts_the_answers(assessing):
    procedure = fresh(assessing.procedure)
    page = questionnaire_page(procedure, form=None, is_manager=False, today=timezone.localdate())
    assert page["editable"] is False
    assert page["total"] == len(procedure.scheme.indicators)
    assert page["answered"] == page["total"]
    assert page["unanswered"] == []
    assert page["is_open"] is False
