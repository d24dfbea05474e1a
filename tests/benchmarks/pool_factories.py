"""Small reference pools with values chosen by hand, for tests whose figures are hand-computed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.test import TestCase

from clusterlabel.benchmarks.models import ReferenceSource
from clusterlabel.benchmarks.services import AssessmentEntry, reference_assessments_record
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.procedures.walkthrough import excellent_values
from clusterlabel.schemes.models import SchemeVersion
from tests.procedures.builders import ensure_schemes


def scheme_version(scheme_id: str = "ecei-bronze") -> SchemeVersion:
    return ensure_schemes()[scheme_id]


def values_with(version: SchemeVersion, **overrides: IndicatorValue) -> dict[str, IndicatorValue]:
    """Excellent values, with some replaced (keyword = indicator id with ``_`` for ``-``)."""
    values = excellent_values(version.scheme)
    for key, value in overrides.items():
        values[key.replace("_", "-")] = value
    return values


def first_number_indicator(version: SchemeVersion):
    return next(
        i for i in version.scheme.indicators if i.type == "number" and i.direction == "higher"
    )


def external_pool(
    numbers: Sequence[int | None],
    *,
    version: SchemeVersion | None = None,
    indicator_id: str | None = None,
    sector: str = "biotechnology",
    country: str = "DE",
    assessed_on: date = date(2025, 6, 1),
    source: str = ReferenceSource.IMPORT,
    prefix: str = "ext",
) -> list[AssessmentEntry]:
    """One outside organisation per number: excellent values, ``indicator_id`` set to it."""
    version = version or scheme_version()
    indicator_id = indicator_id or first_number_indicator(version).id
    entries = []
    for position, value in enumerate(numbers):
        values = excellent_values(version.scheme)
        values[indicator_id] = None if value is None else Decimal(value)
        entries.append(
            AssessmentEntry(
                scheme_version=version,
                assessed_on=assessed_on,
                values=values,
                name=f"{prefix} {position}",
                external_key=f"{prefix}-{position}",
                sector=sector,
                country=country,
                founding_year=2010,
                committed_members=80,
                source=source,
            )
        )
    return entries


def record(entries: list[AssessmentEntry]):
    """Record as the services do in production: the pools are built once the write commits
    (the test's transaction never does, so its commit callbacks are run here)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reference_assessments_record(entries=entries, actor=None)


def own_entry(
    organisation,
    value: int | None,
    *,
    day: date = date(2025, 6, 1),
    indicator_id: str = "STR-01",
    sector: str | None = None,
    country: str | None = None,
    **overrides: IndicatorValue,
) -> AssessmentEntry:
    """An assessment of one of our organisations: excellent values, ``indicator_id`` set to
    ``value``, further ids (exact, with ``-``) from ``overrides``; sector and country default
    to the organisation's."""
    version = scheme_version()
    values = excellent_values(version.scheme)
    values[indicator_id] = None if value is None else Decimal(value)
    values.update(overrides)
    return AssessmentEntry(
        scheme_version=version,
        assessed_on=day,
        values=values,
        name=organisation.cluster_name,
        organisation=organisation,
        sector=organisation.sector if sector is None else sector,
        country=organisation.country if country is None else country,
        founding_year=2010,
        committed_members=80,
    )
