"""The benchmarking pools, built when they change, so that no page has to build one.

Building the domain's :class:`~clusterlabel.domain.benchmark.Pool` of 10,000 organisations (one
query for the rows, 360,000 values decoded, the arrays made) takes about a second. It used to be
built by the first request after every change, in every application process (each had its own
cache). Now every write to a pool (a decision, an import, the synthetic pool, a merge) calls
:func:`pools_changed` in its transaction; after the commit, :func:`pools_build` builds the
latest pool and the pool over time and stores both (:class:`StoredPool`) with a new
``generation``. A request reads the stored pool once per process and generation
(:func:`stored_pool`) and keeps it in memory.

A request builds a pool only when nothing fitting is stored: the scheme's catalogue changed, a
new year began (age bands are counted from the current year), or nothing was stored yet (the
release that added the stored pools). It then stores what it built, so the next request and
every other process read it; ``clusterlabel migrate`` builds every pool whose stored one does
not fit its rows. The rows' revision (one aggregate) is asked only by the builder.
"""

from __future__ import annotations

import json
import logging
import pickle
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource, StoredPool
from clusterlabel.domain.benchmark import (
    Pool,
    PoolOverview,
    PoolRow,
    YearSummary,
    pool_over_time,
    pool_overview,
)
from clusterlabel.domain.benchmark.from_scheme import indicator_specs
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.schemes.models import SchemeVersion

logger = logging.getLogger(__name__)

LATEST = "latest"
HISTORY = "history"
KINDS = (LATEST, HISTORY)

# Pools this process has read: (pool id, kind) -> ((generation, key, built at), pool). One entry
# per pool and kind, so a process holds each pool once (about 3 MB at 10,000 organisations).
_read: dict[tuple[str, str], tuple[tuple[Any, ...], PreparedPool]] = {}

