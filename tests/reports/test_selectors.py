"""The feedback in aggregate: per scheme, and per expert only from five ratings on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlabel.accounts.choices import Role
from clusterlabel.domain.report import FeedbackQuestion
from clusterlabel.procedures.models import AssessorAssignment, Procedure
from clusterlabel.reports.models import Feedback
from clusterlabel.reports.selectors import feedback_summary
from tests.factories import OrganisationFactory, UserFactory
from tests.procedures.builders import ensure_schemes

pytestmark = pytest.mark.django_db


def rated(scheme_id: str, panel: list, value: int, comment: str = "") -> Procedure:
    """A procedure of ``scheme_id`` with ``panel`` and the organisation's feedback (test set-up:
    the selector reads what is stored, whatever the state)."""
    version = ensure_schemes()[scheme_id]
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    procedure = Procedure.objects.create(
        organisation=OrganisationFactory(managers=[manager]),
        scheme_version=version,
        level_id=version.scheme.levels[-1].id,
        process="new",
        assessment_mode="on_site",
        created_by=manager,
        state="awarded",
        decision="award",
    )
    for assessor in panel:
        AssessorAssignment.objects.create(procedure=procedure, assessor=assessor)
    Feedback.objects.create(
        procedure=procedure,
        given_by=manager,
        process=value,
        communication=value,
        panel_expertise=value,
        panel_fairness=value,
        comment=comment,
    )
    return procedure


def test_an_expert_with_four_ratings_has_no_line_and_with_five_has_one():
    anna = UserFactory(role=Role.ASSESSOR, first_name="Anna", last_name="Gutachterin")
    ben = UserFactory(role=Role.ASSESSOR, first_name="Ben", last_name="Prüfer")
    for value in (5, 4, 4, 4):
        rated("bw-cluster-excellence", [anna, ben], value)
    summary = feedback_summary("bw-cluster-excellence")
    assert summary.overall.count == 4
    assert summary.experts == []
    assert summary.comments == []

    rated("bw-cluster-excellence", [anna], 3, comment="Gründlich vorbereitet.")
    summary = feedback_summary("bw-cluster-excellence")
    assert summary.overall.count == 5
    assert [line.name for line in summary.experts] == ["Anna Gutachterin"]  # Ben has four
    line = summary.experts[0]
    assert line.summary.count == 5
    assert line.summary.averages[FeedbackQuestion.PANEL_EXPERTISE] == Decimal("4.0")
    assert FeedbackQuestion.PROCESS not in line.summary.averages
    assert summary.comments == ["Gründlich vorbereitet."]


def test_another_schemes_feedback_does_not_count(django_assert_num_queries):
    anna = UserFactory(role=Role.ASSESSOR)
    for _ in range(5):
        rated("ecei-gold", [anna], 5)
    rated("bw-cluster-excellence", [anna], 1)
    with django_assert_num_queries(2):
        summary = feedback_summary("bw-cluster-excellence")
    assert summary.overall.count == 1
    assert summary.overall.averages[FeedbackQuestion.PROCESS] == Decimal("1.0")
    assert summary.experts == []
    assert feedback_summary("ecei-gold").experts[0].summary.count == 5
