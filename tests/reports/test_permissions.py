"""Who may read and write the structured report and the feedback, in which state: every actor
against every endpoint, on procedures in the assessment, the board review, awaiting the decision
and decided. The expectations are written here from the issue, independently of the policy's
table: a forbidden request is tried, refused, and nothing changes.

The procedures are walked once for the module in a transaction rolled back at the end; each test
runs in a savepoint inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.reports.models import Feedback
from tests.factories import OrganisationFactory, UserFactory
from tests.procedures.builders import ProcedureBuilder
from tests.reports.support import revision, with_report

pytestmark = pytest.mark.django_db

S = ProcedureState
STATES = (S.ASSESSMENT_IN_PROGRESS, S.BOARD_REVIEW, S.AWAITING_DECISION, S.AWARDED)
ACTORS = (
    "manager",
    "other_manager",
    "secretariat",
    "assessor",
    "outside_assessor",
    "board",
    "authority",
)
# Who reads the report in which state (the issue: the panel and the oversight always, the board
# in its review, the organisation once decided; nobody else).
READS: dict[str, frozenset[str]] = {
    "manager": frozenset({S.AWARDED}),
    "other_manager": frozenset(),
    "secretariat": frozenset(STATES),
    "assessor": frozenset(STATES),
    "outside_assessor": frozenset(),
    "board": frozenset({S.BOARD_REVIEW}),
    "authority": frozenset(STATES),
}


class World:
    def __init__(self) -> None:
        self.builders = {state: with_report(state) for state in STATES}
        self.other_manager = UserFactory(role=Role.CLUSTER_MANAGER)
        OrganisationFactory(managers=[self.other_manager])
        self.outside_assessor = UserFactory(role=Role.ASSESSOR)

    def actor(self, name: str, state: str) -> User:
        builder: ProcedureBuilder = self.builders[state]
        return {
            "manager": builder.manager,
            "other_manager": self.other_manager,
            "secretariat": builder.secretariat,
            "assessor": builder.assessors[0],
            "outside_assessor": self.outside_assessor,
            "board": builder.board[0],
            "authority": builder.authority,
        }[name]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        outermost = transaction.atomic()
        outermost.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            outermost.__exit__(None, None, None)


def signed_in(world: World, actor: str, state: str) -> Client:
    client = Client()
    client.force_login(world.actor(actor, state))
    return client


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_reads_the_report_and_its_pdf(world, actor, state):
    pk = world.builders[state].procedure.pk
    client = signed_in(world, actor, state)
    expected = 200 if state in READS[actor] else 404
    assert client.get(reverse("reports:report", args=[pk])).status_code == expected
    assert client.get(reverse("reports:report_pdf", args=[pk])).status_code == expected


@pytest.mark.parametrize("state", STATES)
def test_signed_out_nobody_reads_it(world, state):
    pk = world.builders[state].procedure.pk
    for url in (reverse("reports:report", args=[pk]), reverse("reports:report_pdf", args=[pk])):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def _all_but(allowed: tuple[str, str]) -> list[tuple[str, str]]:
    """Every (actor, state) but the one allowed write (tested in tests/reports/test_views.py)."""
    return [(a, s) for a in ACTORS for s in STATES if (a, s) != allowed]


@pytest.mark.parametrize(("actor", "state"), _all_but(("assessor", S.ASSESSMENT_IN_PROGRESS)))
def test_only_the_panel_writes_and_only_during_the_assessment(world, actor, state):
    builder = world.builders[state]
    procedure = builder.procedure
    category = procedure.scheme.categories[0].id
    before = revision(procedure)
    prefix = f"c-{category}-"
    response = signed_in(world, actor, state).post(
        reverse("reports:report", args=[procedure.pk]),
        {
            "category_id": category,
            prefix + "category_id": category,
            prefix + "revision": before,
            prefix + "strengths": "Eingeschleust",
        },
    )
    assert response.status_code == 404
    assert revision(procedure) == before


@pytest.mark.parametrize(("actor", "state"), _all_but(("manager", S.AWARDED)))
def test_only_the_organisation_gives_feedback_and_only_once_decided(world, actor, state):
    pk = world.builders[state].procedure.pk
    ratings = {"process": 5, "communication": 5, "panel_expertise": 5, "panel_fairness": 5}
    response = signed_in(world, actor, state).post(reverse("reports:feedback", args=[pk]), ratings)
    if actor == "manager":
        assert response.status_code == 400  # refused with its reason: not decided yet
    elif actor in ("other_manager", "outside_assessor") or (
        actor == "board" and state != S.BOARD_REVIEW
    ):
        assert response.status_code == 404  # cannot see the procedure at all
    else:
        assert response.status_code == 403  # sees it, but is not its manager
    assert not Feedback.objects.filter(procedure_id=pk).exists()
