"""The reference pool's imported records as previous benchmarkings of a Silver application
(``procedures.benchmarkings``): ESCA's earlier benchmarkings, imported from its records, count
as the first benchmarking even when they never had a procedure here."""

from __future__ import annotations

from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.domain.scoring import score_assessment
from clusterlabel.procedures.benchmarkings import BenchmarkingQuery, EarlierBenchmarking
from clusterlabel.procedures.values import from_json


def imported_benchmarking_find(query: BenchmarkingQuery) -> None:
    """Add the organisation's latest imported record of the pool assessed on or before the
    query's day (scored under its own scheme version) to ``query.found``."""
    row = (
        ReferenceAssessment.objects.filter(
            pool_id=query.pool_id,
            organisation=query.organisation,
            source=ReferenceSource.IMPORT,
            assessed_on__lte=query.on_or_before,
        )
        .select_related("scheme_version")
        .order_by("-assessed_on", "-pk")
        .first()
    )
    if row is None:
        return
    scheme = row.scheme_version.scheme
    values = {
        indicator.id: from_json(indicator, row.values[indicator.id])
        for indicator in scheme.indicators
        if indicator.id in row.values
    }
    query.found.append(
        EarlierBenchmarking(
            assessed_on=row.assessed_on,
            score=score_assessment(scheme, values),
            source="import",
            scheme=scheme,
            record_id=row.pk,
        )
    )
