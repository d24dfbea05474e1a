"""The previous benchmarking a Silver application is compared with, found automatically.

Candidates are the organisation's own procedures in the same benchmarking pool whose
assessment was scored (the report is submitted, or the authority decided), and the records of
the reference pool that were imported from the operator's records (ESCA's earlier
benchmarkings, some of which never had a procedure here). The latest on or before the day of
the application wins.

The reference pool sits above the procedures (``clusterlabel.benchmarks`` imports them), so
its records come in through ``imported_benchmarkings``, a hook the benchmarking app fills in
its ``AppConfig.ready``: each subscriber adds what it finds to the query's ``found``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from clusterlabel.core.hooks import Hook
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import AssessmentScore, score_assessment
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.values import from_json

#: The states in which a procedure's assessment has been scored for good.
SCORED_STATES = frozenset(
    {
        ProcedureState.REPORT_SUBMITTED,
        ProcedureState.BOARD_REVIEW,
        ProcedureState.AWAITING_DECISION,
        ProcedureState.AWARDED,
        ProcedureState.REFUSED,
    }
)


@dataclass(frozen=True)
class EarlierBenchmarking:
    """One earlier benchmarking of an organisation: a scored procedure of ours, or an imported
    record of the reference pool (``procedure`` None, ``source`` ``"import"``)."""

    assessed_on: date
    score: AssessmentScore
    source: str  # "procedure" or "import"
    scheme: Scheme
    procedure: Procedure | None = None
    record_id: int | None = None

    @property
    def key(self) -> str:
        """A stable name for the audit trail: ``procedure:12`` or ``import:7``."""
        if self.procedure is not None:
            return f"procedure:{self.procedure.pk}"
        return f"{self.source}:{self.record_id}"


@dataclass
class BenchmarkingQuery:
    """What the subscribers of ``imported_benchmarkings`` are asked for."""

    organisation: Organisation
    pool_id: str
    on_or_before: date
    found: list[EarlierBenchmarking] = field(default_factory=list)


imported_benchmarkings: Hook[BenchmarkingQuery] = Hook()
"""Subscribers add the imported records of ``organisation`` in ``pool_id`` assessed on or before
``on_or_before`` to ``found`` (the benchmarking app)."""


def _score_values(procedure: Procedure) -> AssessmentScore:
    scheme = procedure.scheme
    ids = {indicator.id for indicator in scheme.indicators}
    values = {
        score.indicator_id: from_json(scheme.indicator(score.indicator_id), score.value)
        for score in procedure.scores.all()
        if score.indicator_id in ids
    }
    return score_assessment(scheme, values)


def application_day(procedure: Procedure) -> date:
    """The day a previous benchmarking is looked up for: the day the application was
    submitted, or today for a draft."""
    if procedure.applied_at is not None:
        return timezone.localdate(procedure.applied_at)
    return timezone.localdate()


def previous_benchmarking(
    *,
    organisation: Organisation,
    scheme: Scheme,
    on_or_before: date,
    exclude: Procedure | None = None,
) -> EarlierBenchmarking | None:
    """The organisation's latest benchmarking in ``scheme``'s pool assessed on or before
    ``on_or_before``: a scored procedure (not ``exclude``) or an imported record, whichever is
    later (a procedure wins a tie: it has the panel's own scores)."""
    candidates: list[EarlierBenchmarking] = []
    procedures = (
        Procedure.objects.filter(
            organisation=organisation,
            state__in=SCORED_STATES,
            assessment_date__isnull=False,
            assessment_date__lte=on_or_before,
        )
        .select_related("scheme_version")
        .prefetch_related("scores")
    )
    if exclude is not None and exclude.pk is not None:
        procedures = procedures.exclude(pk=exclude.pk)
    for earlier in procedures:
        if earlier.scheme.pool_id != scheme.pool_id or earlier.assessment_date is None:
            continue
        candidates.append(
            EarlierBenchmarking(
                assessed_on=earlier.assessment_date,
                score=_score_values(earlier),
                source="procedure",
                scheme=earlier.scheme,
                procedure=earlier,
            )
        )
    query = BenchmarkingQuery(
        organisation=organisation, pool_id=scheme.pool_id, on_or_before=on_or_before
    )
    imported_benchmarkings.run(query)
    candidates.extend(query.found)
    if not candidates:
        return None
    return max(candidates, key=lambda b: (b.assessed_on, b.procedure is not None))


def previous_benchmarking_of(procedure: Procedure) -> EarlierBenchmarking | None:
    """:func:`previous_benchmarking` for a procedure, looked up on its application day."""
    return previous_benchmarking(
        organisation=procedure.organisation,
        scheme=procedure.scheme,
        on_or_before=application_day(procedure),
        exclude=procedure,
    )
