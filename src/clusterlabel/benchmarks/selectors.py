"""Reads of the benchmarking pool, with a fixed number of queries whatever its size.

The domain's NumPy :class:`~clusterlabel.domain.benchmark.Pool` is built when the pool
changes, and what the pages read of it is stored (``stored_pools``): a read takes the stored
figures (one query) and, once per process and change, the few kilobytes the page needs (the
pool page's summary; a report's comparison group and the organisation's own part).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.benchmarks.stored_pools import (
    HISTORY,
    LATEST,
    PreparedPool,
    StoredPoolChanged,
    pool_basis,
    pool_prepare,
    pool_scheme_version,
    stored_pool,
)
from clusterlabel.domain.benchmark import (
    OrganisationReport,
    PeerGroup,
    PoolOverview,
    YearSummary,
    comparison_group,
    report_from_summaries,
)
from clusterlabel.domain.benchmark.from_scheme import indicator_specs
from clusterlabel.domain.schemes import Scheme
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import SchemeVersion


@dataclass(frozen=True)
class PoolSnapshot:
    """A pool as pages use it: its catalogue, what it is made of and what was stored of it
    when it was built (``stored``: the pool page's summary, the reports' parts)."""

    pool_id: str
    scheme_version: SchemeVersion
    stored: PreparedPool
    reference_year: int
    organisations: int
    synthetic: int
    imported: int
    # The latest pool's organisations per country, sector and source (empty for the history).
    composition: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def scheme(self) -> Scheme:
        return self.scheme_version.scheme

    @property
    def kind(self) -> str:
        return self.stored.kind


def pool_scheme_versions() -> list[SchemeVersion]:
    """The current version of every scheme that has its own pool (ECEI Silver shares
    Bronze's), in the order of the scheme list."""
    versions = SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id")
    return [version for version in versions if version.scheme.pool_id == version.scheme_id]


def latest_pool(pool_id: str, *, today: date | None = None) -> PoolSnapshot | None:
    """The reference pool: the latest assessment of every organisation (2 queries). ``None``
    when the pool has no catalogue."""
    version = pool_scheme_version(pool_id)
    if version is None:
        return None
    return pool_snapshot(version, latest=True, today=today)


def pool_snapshot(version: SchemeVersion, *, latest: bool, today: date | None) -> PoolSnapshot:
    """The pool read with ``version``'s catalogue (from :func:`pool_scheme_version`): the
    latest assessment of every organisation, or (``latest=False``) every organisation's latest
    assessment *of each year*, for the pool over time. Read as stored when the pool last
    changed (``stored_pools``: one query); built here only when nothing fitting is stored (a
    new catalogue or year, or nothing stored yet)."""
    pool_id = version.scheme_id
    reference_year = (today or timezone.localdate()).year
    kind = LATEST if latest else HISTORY
    prepared = stored_pool(pool_id, kind, pool_basis(version, reference_year))
    if prepared is None:
        prepared = pool_prepare(version, kind=kind, reference_year=reference_year)
    return _snapshot(version, prepared, reference_year)


def _snapshot(version: SchemeVersion, prepared: PreparedPool, reference_year: int) -> PoolSnapshot:
    figures = prepared.figures
    composition = figures.get("composition", {})
    return PoolSnapshot(
        pool_id=version.scheme_id,
        scheme_version=version,
        stored=prepared,
        reference_year=reference_year,
        organisations=figures["organisations"],
        synthetic=figures["synthetic"],
        imported=figures["imported"],
        composition={name: [tuple(pair) for pair in pairs] for name, pairs in composition.items()},
    )


def _read_or_build(snapshot: PoolSnapshot, read: Any) -> Any:
    """``read(prepared)`` of the snapshot's stored pool; when it was built again meanwhile
    (another process's build committed between two reads), built here and read from that."""
    try:
        return read(snapshot.stored)
    except StoredPoolChanged:
        built = pool_prepare(
            snapshot.scheme_version, kind=snapshot.kind, reference_year=snapshot.reference_year
        )
        return read(built)


def pool_summary(snapshot: PoolSnapshot) -> PoolOverview | tuple[YearSummary, ...]:
    """What the pool page shows of the pool, computed when it was built: the latest pool's
    overview, the history's years (one query, none once this process has read it)."""
    return _read_or_build(snapshot, lambda prepared: prepared.summary())


def pool_report(
    snapshot: PoolSnapshot,
    organisation: str,
    *,
    peer_group: PeerGroup,
    earned_points: dict[str, float] | None = None,
) -> OrganisationReport:
    """The domain's report of ``organisation`` (its pool key) against the latest pool, from
    the stored summaries of the organisation and of its comparison group: one query for the
    organisation's and all organisations' (one more for another peer group), none once this
    process has read them. The same report as ``organisation_report`` over the pool
    (``domain.benchmark.groups``). ``KeyError`` when the organisation is not in the pool."""
    specs = indicator_specs(snapshot.scheme)

    def read(prepared: PreparedPool) -> OrganisationReport:
        member = prepared.member(organisation)
        used, _reason = comparison_group(member, peer_group)
        groups = {} if used is None else prepared.groups([member.group(used)])
        return report_from_summaries(
            specs, member, groups, peer_group=peer_group, earned_points=earned_points
        )

    report: OrganisationReport = _read_or_build(snapshot, read)
    return report


def organisation_cycles(
    pool_id: str, organisation: Organisation
) -> tuple[ReferenceAssessment | None, ReferenceAssessment | None]:
    """The organisation's latest assessment in the pool and the one before it (one query)."""
    rows = list(
        ReferenceAssessment.objects.filter(pool_id=pool_id, organisation=organisation)
        .select_related("procedure")
        .order_by("-assessed_on", "-pk")[:2]
    )
    latest = rows[0] if rows else None
    previous = rows[1] if len(rows) > 1 else None
    return latest, previous


def organisation_pools(organisation: Organisation) -> list[tuple[str, int, date]]:
    """``(pool id, number of assessments, latest date)`` of every pool the organisation is in."""
    return list(
        ReferenceAssessment.objects.filter(organisation=organisation)
        .values("pool_id")
        .annotate(assessments=Count("pk"), latest=Max("assessed_on"))
        .order_by("pool_id")
        .values_list("pool_id", "assessments", "latest")
    )


def latest_assessments(
    *, organisations: Any | None, pool_ids: Iterable[str], limit: int = 500
) -> list[ReferenceAssessment]:
    """The latest assessment of each organisation of ours that is in ``organisations`` (a
    queryset of organisation ids; ``None`` for none) or in a pool of ``pool_ids``, by the
    organisation's name and the pool (one query; at most ``limit``)."""
    own = Q(organisation__in=organisations) if organisations is not None else Q(pk__in=[])
    return list(
        ReferenceAssessment.objects.filter(is_latest=True, organisation__isnull=False)
        .filter(own | Q(pool_id__in=list(pool_ids)))
        .select_related("organisation")
        .order_by("organisation__cluster_name", "pool_id")[:limit]
    )


def latest_counts_by_source() -> dict[str, dict[str, int]]:
    """Pool id -> source -> how many organisations of the latest pool (one query)."""
    counts: dict[str, dict[str, int]] = {}
    for pool_id, source, n in (
        ReferenceAssessment.objects.filter(is_latest=True)
        .values("pool_id", "source")
        .annotate(n=Count("pk"))
        .values_list("pool_id", "source", "n")
    ):
        counts.setdefault(pool_id, {})[source] = n
    return counts
