"""Reads of the benchmarking pool, with a fixed number of queries whatever its size.

A pool is read with one query (``values_list`` of the latest rows) and turned into the
domain's NumPy :class:`~clusterlabel.domain.benchmark.Pool`. Building it for 10,000
organisations takes a few hundred milliseconds, so the built pool is kept in Django's cache
under a key that changes whenever the pool does (its scheme version's hash, the number of
rows, the highest row id and the last change): one cheap aggregate query tells whether the
cached pool is still the pool.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.domain.benchmark import Pool, PoolRow
from clusterlabel.domain.benchmark.from_scheme import indicator_specs
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import SchemeVersion

_ROW_FIELDS = (
    "organisation_id",
    "external_key",
    "values",
    "category_percent",
    "overall_percent",
    "sector",
    "country",
    "founding_year",
    "committed_members",
    "assessed_on",
)


@dataclass(frozen=True)
class PoolSnapshot:
    """A pool as reports use it: the domain pool, its catalogue and what it is made of."""

    pool_id: str
    scheme_version: SchemeVersion
    pool: Pool
    organisations: int
    synthetic: int
    imported: int

    @property
    def scheme(self) -> Scheme:
        return self.scheme_version.scheme


def pool_scheme_versions() -> list[SchemeVersion]:
    """The current version of every scheme that has its own pool (ECEI Silver shares
    Bronze's), in the order of the scheme list."""
    versions = SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id")
    return [version for version in versions if version.scheme.pool_id == version.scheme_id]


def pool_scheme_version(pool_id: str) -> SchemeVersion | None:
    """The catalogue a pool is read with: the current version of the scheme ``pool_id``."""
    version = SchemeVersion.objects.filter(scheme_id=pool_id, is_current=True).first()
    if version is None or version.scheme.pool_id != pool_id:
        return None
    return version


def _decoder(indicator: Indicator) -> Any:
    """Stored JSON value -> the statistics' number: what ``procedures.values.from_json`` and
    ``domain.benchmark.from_scheme.encode_value`` give together, without building a Decimal per
    value (a cold pool of 10,000 organisations decodes 360,000); tests check that the two agree."""
    if indicator.type == "boolean":
        return lambda stored: None if stored is None else (1.0 if stored is True else 0.0)
    if indicator.type == "choice":
        ranks = {choice: float(rank) for rank, choice in enumerate(indicator.choice_ids)}
        return ranks.get

    def number(stored: Any) -> float | None:
        try:
            return float(stored)
        except (TypeError, ValueError):
            return None

    return number


def pool_rows(rows: Iterable[Sequence[Any]], scheme: Scheme) -> list[PoolRow]:
    """Domain pool rows from stored rows (``_ROW_FIELDS`` order), read with ``scheme``'s
    catalogue: values of indicators it no longer has are left out, missing ones are missing."""
    decoders = [(indicator.id, _decoder(indicator)) for indicator in scheme.indicators]
    categories = {category.id for category in scheme.categories}
    result = []
    for (
        organisation_id,
        external_key,
        values,
        category_percent,
        overall,
        sector,
        country,
        founding_year,
        members,
        assessed_on,
    ) in rows:
        result.append(
            PoolRow(
                organisation=f"org:{organisation_id}" if organisation_id else f"ext:{external_key}",
                values={
                    indicator_id: decode(values.get(indicator_id))
                    for indicator_id, decode in decoders
                },
                category_scores={
                    category: float(percent)
                    for category, percent in category_percent.items()
                    if category in categories
                },
                overall_score=float(overall),
                sector=sector or None,
                country=country or None,
                founding_year=founding_year,
                committed_members=members,
                assessment_year=assessed_on.year,
            )
        )
    return result


def _revision(queryset: Any) -> tuple[dict[str, Any], str]:
    figures = queryset.aggregate(
        rows=Count("pk"),
        last=Max("pk"),
        changed=Max("updated_at"),
        synthetic=Count("pk", filter=Q(source=ReferenceSource.SYNTHETIC)),
        imported=Count("pk", filter=Q(source=ReferenceSource.IMPORT)),
    )
    changed = figures["changed"].isoformat() if figures["changed"] else "-"
    return figures, f"{figures['rows']}:{figures['last']}:{changed}"


def latest_pool(pool_id: str, *, today: date | None = None) -> PoolSnapshot | None:
    """The reference pool: the latest assessment of every organisation (2 queries, or 3 when
    the cache does not hold this revision yet). ``None`` when the pool has no catalogue."""
    version = pool_scheme_version(pool_id)
    if version is None:
        return None
    return pool_snapshot(version, latest=True, today=today)


def pool_snapshot(version: SchemeVersion, *, latest: bool, today: date | None) -> PoolSnapshot:
    """The pool read with ``version``'s catalogue (from :func:`pool_scheme_version`): the
    latest assessment of every organisation, or (``latest=False``) every organisation's latest
    assessment *of each year*, for the pool over time."""
    pool_id = version.scheme_id
    reference_year = (today or timezone.localdate()).year
    queryset = ReferenceAssessment.objects.filter(pool_id=pool_id)
    if latest:
        queryset = queryset.filter(is_latest=True)
    figures, revision = _revision(queryset)
    key = (
        f"benchmark-pool:{'latest' if latest else 'history'}:{pool_id}:"
        f"{version.content_hash}:{reference_year}:{revision}"
    )
    pool = cache.get(key)
    if pool is None:
        scheme = version.scheme
        rows = queryset.order_by("assessed_on", "pk").values_list(*_ROW_FIELDS)
        built = pool_rows(rows, scheme)
        if not latest:
            built = _latest_per_year(built)
        pool = Pool.from_rows(built, indicator_specs(scheme), reference_year=reference_year)
        cache.set(key, pool, timeout=24 * 3600)
    return PoolSnapshot(
        pool_id=pool_id,
        scheme_version=version,
        pool=pool,
        organisations=figures["rows"] if latest else len(set(pool._index)),
        synthetic=figures["synthetic"],
        imported=figures["imported"],
    )


def _latest_per_year(rows: list[PoolRow]) -> list[PoolRow]:
    """Rows come ordered by date: the last one per organisation and year wins."""
    chosen: dict[tuple[Any, int | None], PoolRow] = {}
    for row in rows:
        chosen[(row.organisation, row.assessment_year)] = row
    return list(chosen.values())


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


def pool_composition(pool_id: str) -> dict[str, list[tuple[str, int]]]:
    """How many organisations of the latest pool per country, per sector and per source."""
    queryset = ReferenceAssessment.objects.filter(pool_id=pool_id, is_latest=True)
    result = {}
    for field_name in ("country", "sector", "source"):
        result[field_name] = list(
            queryset.values(field_name)
            .annotate(n=Count("pk"))
            .order_by("-n", field_name)
            .values_list(field_name, "n")
        )
    return result


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
