"""Board members declare conflicts of interest, per round, before they see the file or vote."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import BoardConflictDeclaration, BoardVote, Procedure
from clusterlabel.procedures.selectors import procedure_get
from tests.factories import UserFactory, grant_role
from tests.helpers import login
from tests.procedures.builders import ProcedureBuilder
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

REFUSED = "board_conflict_not_declared_none"
REPORT = "Das Clustermanagement ist professionell aufgestellt."
# What the file shows on the procedure page: documents, computed result, trail, votes.
FILE_MARKERS = (
    'id="work-heading"',
    'id="result-heading"',
    'id="trail-heading"',
    'id="votes-heading"',
)


@pytest.fixture
def builder() -> ProcedureBuilder:
    """A procedure in its first board review; no board member has declared yet."""
    builder = StateBuilder(scheme_id="bw-cluster-excellence", board_declared=False)
    builder.advance_to(ProcedureState.BOARD_REVIEW)
    return builder


def url(name: str, procedure: Procedure) -> str:
    return reverse(f"procedures:{name}", args=[procedure.pk])


def declare(client, procedure: Procedure, **data: str):
    return client.post(url("board_conflict", procedure), data)


def fresh(procedure: Procedure) -> Procedure:
    return procedure_get(pk=procedure.pk)


# --- before the declaration --------------------------------------------------------------------


def test_an_undeclared_member_sees_only_the_header_and_the_declaration_card(client, builder):
    member = builder.board[0]
    login(client, member, language="en")
    page = client.get(url("detail", builder.procedure)).content.decode()
    assert "Declare conflicts of interest first" in page
    assert url("board_conflict", builder.procedure) in page
    for marker in FILE_MARKERS:
        assert marker not in page
    assert builder.assessors[0].last_name not in page  # the panel is part of the file
    assert url("vote", builder.procedure) not in page  # no vote button either


def test_an_undeclared_member_is_sent_from_the_vote_page_to_the_declaration(client, builder):
    login(client, builder.board[0], language="en")
    response = client.get(url("vote", builder.procedure))
    assert response.status_code == 302
    assert response["Location"] == url("board_conflict", builder.procedure)
    response = client.post(url("vote", builder.procedure), {"in_favour": "yes"})
    assert response.status_code == 302
    assert not BoardVote.objects.exists()


@pytest.mark.parametrize("page", ["scoring", "report", "self_assessment"])
def test_an_undeclared_member_gets_no_page_of_the_file(client, builder, page):
    login(client, builder.board[0], language="en")
    assert client.get(url(page, builder.procedure)).status_code == 404


def test_the_policy_withholds_the_file_until_the_declaration(builder):
    member, procedure = builder.board[0], fresh(builder.procedure)
    assert policy.can(member, Activity.VIEW_PROCEDURE, procedure)
    assert policy.can(member, Activity.DECLARE_BOARD_CONFLICT, procedure)
    for activity in (
        Activity.VIEW_PROCEDURE_FILE,
        Activity.READ_SCORES,
        Activity.READ_BOARD_VOTES,
        Activity.READ_INTERNAL_AUDIT,
    ):
        decision = policy.decide(member, activity, procedure)
        assert (decision.allowed, decision.reason) == (False, REFUSED)
        assert not policy.restrict(Procedure.objects.all(), member, activity).exists()
    services.board_conflict_declare(procedure=procedure, actor=member, no_conflict=True)
    procedure = fresh(procedure)
    assert policy.can(member, Activity.READ_SCORES, procedure)
    assert list(policy.restrict(Procedure.objects.all(), member, Activity.READ_SCORES)) == [
        procedure
    ]


def test_an_undeclared_member_cannot_vote(builder):
    with pytest.raises(services.ActionRefused) as refused:
        services.board_vote_record(
            procedure=builder.procedure, actor=builder.board[0], in_favour=True, reason=""
        )
    assert refused.value.code == REFUSED
    assert not BoardVote.objects.exists()


# --- declaring no conflict ---------------------------------------------------------------------


def test_after_declaring_no_conflict_the_member_sees_the_file_and_votes(client, builder):
    member, procedure = builder.board[0], builder.procedure
    login(client, member, language="en")
    page = client.get(url("board_conflict", procedure))
    assert page.status_code == 200
    assert builder.organisation.legal_name in page.content.decode()

    response = declare(client, procedure, declaration="none", no_conflict="on")
    assert response.status_code == 302
    assert response["Location"] == url("vote", procedure)
    declaration = BoardConflictDeclaration.objects.get(procedure=procedure, member=member)
    assert (declaration.round, declaration.no_conflict, declaration.note) == (1, True, "")
    event = AuditEvent.objects.get(action="board.conflict_declare")
    assert (event.actor_id, event.procedure_id) == (member.pk, procedure.pk)
    assert event.after == {"no_conflict": True, "round": 1}

    vote_page = client.get(url("vote", procedure)).content.decode()
    assert REPORT in vote_page
    detail = client.get(url("detail", procedure)).content.decode()
    assert "Declare conflicts of interest first" not in detail
    for marker in ('id="work-heading"', 'id="result-heading"', 'id="trail-heading"'):
        assert marker in detail
    assert url("vote", procedure) in detail

    response = client.post(url("vote", procedure), {"in_favour": "yes", "reason": ""})
    assert response.status_code == 302
    vote = BoardVote.objects.get(procedure=procedure, member=member)
    assert (vote.round, vote.in_favour) == (1, True)


def test_declaring_no_conflict_again_changes_nothing(builder):
    member = builder.board[0]
    first = services.board_conflict_declare(
        procedure=builder.procedure, actor=member, no_conflict=True
    )
    again = services.board_conflict_declare(
        procedure=builder.procedure, actor=member, no_conflict=True
    )
    assert again.pk == first.pk
    assert again.declared_at == first.declared_at
    assert AuditEvent.objects.filter(action="board.conflict_declare").count() == 1


# --- declaring a conflict ----------------------------------------------------------------------


def test_a_member_with_a_conflict_cannot_vote_nor_see_the_file(client, builder):
    member, procedure = builder.board[0], builder.procedure
    login(client, member, language="en")
    response = declare(client, procedure, declaration="conflict", note="Former employee.")
    assert response.status_code == 302
    declaration = BoardConflictDeclaration.objects.get(procedure=procedure, member=member)
    assert (declaration.no_conflict, declaration.note) == (False, "Former employee.")
    event = AuditEvent.objects.get(action="board.conflict_declare")
    assert event.reason == "Former employee."

    with pytest.raises(services.ActionRefused) as refused:
        services.board_vote_record(procedure=procedure, actor=member, in_favour=True, reason="")
    assert refused.value.code == REFUSED
    assert not BoardVote.objects.exists()

    assert client.get(url("vote", procedure))["Location"] == url("board_conflict", procedure)
    detail = client.get(url("detail", procedure)).content.decode()
    assert "you take no part in this round" in detail
    assert "Declare conflicts of interest first" not in detail
    for marker in FILE_MARKERS:
        assert marker not in detail
    page = client.get(url("board_conflict", procedure)).content.decode()
    assert "you take no part in this round of the board review" in page
    assert "as-declare-none" not in page  # no way back to "no conflict"


def test_a_declared_conflict_cannot_be_withdrawn(builder):
    member = builder.board[0]
    services.board_conflict_declare(
        procedure=builder.procedure, actor=member, no_conflict=False, note="Shareholder."
    )
    with pytest.raises(services.ActionRefused) as refused:
        services.board_conflict_declare(procedure=builder.procedure, actor=member, no_conflict=True)
    assert refused.value.code == "board_conflict_already_declared"
    assert not BoardConflictDeclaration.objects.get(member=member).no_conflict


def test_a_conflict_needs_a_description(client, builder):
    member = builder.board[0]
    with pytest.raises(ValidationError):
        services.board_conflict_declare(
            procedure=builder.procedure, actor=member, no_conflict=False, note="  "
        )
    login(client, member, language="en")
    response = declare(client, builder.procedure, declaration="conflict", note="")
    assert response.status_code == 400
    assert not BoardConflictDeclaration.objects.exists()


def test_a_conflict_found_after_voting_takes_the_vote_back(builder):
    member, procedure = builder.board[0], builder.procedure
    services.board_conflict_declare(procedure=procedure, actor=member, no_conflict=True)
    services.board_vote_record(procedure=procedure, actor=member, in_favour=True, reason="")
    services.board_conflict_declare(
        procedure=procedure, actor=member, no_conflict=False, note="Learnt of a contract."
    )
    assert not BoardVote.objects.filter(member=member).exists()
    [declaration] = BoardConflictDeclaration.objects.filter(member=member)
    assert (declaration.no_conflict, declaration.note) == (False, "Learnt of a contract.")
    event = AuditEvent.objects.filter(action="board.conflict_declare").latest("pk")
    assert event.before == {"no_conflict": True}
    assert event.after["vote_withdrawn"] is True


# --- rounds ------------------------------------------------------------------------------------


def test_every_round_needs_a_new_declaration(client):
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    services.procedure_return_to_board(
        procedure=procedure, actor=builder.authority, reason="Bitte erneut beraten."
    )
    procedure = fresh(procedure)
    assert (procedure.state, procedure.board_round) == (ProcedureState.BOARD_REVIEW, 2)
    member = builder.board[0]
    assert policy.board_declaration(member, procedure) is None
    assert not policy.can(member, Activity.READ_SCORES, procedure)
    with pytest.raises(services.ActionRefused) as refused:
        services.board_vote_record(procedure=procedure, actor=member, in_favour=True, reason="")
    assert refused.value.code == REFUSED
    login(client, member, language="en")
    assert client.get(url("vote", procedure))["Location"] == url("board_conflict", procedure)

    services.board_conflict_declare(procedure=procedure, actor=member, no_conflict=True)
    services.board_vote_record(procedure=procedure, actor=member, in_favour=True, reason="")
    assert sorted(
        BoardConflictDeclaration.objects.filter(member=member).values_list("round", flat=True)
    ) == [1, 2]
    assert BoardVote.objects.filter(member=member, round=2).exists()


def test_declarations_are_taken_only_while_the_review_is_open():
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    with pytest.raises(services.ActionRefused) as refused:
        services.board_conflict_declare(
            procedure=procedure, actor=builder.board[0], no_conflict=False, note="Late."
        )
    assert refused.value.code == "board_review_closed"
    assert refused.value.blocked[0].params == {"state": ProcedureState.AWAITING_DECISION}
    assert not BoardConflictDeclaration.objects.filter(round=1, no_conflict=False).exists()


# --- other people ------------------------------------------------------------------------------


def test_another_operators_board_member_gets_404(client, builder):
    outsider = grant_role(UserFactory(), Role.BOARD_MEMBER, scheme_id="ecei-gold")
    login(client, outsider, language="en")
    for page in ("detail", "board_conflict", "vote"):
        assert client.get(url(page, builder.procedure)).status_code == 404
    assert declare(client, builder.procedure, declaration="none", no_conflict="on").status_code == (
        404
    )
    with pytest.raises(PermissionDenied):
        services.board_conflict_declare(
            procedure=builder.procedure, actor=outsider, no_conflict=True
        )
    assert not BoardConflictDeclaration.objects.exists()


def _declare_all_but_one_with_a_conflict(builder) -> None:
    first, *others = builder.board
    services.board_conflict_declare(
        procedure=builder.procedure, actor=first, no_conflict=False, note="Board of the cluster."
    )
    for member in others[:-1]:
        services.board_conflict_declare(procedure=builder.procedure, actor=member, no_conflict=True)


@pytest.mark.parametrize("overseer", ["secretariat", "authority"])
def test_the_secretariat_and_the_authority_see_the_declarations(client, builder, overseer):
    _declare_all_but_one_with_a_conflict(builder)
    login(client, getattr(builder, overseer), language="en")
    page = client.get(url("detail", builder.procedure)).content.decode()
    assert 'id="board-declarations-heading"' in page
    first, *others = builder.board
    assert f"{first.last_name}: <strong>conflict of interest declared</strong>" in page
    assert "Board of the cluster." in page
    for member in others[:-1]:
        assert f"{member.last_name}: no conflict declared" in page
    assert f"{others[-1].last_name}: declaration outstanding" in page
    # Quorum 3 with three members, one of them conflicted: the page says it cannot be reached.
    assert "quorum-unreachable" in page
    assert "Only 2 board members without a conflict of interest can vote" in page


def test_the_applicant_never_sees_the_declarations(client, builder):
    _declare_all_but_one_with_a_conflict(builder)
    login(client, builder.manager, language="en")
    page = client.get(url("detail", builder.procedure)).content.decode()
    assert 'id="board-declarations-heading"' not in page
    assert "Board of the cluster." not in page
    assert "conflict" not in page.lower()


def test_the_start_page_asks_for_the_declaration_first(client, builder):
    member = builder.board[0]
    login(client, member, language="en")
    page = client.get(reverse("portal:start")).content.decode()
    assert url("board_conflict", builder.procedure) in page
    services.board_conflict_declare(
        procedure=builder.procedure, actor=member, no_conflict=False, note="Family tie."
    )
    page = client.get(reverse("portal:start")).content.decode()
    # A member with a conflict has nothing left to do in this round.
    assert url("detail", builder.procedure) not in page
