"""The overdue list: the secretariat's procedures whose current step is past its due date, who
must act, sortable by days overdue; refused to everybody else; a query count that does not grow
with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import AssessorAssignment, Procedure
from clusterlabel.procedures.overdue import overdue_steps
from clusterlabel.procedures.selectors import procedure_deadline
from clusterlabel.schemes.models import Operator
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import elements, hrefs, login, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

OVERDUE = reverse("procedures:overdue")


def make_overdue(procedure: Procedure, days: int) -> Procedure:
    """Put the procedure's current step ``days`` past its due date (test set-up)."""
    deadline = procedure_deadline(procedure)
    assert deadline is not None
    shift = deadline.due - timezone.localdate() + timedelta(days=days)
    Procedure.objects.filter(pk=procedure.pk).update(
        state_entered_at=procedure.state_entered_at - shift,
        assessment_date=(procedure.assessment_date - shift) if procedure.assessment_date else None,
    )
    procedure.refresh_from_db()
    return procedure


@pytest.fixture
def bw() -> StateBuilder:
    """A BW procedure (operator VDI/VDE-IT) whose self-assessment is 12 days overdue."""
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.CONTRACTED)
    builder.manager.first_name, builder.manager.last_name = "Greta", "Gruber"
    builder.manager.save()
    make_overdue(builder.refresh(), 12)
    return builder


def row_texts(page) -> list[str]:
    return [text(row) for row in elements(page, "tr")[1:]]


def test_anonymous_visitors_are_sent_to_log_in(client, bw):
    response = client.get(OVERDUE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "role",
    [Role.ASSESSOR, Role.BOARD_MEMBER, Role.AUTHORITY, Role.PROGRAMME, Role.ADMINISTRATOR],
)
def test_other_roles_are_refused(client, bw, role):
    login(client, UserFactory(role=role))
    response = client.get(OVERDUE)
    assert response.status_code == 403
    assert bw.organisation.cluster_name not in response.content.decode()


def test_the_organisations_own_manager_is_refused(client, bw):
    login(client, bw.manager)
    response = client.get(OVERDUE)
    assert response.status_code == 403
    assert bw.procedure.reference not in response.content.decode()
    assert overdue_steps(user=bw.manager) == []


def test_another_operators_secretariat_sees_none_of_its_procedures(client, bw):
    other_operator = Operator.objects.exclude(pk=bw.version.operator_id).get()
    esca = UserFactory()
    Grant.objects.create(user=esca, role=Role.SECRETARIAT, operator=other_operator)
    ecei = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.APPLIED)
    make_overdue(ecei.refresh(), 3)

    login(client, esca, language="en")
    page = client.get(OVERDUE)
    assert page.status_code == 200
    rows = row_texts(page)
    assert len(rows) == 1 and ecei.procedure.reference in rows[0]
    assert bw.procedure.reference not in page.content.decode()
    assert bw.organisation.cluster_name not in page.content.decode()
    # nor through the selector, nor with a scheme grant for another scheme
    assert [r.procedure for r in overdue_steps(user=esca)] == [ecei.procedure]
    scheme_only = UserFactory()
    Grant.objects.create(user=scheme_only, role=Role.SECRETARIAT, scheme_id="ecei-gold")
    login(client, scheme_only)
    assert client.get(OVERDUE).status_code == 200
    assert overdue_steps(user=scheme_only) == []


def test_the_secretariat_sees_the_overdue_step_who_must_act_and_for_how_long(client, bw):
    not_yet = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.APPLIED)
    decided = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.REFUSED)
    login(client, bw.secretariat, language="en")
    page = client.get(OVERDUE)
    assert page.status_code == 200
    rows = row_texts(page)
    assert len(rows) == 1
    row = rows[0]
    assert bw.procedure.reference in row and bw.organisation.cluster_name in row
    assert "Submit the self-assessment" in row
    assert "12" in [text(cell) for cell in elements(page, "td")]
    assert "Cluster manager: Greta Gruber" in row
    assert not_yet.procedure.reference not in page.content.decode()
    assert decided.procedure.reference not in page.content.decode()
    assert reverse("procedures:detail", args=[bw.procedure.pk]) in hrefs(page)


