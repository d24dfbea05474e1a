"""The benchmarking pools, built when they change, so that no page has to build one.

Building the domain's :class:`~clusterlabel.domain.benchmark.Pool` of 10,000 organisations (one
query for the rows, 360,000 values decoded, the arrays made) takes about a second. It used to be
built by the first request after every change, in every application process (each had its own
cache). Now every write to a pool (a decision, an import, the synthetic pool, a merge) calls
:func:`pools_changed` in its transaction; after the commit, :func:`pools_build` builds the
latest pool and the pool over time and stores what the pages read of them
(:class:`StoredPool`) with a new ``generation``: the figures, the pool page's summary and, of
the latest pool, the parts a report reads (:class:`StoredPoolPart`: each comparison group's
summary and each organisation of ours, see :mod:`clusterlabel.domain.benchmark.groups`). The
domain pool itself (about 4 MB at 10,000 organisations) is not stored: reading and unpickling
it made the first request of every process 50 to 100 ms slower than the next. A request reads
the figures (one query), then the few kilobytes it needs, once per process and generation
(:class:`PreparedPool`), and keeps them in memory.

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
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from clusterlabel.benchmarks.models import (
    ReferenceAssessment,
    ReferenceSource,
    StoredPool,
    StoredPoolPart,
)
from clusterlabel.domain.benchmark import (
    GroupSummary,
    MemberSummary,
    PeerGroup,
    Pool,
    PoolOverview,
    PoolRow,
    YearSummary,
    pool_over_time,
    pool_overview,
    pool_summaries,
)
from clusterlabel.domain.benchmark.from_scheme import indicator_specs
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.schemes.models import SchemeVersion

logger = logging.getLogger(__name__)

LATEST = "latest"
HISTORY = "history"
KINDS = (LATEST, HISTORY)

# Pools this process has read: (pool id, kind) -> ((generation, basis, built at), pool). One
# entry per pool and kind, holding what requests have read of it (its summary, the parts of the
# organisations that asked for their report and of their groups: a few kilobytes each).
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


# What ``StoredPool.data`` and its parts hold; a new layout (a new domain summary too) takes the
# next number, so that pools stored by the code before are built again instead of read.
STORED_FORMAT = 3  # 2: data (pool, summary); 3: data summary, parts (group and member summaries)


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


class StoredPoolChanged(Exception):
    """The stored pool was built again between two reads of one request: the caller builds."""


def group_part(group: tuple[PeerGroup, int]) -> str:
    """The part key of a comparison group's summary (``GroupSummary``)."""
    return f"group:{group[0].value}:{group[1]}"


def member_part(organisation: str) -> str:
    """The part key of an organisation's summary (``MemberSummary``), by its pool key."""
    return f"member:{organisation}"


