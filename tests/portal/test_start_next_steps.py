"""The start page names, for each procedure waiting for the person, the first of their next
steps (``procedures.presenters.next_steps.first_steps``) with its link."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from tests.helpers import elements, hrefs, login, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

SCHEME = "bw-cluster-excellence"
START = reverse("portal:start")


def row(page, procedure):
    """The row of the work-waiting table that links ``procedure``."""
    detail = reverse("procedures:detail", args=[procedure.pk])
    (found,) = [r for r in elements(page, "tr") if detail in hrefs(r)]
    return found


def test_the_manager_is_sent_to_the_self_assessment(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.CONTRACTED)
    login(client, builder.manager, language="en")
    found = row(client.get(START), builder.procedure)
    assert "Fill in the self-assessment" in text(found)
    assert reverse("procedures:self_assessment", args=[builder.procedure.pk]) in hrefs(found)


def test_an_assessor_on_a_proposed_panel_is_asked_to_declare_first(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    procedure = services.panel_propose(
        procedure=builder.refresh(),
        actor=builder.secretariat,
        assessors=builder.assessors,
        assessment_date=builder.walk.scheduled_date(),
    )
    login(client, builder.assessors[0], language="en")
    found = row(client.get(START), procedure)
    assert "Declare conflicts of interest first" in text(found)
    assert reverse("procedures:conflict", args=[procedure.pk]) in hrefs(found)


def test_the_authority_is_sent_to_the_decision(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.AWAITING_DECISION)
    login(client, builder.authority, language="en")
    found = row(client.get(START), builder.procedure)
    assert reverse("procedures:decision", args=[builder.procedure.pk]) in hrefs(found)


def _start_queries(client) -> int:
    client.get(START)  # warm the per-process caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(START).status_code == 200
    return len(context.captured_queries)


def _scored_assessment(assessors) -> StateBuilder:
    builder = StateBuilder(scheme_id=SCHEME, assessors=assessors)
    builder.at(ProcedureState.ASSESSMENT_IN_PROGRESS)
    indicator = builder.scheme.indicators[0]
    services.score_save(
        procedure=builder.refresh(),
        actor=builder.assessors[0],
        indicator_id=indicator.id,
        value=indicator.threshold,
        comment="",
        evidence_seen="Interview",
        based_on_revision=0,
    )
    return builder


def test_the_first_steps_cost_the_same_queries_for_one_and_four_assessments(client):
    first = _scored_assessment([])
    assessors = first.assessors
    login(client, assessors[1], language="en")
    one = _start_queries(client)
    others = [_scored_assessment(assessors) for _ in range(3)]
    page = client.get(START)
    for builder in [first, *others]:
        # Scoring comes first; the confirmations were read (and counted) all the same.
        assert "Score the indicators: 33 are still open" in text(row(page, builder.procedure))
    assert _start_queries(client) == one