def test_the_board_review_names_the_members_who_still_owe_a_vote(client):
    builder = StateBuilder(scheme_id="bw-cluster-excellence", board_declared=False).at(
        ProcedureState.BOARD_REVIEW
    )
    make_overdue(builder.refresh(), 2)
    [row] = overdue_steps(user=builder.secretariat)
    assert row.days_overdue == 2
    assert [(role, {p.pk for p in people}) for role, people in row.acting] == [
        (Role.BOARD_MEMBER, {m.pk for m in builder.board}),
        (Role.SECRETARIAT, {builder.secretariat.pk}),
    ]
    procedure = builder.refresh()
    for member in builder.board:
        services.board_conflict_declare(procedure=procedure, actor=member, no_conflict=True)
        services.board_vote_record(
            procedure=builder.refresh(), actor=member, in_favour=True, reason="Überzeugend."
        )
    [row] = overdue_steps(user=builder.secretariat)
    assert [(role, people) for role, people in row.acting] == [
        (Role.SECRETARIAT, [builder.secretariat])
    ]


def test_sorted_by_days_overdue_both_ways(client, bw):
    later = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWAITING_DECISION)
    make_overdue(later.refresh(), 40)
    login(client, bw.secretariat, language="en")

    most_first = row_texts(client.get(OVERDUE))
    assert [later.procedure.reference in r for r in most_first] == [True, False]
    least_first = client.get(OVERDUE, {"order": "least_overdue"})
    assert [bw.procedure.reference in r for r in row_texts(least_first)] == [True, False]
    assert "?order=most_overdue" in hrefs(least_first)
    assert [r.days_overdue for r in overdue_steps(user=bw.secretariat)] == [40, 12]
    unknown = row_texts(client.get(OVERDUE, {"order": "nonsense"}))
    assert unknown == most_first


def _queries(client) -> int:
    client.get(OVERDUE)  # warm the per-process caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(OVERDUE).status_code == 200
    return len(context.captured_queries)


def _overdue_procedures(builder: StateBuilder, count: int) -> None:
    """``count`` more overdue BW procedures, each of its own organisation with its own manager,
    in every state with a step (written in bulk: test set-up)."""
    long_ago = timezone.now() - timedelta(days=200)
    version = builder.version
    start = Procedure.objects.count()
    organisations = Organisation.objects.bulk_create(
        [OrganisationFactory.build(cluster_name=f"Verspätet {start + n:04d}") for n in range(count)]
    )
    managers = [UserFactory.build(username=f"late{start + n}") for n in range(count)]
    managers = type(builder.manager).objects.bulk_create(managers)
    Grant.objects.bulk_create(
        Grant(user=m, role=Role.CLUSTER_MANAGER, organisation=o)
        for m, o in zip(managers, organisations, strict=True)
    )
    states = [
        ProcedureState.APPLIED,
        ProcedureState.CONTRACTED,
        ProcedureState.ASSESSMENT_IN_PROGRESS,
        ProcedureState.BOARD_REVIEW,
        ProcedureState.AWAITING_DECISION,
    ]
    procedures = Procedure.objects.bulk_create(
        Procedure(
            organisation=o,
            scheme_version=version,
            level_id=builder.level_id,
            process="new",
            assessment_mode="on_site",
            state=states[n % len(states)],
            state_entered_at=long_ago,
            created_by=m,
        )
        for n, (o, m) in enumerate(zip(organisations, managers, strict=True))
    )
    AssessorAssignment.objects.bulk_create(
        AssessorAssignment(procedure=p, assessor=builder.assessors[0])
        for p in procedures
        if p.state == ProcedureState.ASSESSMENT_IN_PROGRESS
    )


def test_a_thousand_more_rows_cost_no_more_queries(client, bw):
    _overdue_procedures(bw, 5)  # one in each state with a step: every role's holders are read
    login(client, bw.secretariat)
    few = _queries(client)
    _overdue_procedures(bw, 1000)
    assert len(overdue_steps(user=bw.secretariat)) == 1006
    assert _queries(client) == few
    # session, user, grants; the procedures and their four prefetched relations (managers,
    # panel, votes, declarations); the scheme's secretariat, assessors, board and authority
    assert few == 12


def test_the_secretariats_start_page_links_to_the_list(client, bw):
    login(client, bw.secretariat)
    assert OVERDUE in hrefs(client.get(reverse("portal:start")))
    login(client, bw.manager)
    assert OVERDUE not in hrefs(client.get(reverse("portal:start")))