ROW_FIELDS = (
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
    """Domain pool rows from stored rows (``ROW_FIELDS`` order), read with ``scheme``'s
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


def pool_revision(queryset: QuerySet[ReferenceAssessment]) -> tuple[dict[str, Any], str]:
    """The rows' figures (how many, how many synthetic and imported) and their revision: the
    count, the highest id and the last change, which every write moves (one aggregate query)."""
    figures = queryset.aggregate(
        rows=Count("pk"),
        last=Max("pk"),
        changed=Max("updated_at"),
        synthetic=Count("pk", filter=Q(source=ReferenceSource.SYNTHETIC)),
        imported=Count("pk", filter=Q(source=ReferenceSource.IMPORT)),
    )
    changed = figures["changed"].isoformat() if figures["changed"] else "-"
    return figures, f"{figures['rows']}:{figures['last']}:{changed}"


def pool_rows_queryset(pool_id: str, kind: str) -> QuerySet[ReferenceAssessment]:
    queryset = ReferenceAssessment.objects.filter(pool_id=pool_id)
    return queryset.filter(is_latest=True) if kind == LATEST else queryset


# What ``StoredPool.data`` holds; a new layout (a new domain Pool too) takes the next number, so
# that pools stored by the code before are built again instead of read.
STORED_FORMAT = 2  # 2: (pool, summary)


def pool_basis(version: SchemeVersion, reference_year: int) -> str:
    """What a stored pool must have been read with to serve a request: the stored layout, the
    catalogue (its content hash) and the year age bands are counted from."""
    return f"{STORED_FORMAT}:{version.content_hash}:{reference_year}"


def pool_build(
    queryset: QuerySet[ReferenceAssessment], scheme: Scheme, *, kind: str, reference_year: int
) -> Pool:
    """The domain pool of ``queryset``'s rows read with ``scheme``'s catalogue (one query):
    every row's latest for ``LATEST``, every organisation's latest per year for ``HISTORY``."""
    rows = queryset.order_by("assessed_on", "pk").values_list(*ROW_FIELDS)
    built = pool_rows(rows, scheme)
    if kind == HISTORY:
        built = _latest_per_year(built)
    return Pool.from_rows(built, indicator_specs(scheme), reference_year=reference_year)


def _latest_per_year(rows: list[PoolRow]) -> list[PoolRow]:
    """Rows come ordered by date: the last one per organisation and year wins."""
    chosen: dict[tuple[Any, int | None], PoolRow] = {}
    for row in rows:
        chosen[(row.organisation, row.assessment_year)] = row
    return list(chosen.values())


@dataclass(frozen=True)
class PreparedPool:
    """A pool as a page reads it: the domain pool, its figures (``rows``, ``synthetic``,
    ``imported``; for the latest pool also ``composition``: per country, sector and source) and
    its summary for the pool page (the latest pool's overview, the history's years)."""

    pool: Pool
    figures: dict[str, Any]
    summary: PoolOverview | tuple[YearSummary, ...]


def pool_summary(pool: Pool, kind: str) -> PoolOverview | tuple[YearSummary, ...]:
    return pool_overview(pool) if kind == LATEST else pool_over_time(pool)


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


def pool_prepare(version: SchemeVersion, *, kind: str, reference_year: int) -> PreparedPool:
    """Build the pool of ``version``'s scheme of ``kind`` and store it with a new generation,
    so that every process reads it anew."""
    pool_id = version.scheme_id
    queryset = pool_rows_queryset(pool_id, kind)
    aggregate, revision = pool_revision(queryset)
    pool = pool_build(queryset, version.scheme, kind=kind, reference_year=reference_year)
    figures = {name: aggregate[name] for name in ("rows", "synthetic", "imported")}
    if kind == LATEST:
        figures["composition"] = pool_composition(pool_id)
    summary = pool_summary(pool, kind)
    data = pickle.dumps((pool, summary), protocol=pickle.HIGHEST_PROTOCOL)
    fields = {
        "basis": pool_basis(version, reference_year),
        "revision": revision,
        "figures": figures,
        "data": data,
    }
    with transaction.atomic():
        stored, created = StoredPool.objects.select_for_update().get_or_create(
            pool_id=pool_id, kind=kind, defaults={**fields, "generation": 1}
        )
        if not created:
            StoredPool.objects.filter(pk=stored.pk).update(
                **fields, generation=F("generation") + 1, built_at=timezone.now()
            )
            stored.refresh_from_db(fields=["generation", "built_at"])
    # JSON gives lists where the figures had tuples: hold what a reader will get.
    prepared = PreparedPool(pool=pool, figures=json.loads(json.dumps(figures)), summary=summary)
    _read[(pool_id, kind)] = ((stored.generation, fields["basis"], stored.built_at), prepared)
    return prepared


def stored_pool(pool_id: str, kind: str, basis: str) -> PreparedPool | None:
    """The stored pool when it was read with ``basis`` (:func:`pool_basis`): from this
    process's memory when it has read this generation (one query), else from the database (two).
    ``None`` when nothing fitting is stored. The rows' revision is not checked here: every write
    goes through the services, which build the pool after committing."""
    meta = (
        StoredPool.objects.filter(pool_id=pool_id, kind=kind)
        .values_list("generation", "basis", "built_at")
        .first()
    )
    if meta is None or meta[1] != basis:
        return None
    held = _read.get((pool_id, kind))
    if held is not None and held[0] == meta:
        return held[1]
    found = (
        StoredPool.objects.filter(pool_id=pool_id, kind=kind, generation=meta[0])
        .values_list("data", "figures")
        .first()
    )
    if found is None:  # rebuilt between the two reads: the caller builds
        return None
    # The data was written by pool_prepare in this application, never by a user: unpickling it
    # trusts the database as the rest of the application does.
    pool, summary = pickle.loads(bytes(found[0]))
    prepared = PreparedPool(pool=pool, figures=found[1], summary=summary)
    _read[(pool_id, kind)] = (meta, prepared)
    return prepared


def pools_build(pool_ids: Iterable[str], *, today: date | None = None) -> list[tuple[str, str]]:
    """Build and store the latest pool and the pool over time of each of ``pool_ids`` that has
    a catalogue (the current version of its scheme), unless the stored one is already built
    from the same rows, catalogue and year; returns the (pool, kind) built."""
    reference_year = (today or timezone.localdate()).year
    built = []
    for pool_id in sorted(set(pool_ids)):
        version = pool_scheme_version(pool_id)
        if version is None:
            continue
        basis = pool_basis(version, reference_year)
        for kind in KINDS:
            _figures, revision = pool_revision(pool_rows_queryset(pool_id, kind))
            stored = StoredPool.objects.filter(pool_id=pool_id, kind=kind)
            if stored.filter(basis=basis, revision=revision).exists():
                continue
            pool_prepare(version, kind=kind, reference_year=reference_year)
            built.append((pool_id, kind))
    return built


def all_pool_ids() -> list[str]:
    return list(
        ReferenceAssessment.objects.order_by("pool_id").values_list("pool_id", flat=True).distinct()
    )


def pools_changed(pool_ids: Iterable[str]) -> None:
    """Call inside the transaction that writes a pool's rows: once it commits, the pools are
    built and stored by ``build_pools_task`` (a worker's, with ``TASKS_BACKEND=database``;
    at once in this process with the immediate backend); a rolled-back write builds nothing. A
    failing build is logged and left to the next request, which builds the pool itself; the
    write stands. Inside
    :func:`pools_built_once` the pools are built when it ends instead."""
    changed = sorted(set(pool_ids))
    if not changed:
        return
    deferred: set[str] | None = getattr(_batch, "pools", None)
    if deferred is not None:
        deferred.update(changed)
        return
    transaction.on_commit(lambda: build_pools_task.enqueue(changed))


_batch = threading.local()


@contextmanager
def pools_built_once() -> Iterator[None]:
    """Writes in this block (and this thread) have their pools built once, when it ends,
    instead of after each commit: a command that records many assessments one transaction at a
    time (``backfill-pool``) builds each pool once. A pool whose rows a rolled-back write left
    as they were is not built again (``pools_build`` compares the rows' revision)."""
    if getattr(_batch, "pools", None) is not None:
        yield
        return
    _batch.pools = set()
    try:
        yield
    finally:
        pending, _batch.pools = _batch.pools, None
        if pending:
            _build_after_commit(sorted(pending))


def pools_build_all(**kwargs: Any) -> None:
    """Every pool built that does not fit its rows (``post_migrate``: after a release's
    ``clusterlabel migrate`` the pages find their pools built). Nothing when the tables are not
    there (migrated back to before them)."""
    tables = connection.introspection.table_names()
    if StoredPool._meta.db_table in tables and ReferenceAssessment._meta.db_table in tables:
        pools_build(all_pool_ids())


def _build_after_commit(pool_ids: list[str]) -> None:
    try:
        pools_build(pool_ids)
    except Exception:
        logger.exception("Building the benchmarking pools %s failed", ", ".join(pool_ids))


@task()
def build_pools_task(pool_ids: list[str]) -> None:
    """Build the pools a committed write changed: a task, so that with a worker
    (``TASKS_BACKEND=database``) no web request builds a pool; with the immediate backend it
    runs when the write commits, as before."""
    _build_after_commit(pool_ids)
