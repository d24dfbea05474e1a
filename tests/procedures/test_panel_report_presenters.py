"""The panel and report pages' presenters, called without HTTP: which candidates are national,
when the panel may be confirmed and the report submitted, and what stands in the way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from clusterlabel.procedures import services
from clusterlabel.procedures.assessment_forms import PanelForm, ReportForm
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.assessment import panel_page, report_page
from clusterlabel.procedures.selectors import procedure_get
from tests.procedures.builders import ProcedureBuilder
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


def fresh(procedure: Procedure) -> Procedure:
    return procedure_get(pk=procedure.pk)


def panel(builder: ProcedureBuilder) -> dict:
    procedure = fresh(builder.procedure)
    form = PanelForm(None, procedure=procedure, today=timezone.localdate())
    return panel_page(procedure, user=builder.secretariat, form=form)


def propose(builder: ProcedureBuilder) -> None:
    services.panel_propose(
        procedure=fresh(builder.procedure),
        actor=builder.secretariat,
        assessors=builder.assessors,
        assessment_date=builder.walk.assessment_date(),
    )


@pytest.fixture
def panel_open() -> ProcedureBuilder:
    """ECEI Gold (one national and one foreign assessor needed), self-assessment submitted."""
    builder = StateBuilder(scheme_id="ecei-gold")
    builder.advance_to(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    return builder


@pytest.fixture
def in_progress() -> ProcedureBuilder:
    """BW (two assessors), self-assessment at the excellence values, scoring open."""
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    return builder


# --- the panel ------------------------------------------------------------------------------------


def test_before_a_proposal_the_page_offers_candidates_and_no_confirmation(panel_open):
    page = panel(panel_open)
    home = (panel_open.procedure.organisation.country or "").upper()
    assert page["home_country"] == home
    assert page["editable"] is True
    assert page["panel"] == []
    assert page["can_confirm"] is False
    assert page["confirm_blocked"] == []
    assert page["confirmed"] is False
    by_user = {candidate["user"].pk: candidate for candidate in page["candidates"]}
    assert {a.pk for a in panel_open.assessors} <= set(by_user)
    for candidate in page["candidates"]:
        assert candidate["national"] is (candidate["country"] == home != "")
        assert candidate["assignment"] is None


def test_a_proposed_panel_waits_for_the_declarations(panel_open, english):
    propose(panel_open)
    page = panel(panel_open)
    assert [row["assignment"].assessor_id for row in page["panel"]] == [
        a.pk for a in panel_open.assessors
    ]
    assert [row["national"] for row in page["panel"]].count(True) >= 1
    assert all(
        candidate["assignment"] is not None
        for candidate in page["candidates"]
        if candidate["user"] in panel_open.assessors
    )
    assert page["can_confirm"] is False
    assert page["confirm_blocked"]  # the missing declarations, in words
    assert all(isinstance(reason, str) and reason for reason in page["confirm_blocked"])


def test_once_every_assessor_declared_the_panel_may_be_confirmed(panel_open):
    propose(panel_open)
    for assessor in panel_open.assessors:
        services.conflict_declare(
            procedure=fresh(panel_open.procedure), actor=assessor, no_conflict=True
        )
    page = panel(panel_open)
    assert page["can_confirm"] is True
    assert page["confirm_blocked"] == []


def test_a_confirmed_panel_is_said_so_and_still_changeable(panel_open):
    panel_open.advance_to(ProcedureState.ASSESSORS_ASSIGNED)
    page = panel(panel_open)
    assert page["confirmed"] is True
    assert page["editable"] is True


def test_the_panel_is_read_only_once_the_assessment_runs(in_progress):
    page = panel(in_progress)
    assert page["editable"] is False
    assert page["confirmed"] is False


# --- the report -----------------------------------------------------------------------------------


def test_an_assessor_reads_their_assignment_and_what_blocks_the_submission(in_progress, english):
    in_progress.score_all()
    procedure = fresh(in_progress.procedure)
    assessor = in_progress.assessors[0]
    page = report_page(procedure, user=assessor, form=ReportForm(), editable=True, language="en")
    assert page["editable"] is True
    assert page["mine"].assessor_id == assessor.pk
    assert [a.assessor_id for a in page["assignments"]] == [a.pk for a in in_progress.assessors]
    assert page["can_submit"] is False
    assert page["submit_blocked"] == ["2 assessors have not yet agreed to the report."]
    assert page["summary"]["points"] == in_progress.scheme.max_points
    assert page["summary"]["percent"] == Decimal("100.0")
    assert page["summary"]["awarded"] is True


def test_the_report_may_be_submitted_once_the_panel_agreed(in_progress):
    in_progress.score_all()
    for assessor in in_progress.assessors:
        services.report_agree(
            procedure=fresh(in_progress.procedure), actor=assessor, summary="Ein guter Cluster."
        )
    page = report_page(
        fresh(in_progress.procedure),
        user=in_progress.assessors[1],
        form=ReportForm(),
        editable=True,
        language="de",
    )
    assert page["can_submit"] is True
    assert page["submit_blocked"] == []


def test_a_reader_of_the_report_is_offered_no_submission(in_progress):
    in_progress.score_all()
    page = report_page(
        fresh(in_progress.procedure),
        user=in_progress.secretariat,
        form=ReportForm(),
        editable=False,
        language="de",
    )
    assert page["mine"] is None
    assert page["can_submit"] is False
    assert page["submit_blocked"] == []