class PreparedPool:
    """A stored pool as pages read it: its ``figures`` (``rows``, ``organisations``,
    ``synthetic``, ``imported``; for the latest pool also ``composition``: per country, sector
    and source), its summary for the pool page (the latest pool's overview, the history's
    years) and, of the latest pool, the parts a report reads. The summary and each part are
    read from the database when first asked for, once per process and generation; a pool this
    process built holds them all. Raises :class:`StoredPoolChanged` when the pool was built
    again since its figures were read."""

    def __init__(
        self,
        *,
        kind: str,
        stored_pk: int,
        generation: int,
        figures: dict[str, Any],
        summary: PoolOverview | tuple[YearSummary, ...] | None = None,
        parts: dict[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.stored_pk = stored_pk
        self.generation = generation
        self.figures = figures
        self._summary = summary
        self._parts: dict[str, Any] = dict(parts or {})
        self.complete = parts is not None

    def summary(self) -> PoolOverview | tuple[YearSummary, ...]:
        if self._summary is None:
            data = (
                StoredPool.objects.filter(pk=self.stored_pk, generation=self.generation)
                .values_list("data", flat=True)
                .first()
            )
            if data is None:
                raise StoredPoolChanged
            # Written by pool_prepare in this application, never by a user: unpickling it
            # trusts the database as the rest of the application does.
            self._summary = pickle.loads(bytes(data))
        return self._summary

    def parts(self, keys: Sequence[str]) -> dict[str, Any]:
        """The parts of ``keys`` that the pool has (one query for those not read yet)."""
        missing = [key for key in keys if key not in self._parts]
        if missing and not self.complete:
            found = StoredPoolPart.objects.filter(
                stored_pool_id=self.stored_pk, generation=self.generation, key__in=missing
            ).values_list("key", "data")
            for key, data in found:
                self._parts[key] = pickle.loads(bytes(data))  # as the summary
        return {key: self._parts[key] for key in keys if key in self._parts}

    def member(self, organisation: str) -> MemberSummary:
        """An organisation's summary, read with the summary of all organisations, which most
        reports compare with (one query). ``KeyError`` when a pool this process built does not
        have it; :class:`StoredPoolChanged` when a stored one does not (built before the
        organisation's assessment was, or again since)."""
        key = member_part(organisation)
        found = self.parts([key, group_part((PeerGroup.ALL, 0))])
        if key not in found:
            if self.complete:
                raise KeyError(organisation)
            raise StoredPoolChanged
        member: MemberSummary = found[key]
        return member

    def groups(self, keys: Sequence[tuple[PeerGroup, int]]) -> dict[tuple[PeerGroup, int], Any]:
        """Comparison groups' summaries by their keys (``MemberSummary.group``)."""
        found = self.parts([group_part(key) for key in keys])
        if len(found) < len(set(keys)) and not self.complete:
            raise StoredPoolChanged
        return {key: found[group_part(key)] for key in keys if group_part(key) in found}


def report_parts(pool: Pool) -> dict[str, GroupSummary | MemberSummary]:
    """What a report reads of the latest pool: every comparison group's summary and each
    organisation of ours (``org:`` keys: only they have reports)."""
    members = [key for key in pool._index if isinstance(key, str) and key.startswith("org:")]
    groups, member_summaries = pool_summaries(pool, members)
    parts: dict[str, GroupSummary | MemberSummary] = {
        group_part(key): summary for key, summary in groups.items()
    }
    parts.update({member_part(str(key)): summary for key, summary in member_summaries.items()})
    return parts


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
    """Build the pool of ``version``'s scheme of ``kind`` and store what the pages read of it
    with a new generation, so that every process reads it anew."""
    pool_id = version.scheme_id
    queryset = pool_rows_queryset(pool_id, kind)
    aggregate, revision = pool_revision(queryset)
    pool = pool_build(queryset, version.scheme, kind=kind, reference_year=reference_year)
    figures = {name: aggregate[name] for name in ("rows", "synthetic", "imported")}
    figures["organisations"] = len(pool._index)
    if kind == LATEST:
        figures["composition"] = pool_composition(pool_id)
    summary = pool_summary(pool, kind)
    parts = report_parts(pool) if kind == LATEST else {}
    fields = {
        "basis": pool_basis(version, reference_year),
        "revision": revision,
        "figures": figures,
        "data": pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL),
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
        StoredPoolPart.objects.filter(stored_pool=stored).delete()
        StoredPoolPart.objects.bulk_create(
            [
                StoredPoolPart(
                    stored_pool=stored,
                    generation=stored.generation,
                    key=key,
                    data=pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL),
                )
                for key, part in parts.items()
            ],
            batch_size=500,
        )
    # JSON gives lists where the figures had tuples: hold what a reader will get.
    prepared = PreparedPool(
        kind=kind,
        stored_pk=stored.pk,
        generation=stored.generation,
        figures=json.loads(json.dumps(figures)),
        summary=summary,
        parts=parts,
    )
    _read[(pool_id, kind)] = ((stored.generation, fields["basis"], stored.built_at), prepared)
    return prepared


def stored_pool(pool_id: str, kind: str, basis: str) -> PreparedPool | None:
    """The stored pool when it was read with ``basis`` (:func:`pool_basis`), ``None`` when
    nothing fitting is stored: its figures (one query), and what this process has read of this
    generation before. The rows' revision is not checked here: every write goes through the
    services, which build the pool after committing."""
    found = (
        StoredPool.objects.filter(pool_id=pool_id, kind=kind)
        .values_list("generation", "basis", "built_at", "pk", "figures")
        .first()
    )
    if found is None or found[1] != basis:
        return None
    meta = found[:3]
    held = _read.get((pool_id, kind))
    if held is not None and held[0] == meta:
        return held[1]
    prepared = PreparedPool(kind=kind, stored_pk=found[3], generation=found[0], figures=found[4])
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
