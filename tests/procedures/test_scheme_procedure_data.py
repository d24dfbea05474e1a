"""What the scheme file says about the procedure reaches its pages: ECEI Gold's report goes to
its cluster-excellence group (named on the declaration, vote and decision pages), BW's board
keeps its name "Beirat"; the due date of the current step is the procedure's scheme version's
deadline; the panel page shows the assessment days of the procedure's process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.selectors import procedure_deadline
from clusterlabel.schemes.services import scheme_version_load
from tests.domain.conftest import SHIPPED_DIR
from tests.helpers import login
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

GROUP = "Cluster excellence group"


def page(client, name: str, procedure: Procedure) -> str:
    response = client.get(reverse(f"procedures:{name}", args=[procedure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_gold_report_goes_to_the_cluster_excellence_group(client):
    builder = StateBuilder(scheme_id="ecei-gold", board_declared=False).at(
        ProcedureState.BOARD_REVIEW
    )
    procedure, member = builder.procedure, builder.board[0]
    login(client, member, language="en")
    assert f"Review of this organisation's assessment by: {GROUP} (round 1)" in page(
        client, "board_conflict", procedure
    )
    services.board_conflict_declare(procedure=procedure, actor=member, no_conflict=True)
    vote = page(client, "vote", procedure)
    assert f"Vote ({GROUP}): {procedure.organisation.cluster_name}" in vote
    assert "the board needs" not in vote


def test_the_authority_reads_the_groups_recommendation(client):
    builder = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.AWAITING_DECISION)
    login(client, builder.authority, language="en")
    decision = page(client, "decision", builder.procedure)
    assert f'<h2 id="board-heading">{GROUP}</h2>' in decision
    assert "Recommendation: award." in decision
    assert "The board recommends" not in decision


def test_the_bw_board_keeps_its_name(client):
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWAITING_DECISION)
    login(client, builder.authority)  # German
    decision = page(client, "decision", builder.procedure)
    assert '<h2 id="board-heading">Beirat</h2>' in decision
    assert "Der Beirat empfiehlt die Verleihung." in decision


def test_the_due_date_is_the_procedures_scheme_versions_deadline():
    builder = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.APPLIED)
    procedure = builder.procedure
    entered = timezone.localdate(procedure.state_entered_at)
    assert procedure_deadline(procedure).due == entered + timedelta(days=14)  # shipped
    text = (SHIPPED_DIR / "ecei-gold-2026.2.yaml").read_text(encoding="utf-8")
    shorter = text.replace('version: "2026.2"', 'version: "2026.2-test"', 1).replace(
        "    applied: 14 ", "    applied: 5  ", 1
    )
    assert shorter.count("applied: 5 ") == 1
    version = scheme_version_load(
        text=shorter, source_name="gold-test.yaml", make_current=False
    ).scheme_version
    Procedure.objects.filter(pk=procedure.pk).update(scheme_version=version)
    procedure.refresh_from_db()
    deadline = procedure_deadline(procedure, today=entered + timedelta(days=6))
    assert deadline is not None
    assert (deadline.due, deadline.overdue, deadline.days_left) == (
        entered + timedelta(days=5),
        True,
        -1,
    )


@pytest.mark.parametrize(("process", "days"), [("new", "2 days"), ("renewal", "one day (renewal)")])
def test_the_panel_page_shows_the_days_of_the_procedures_process(client, process, days):
    builder = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    Procedure.objects.filter(pk=builder.procedure.pk).update(process=process)
    login(client, builder.secretariat, language="en")
    panel = page(client, "panel", builder.procedure)
    assert f" · {days}</dd>" in panel
