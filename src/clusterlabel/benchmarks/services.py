"""Every write to the benchmarking pool.

Two ways in: a procedure's decision records the panel's values
(:func:`reference_assessment_record_for_procedure`, called inside the decision's transaction),
and a batch of outside assessments (an operator's historical list, the synthetic demo pool)
is recorded with :func:`reference_assessments_record`. Both keep ``is_latest`` right: per
organisation and pool, the assessment with the latest date (then the latest recorded) is the
one reports compare, the earlier ones are its previous cycles. After either commits, the pools
it changed are built and stored (``stored_pools.pools_changed``), so no page builds one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.stored_pools import pools_changed
from clusterlabel.domain.benchmark.from_scheme import category_percentages
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import IndicatorValue, score_assessment, validate_values
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.decided import Decided
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.results import score_values
from clusterlabel.procedures.values import to_json
from clusterlabel.schemes.models import SchemeVersion


@dataclass(frozen=True)
class AssessmentEntry:
    """One outside assessment to record: values as the domain has them (Decimal, bool,
    choice id, None), scored under ``scheme_version``. Exactly one of ``organisation`` and
    ``external_key`` identifies the organisation."""

    scheme_version: SchemeVersion
    assessed_on: date
    values: Mapping[str, IndicatorValue]
    name: str
    organisation: Organisation | None = None
    external_key: str = ""
    sector: str = ""
    country: str = ""
    founding_year: int | None = None
    committed_members: int | None = None
    source: str = ReferenceSource.IMPORT

    @property
    def identity(self) -> str:
        if self.organisation is not None:
            return f"org:{self.organisation.pk}"
        return f"ext:{self.external_key}"


@dataclass
class RecordOutcome:
    """What a batch did: rows created, rows whose values were replaced, rows already there
    with the same values, and rows left alone because the system's own assessment of that
    organisation and day wins over a list."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_own: int = 0
    pools: set[str] = field(default_factory=set)


def _scored_fields(scheme: Scheme, values: Mapping[str, IndicatorValue]) -> dict[str, Any]:
    problems = validate_values(scheme, values)
    if problems:
        raise ValueError(
            "; ".join(f"{problem.indicator_id}: {problem.message}" for problem in problems)
        )
    score = score_assessment(scheme, values)
    return {
        "values": {
            indicator.id: to_json(indicator, values.get(indicator.id))
            for indicator in scheme.indicators
            if values.get(indicator.id) is not None
        },
        "category_percent": {
            category_id: _percent_text(percent)
            for category_id, percent in category_percentages(score).items()
        },
        "overall_percent": _percent(score.percent),
    }


def _percent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


def _percent_text(value: Decimal) -> str:
    return str(_percent(value))


def reference_assessment_record_for_decision(event: Decided) -> ReferenceAssessment:
    """The benchmarking subscriber of the decided step (``procedures.decided``): awarded and
    refused assessments both join the pool."""
    return reference_assessment_record_for_procedure(procedure=event.procedure)


def reference_assessment_record_for_procedure(*, procedure: Procedure) -> ReferenceAssessment:
    """Record a decided procedure's panel values in its scheme's pool (idempotent).

    Call it inside the decision's transaction: the pool then never holds an assessment whose
    decision was rolled back. Awarded and refused assessments both join the pool: the pool
    describes where organisations stand, not who passed. Returns the existing row when the
    procedure is already recorded.
    """
    existing = ReferenceAssessment.objects.filter(procedure=procedure).first()
    if existing is not None:
        return existing
    scheme = procedure.scheme
    organisation = procedure.organisation
    assessed_on = procedure.assessment_date or timezone.localdate(procedure.decided_at)
    row = ReferenceAssessment(
        pool_id=scheme.pool_id,
        scheme_version=procedure.scheme_version,
        organisation=organisation,
        name=organisation.cluster_name,
        source=ReferenceSource.PROCEDURE,
        procedure=procedure,
        assessed_on=assessed_on,
        sector=organisation.sector,
        country=organisation.country,
        founding_year=organisation.founding_year,
        committed_members=organisation.committed_members,
        is_latest=False,
        **_scored_fields(scheme, score_values(procedure)),
    )
    row.full_clean(exclude=["values", "category_percent"])
    row.save()
    _refresh_latest(scheme.pool_id, [row.identity])
    pools_changed([scheme.pool_id])
    return ReferenceAssessment.objects.get(pk=row.pk)


