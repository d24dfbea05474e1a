"""The decided step: labels and the benchmarking pool act on a decision as its subscribers,
inside the decision's transaction."""

from __future__ import annotations

import pytest

from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.labels.models import Label
from clusterlabel.procedures import decided, services
from clusterlabel.procedures.choices import ProcedureState
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


def test_labels_issue_before_the_pool_records():
    # The webhooks announce the decision last, with the labels it issued.
    assert decided.decision_made.names() == [
        "labels.issue",
        "benchmarks.record",
        "webhooks.decided",
    ]


def test_an_award_reaches_both_subscribers():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    services.procedure_decide(procedure=procedure, actor=builder.authority, award=True, reason="")
    assert Label.objects.filter(procedure=procedure).exists()
    assert ReferenceAssessment.objects.filter(procedure=procedure).exists()


def test_a_failing_subscriber_rolls_the_whole_decision_back(monkeypatch):
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    seen: list[decided.Decided] = []

    def broken(event: decided.Decided) -> None:
        seen.append(event)
        raise RuntimeError("the pool is unavailable")

    monkeypatch.setitem(decided.decision_made.subscribers, "benchmarks.record", broken)
    with pytest.raises(RuntimeError):
        services.procedure_decide(
            procedure=procedure, actor=builder.authority, award=True, reason=""
        )
    assert seen[0].award is True and seen[0].procedure.pk == procedure.pk
    assert builder.refresh().state == ProcedureState.AWAITING_DECISION
    assert not Label.objects.filter(procedure=procedure).exists()  # issued, then rolled back


def test_a_refusal_issues_no_label_but_joins_the_pool():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    services.procedure_decide(
        procedure=procedure, actor=builder.authority, award=False, reason="Nicht ausreichend"
    )
    assert not Label.objects.filter(procedure=procedure).exists()
    assert ReferenceAssessment.objects.filter(procedure=procedure).exists()