def reference_assessments_record(
    *,
    entries: Sequence[AssessmentEntry],
    actor: User | None,
    action: str = "benchmark.import",
    source_name: str = "",
) -> RecordOutcome:
    """Record a batch of outside assessments, all or nothing, with one audit event.

    An entry for an organisation, pool and day that is already recorded from a list replaces
    that row's values when they differ (a corrected list) and changes nothing when they are the
    same, so importing a list twice changes nothing. An organisation's own assessment in this
    system is never overwritten by a list. Raises ``ValueError`` for values the scheme refuses
    (the importer checks every row first and names the bad ones).
    """
    outcome = RecordOutcome()
    prepared = []
    for entry in entries:
        scheme = entry.scheme_version.scheme
        if (entry.organisation is None) == (not entry.external_key):
            raise ValueError("an entry needs exactly one of organisation and external_key")
        prepared.append((entry, scheme.pool_id, _scored_fields(scheme, entry.values)))

    with transaction.atomic():
        existing = _existing_rows(prepared)
        to_create = []
        touched: dict[str, set[str]] = defaultdict(set)
        for entry, pool_id, scored in prepared:
            key = (pool_id, entry.identity, entry.assessed_on)
            found = existing.get(key)
            outcome.pools.add(pool_id)
            if found is not None:
                if found.source == ReferenceSource.PROCEDURE:
                    outcome.kept_own += 1
                elif _same(found, scored):
                    outcome.unchanged += 1
                else:
                    for name, value in scored.items():
                        setattr(found, name, value)
                    found.scheme_version = entry.scheme_version
                    found.save(
                        update_fields=[
                            "values",
                            "category_percent",
                            "overall_percent",
                            "scheme_version",
                            "updated_at",
                        ]
                    )
                    outcome.updated += 1
                continue
            row = ReferenceAssessment(
                pool_id=pool_id,
                scheme_version=entry.scheme_version,
                organisation=entry.organisation,
                external_key=entry.external_key,
                name=entry.name,
                source=entry.source,
                assessed_on=entry.assessed_on,
                sector=entry.sector,
                country=entry.country,
                founding_year=entry.founding_year,
                committed_members=entry.committed_members,
                is_latest=False,
                **scored,
            )
            existing[key] = row
            to_create.append(row)
            touched[pool_id].add(entry.identity)
        ReferenceAssessment.objects.bulk_create(to_create, batch_size=500)
        outcome.created = len(to_create)
        for pool_id, identities in touched.items():
            _refresh_latest(pool_id, identities)
        if outcome.created or outcome.updated:
            pools_changed(outcome.pools)
        if outcome.created or outcome.updated:
            audit_record(
                actor=actor,
                action=action,
                target_type="benchmarks.pool",
                target_id=",".join(sorted(outcome.pools)),
                after={
                    "source": source_name,
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "kept_own": outcome.kept_own,
                },
            )
    return outcome


def _same(row: ReferenceAssessment, scored: Mapping[str, Any]) -> bool:
    return (
        row.values == scored["values"]
        and row.category_percent == scored["category_percent"]
        and Decimal(row.overall_percent) == scored["overall_percent"]
    )


def _existing_rows(
    prepared: Iterable[tuple[AssessmentEntry, str, Mapping[str, Any]]],
) -> dict[tuple[str, str, date], ReferenceAssessment]:
    organisation_ids: set[int] = set()
    external_keys: set[str] = set()
    pools: set[str] = set()
    for entry, pool_id, _ in prepared:
        pools.add(pool_id)
        if entry.organisation is not None:
            organisation_ids.add(entry.organisation.pk)
        else:
            external_keys.add(entry.external_key)
    if not pools:
        return {}
    rows = ReferenceAssessment.objects.filter(pool_id__in=pools).filter(
        Q(organisation_id__in=organisation_ids) | Q(external_key__in=external_keys)
    )
    return {(row.pool_id, row.identity, row.assessed_on): row for row in rows}


def _identity_filter(identities: Iterable[str]) -> Q:
    organisation_ids = []
    external_keys = []
    for identity in identities:
        kind, _, key = identity.partition(":")
        if kind == "org":
            organisation_ids.append(int(key))
        else:
            external_keys.append(key)
    return Q(organisation_id__in=organisation_ids) | Q(
        organisation__isnull=True, external_key__in=external_keys
    )


def _refresh_latest(pool_id: str, identities: Iterable[str]) -> None:
    """Make the latest row (by date, then by recording order) of each identity the latest.

    Clears the flag first and sets it second, so the partial unique constraints hold at every
    statement. Locks the rows it reads, so two recordings for one organisation serialise.
    """
    identities = list(identities)
    if not identities:
        return
    rows = (
        ReferenceAssessment.objects.select_for_update()
        .filter(_identity_filter(identities), pool_id=pool_id)
        .values_list("pk", "organisation_id", "external_key", "assessed_on", "is_latest")
    )
    best: dict[str, tuple[date, int]] = {}
    flagged = []
    for pk, organisation_id, external_key, assessed_on, is_latest in rows:
        identity = f"org:{organisation_id}" if organisation_id else f"ext:{external_key}"
        if is_latest:
            flagged.append(pk)
        if identity not in best or (assessed_on, pk) > best[identity]:
            best[identity] = (assessed_on, pk)
    winners = {pk for _, pk in best.values()}
    stale = [pk for pk in flagged if pk not in winners]
    for start in range(0, len(stale), 500):
        ReferenceAssessment.objects.filter(pk__in=stale[start : start + 500]).update(
            is_latest=False
        )
    missing = sorted(winners - set(flagged))
    for start in range(0, len(missing), 500):
        ReferenceAssessment.objects.filter(pk__in=missing[start : start + 500]).update(
            is_latest=True
        )
