"""A reproducible synthetic benchmarking pool for the demo: ``clusterlabel generate-pool``.

A pool of invented cluster organisations whose assessments look like real ones, so every
benchmark view (distributions, peer groups, pool over time, cycle comparisons) has something to
show before real assessments exist. Guarantees:

* **Reproducible.** The same pool, number of organisations, seed and day give exactly the same
  rows (one ``numpy.random.default_rng(seed)`` draws everything, in a fixed order). Recording
  goes through :func:`~clusterlabel.benchmarks.services.reference_assessments_record`, which
  is idempotent per (pool, organisation, day): generating twice changes nothing.
* **Obviously synthetic.** Every row has ``source=synthetic``, a name like
  ``Synthetic cluster 0001 (DE)`` and the external key ``synthetic-<pool>-<seed>-<n>``.
* **Valid.** Every value passes the scheme's ``validate_values``: numbers inside the
  indicator's ``min``/``max``, percentages 0..100, choice ids of the indicator; counts are whole
  numbers, ratios and percentages have one decimal place, staff capacity (FTE) is given in
  quarters, amounts of money in whole euros.
* **Realistic, not uniform.** Countries and sectors follow fixed weights (many German, Spanish,
  French, Italian, Polish, Austrian, Danish, Swedish clusters, few of the others), every
  country and sector appears once the pool is large enough for it, more young organisations
  than old ones, committed members log-normal between 20 and 600. One latent *maturity* per
  organisation (partly explained by its size and age) drives every indicator, so categories
  correlate and most overall scores lie between 40 and 85 %, with some excellent ones. About a
  third of the organisations have two or three cycles, two to three years apart and usually a
  little better each time; about 3 % of the values are missing.

The dates depend on ``today`` (assessments lie between 2013 and ``today``), so generating the
same seed on another day, or with another number of organisations, would give other rows for
the same organisations. That is refused (:class:`SyntheticPoolError`) rather than adding them as
extra cycles of the invented organisations.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.db.models import Max, Min
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.selectors import pool_scheme_version, pool_scheme_versions
from clusterlabel.benchmarks.services import (
    AssessmentEntry,
    RecordOutcome,
    reference_assessments_record,
)
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.organisations.choices import Sector
from clusterlabel.schemes.models import SchemeVersion

FIRST_ASSESSMENT = date(2013, 1, 1)
"""No synthetic assessment is older than this (the benchmarking database's first years)."""

FIRST_FOUNDING_YEAR = 1985

MISSING_SHARE = 0.03
"""The share of values left empty, as in real assessments."""

CYCLE_SHARES = (0.62, 0.24, 0.14)
"""Share of organisations with one, two and three assessments (before dates that do not fit
between the founding and today are dropped)."""

# Relative number of benchmarked cluster organisations per country: many in the countries where
# cluster labelling is common, few elsewhere. 48 countries.
COUNTRY_WEIGHTS: dict[str, int] = {
    "DE": 230, "ES": 95, "FR": 80, "IT": 65, "PL": 60, "AT": 50, "DK": 42, "SE": 40,
    "NO": 32, "NL": 28, "BE": 26, "FI": 22, "CZ": 22, "PT": 20, "HU": 18, "RO": 18,
    "SK": 14, "SI": 14, "GR": 13, "BG": 12, "HR": 12, "LT": 12, "GB": 12, "CH": 10,
    "TR": 10, "LV": 9, "EE": 9, "IE": 9, "UA": 8, "RS": 6, "LU": 3, "CY": 3,
    "MK": 3, "BA": 3, "IL": 3, "BR": 3, "KR": 3, "TN": 3, "IS": 2, "MT": 2,
    "ME": 2, "AL": 2, "MD": 2, "GE": 2, "AM": 2, "JP": 2, "IN": 2, "MA": 2,
}  # fmt: skip


# Relative weights of the ESCA sectors; "other" is rare because most clusters have a sector.
SECTOR_WEIGHTS: dict[str, int] = {
    Sector.AEROSPACE: 4,
    Sector.AGRICULTURE_FOOD: 7,
    Sector.AUTOMOTIVE_MOBILITY: 7,
    Sector.BIOTECHNOLOGY: 6,
    Sector.CHEMICALS_MATERIALS: 6,
    Sector.CONSTRUCTION: 4,
    Sector.CREATIVE_INDUSTRIES: 5,
    Sector.ENERGY_ENVIRONMENT: 10,
    Sector.HEALTH_MEDICAL: 9,
    Sector.ICT: 10,
    Sector.LOGISTICS: 5,
    Sector.MARITIME: 4,
    Sector.MICRO_NANO_OPTICS: 5,
    Sector.PRODUCTION_ENGINEERING: 9,
    Sector.TEXTILES: 3,
    Sector.TOURISM: 3,
    Sector.OTHER: 1,
}

_MEDIAN_MEMBERS = 85.0
_MEMBERS_SPREAD = 0.75  # log-normal sigma: a few hundred members is rare, 600 the cap
_DIFFICULTY = 0.3  # where the average indicator's threshold lies on the latent scale
_MATURITY_WEIGHT = 0.5  # how much of an indicator the organisation's maturity explains
_CATEGORY_WEIGHT = 0.35  # ... its strength in the indicator's category
_INDICATOR_WEIGHT = 0.55  # ... the indicator itself
_LOG_SLOPE = 0.7  # log-units of a count per unit of the latent scale
_LOGIT_SLOPE = 0.9  # logit-units of a percentage per unit of the latent scale


class SyntheticPoolError(ValueError):
    """The synthetic pool cannot be generated as asked (unknown pool, bad size, another
    generation of the same seed already recorded); the message says why and what to do."""


@dataclass(frozen=True)
class SyntheticPoolSummary:
    """What the pool holds of one seed's synthetic organisations (for the command's report)."""

    organisations: int
    assessments: int
    several_cycles: int
    countries: int
    sectors: int
    first: date | None
    last: date | None


def external_key_prefix(pool_id: str, seed: int) -> str:
    """The start of every external key of this pool's and seed's synthetic organisations."""
    return f"synthetic-{pool_id}-{seed}-"


def synthetic_pool_generate(
    *,
    pool_id: str = "ecei-bronze",
    organisations: int = 1300,
    seed: int = 2026,
    today: date | None = None,
    actor: User | None = None,
) -> RecordOutcome:
    """Generate and record the synthetic pool (all or nothing, one audit event).

    Raises :class:`SyntheticPoolError` for a pool id that is not a pool (not a loaded scheme,
    or a scheme that joins another scheme's pool), fewer than one organisation, a negative
    seed, and when rows of the same pool and seed generated for another day or size exist.
    """
    if organisations < 1:
        raise SyntheticPoolError("the pool needs at least one organisation")
    if seed < 0:
        raise SyntheticPoolError(f"the seed must be a whole number of at least 0, not {seed}")
    version = pool_scheme_version(pool_id)
    if version is None:
        raise SyntheticPoolError(_unknown_pool_message(pool_id))
    today = today or timezone.localdate()
    entries = synthetic_pool_entries(
        scheme_version=version, organisations=organisations, seed=seed, today=today
    )
    _refuse_other_generation(pool_id, seed, entries)
    return reference_assessments_record(
        entries=entries,
        actor=actor,
        action="benchmark.synthetic_pool",
        source_name=f"synthetic seed {seed}",
    )


def _unknown_pool_message(pool_id: str) -> str:
    pools = [version.scheme_id for version in pool_scheme_versions()]
    known = ", ".join(pools) if pools else "none (load the schemes first)"
    version = SchemeVersion.objects.filter(scheme_id=pool_id, is_current=True).first()
    if version is not None and version.scheme.pool_id != pool_id:
        return (
            f"{pool_id!r} has no pool of its own: its assessments join the pool "
            f"{version.scheme.pool_id!r}. Pools: {known}."
        )
    return f"there is no benchmarking pool {pool_id!r}. Pools: {known}."


def _refuse_other_generation(pool_id: str, seed: int, entries: Sequence[AssessmentEntry]) -> None:
    """Refuse when this seed's organisations already have assessments this run would not
    produce: recording would add them as extra cycles instead of reproducing the pool."""
    recorded = set(
        ReferenceAssessment.objects.filter(
            pool_id=pool_id,
            source=ReferenceSource.SYNTHETIC,
            external_key__startswith=external_key_prefix(pool_id, seed),
        ).values_list("external_key", "assessed_on")
    )
    stale = recorded - {(entry.external_key, entry.assessed_on) for entry in entries}
    if stale:
        latest = max(day for _, day in recorded)
        raise SyntheticPoolError(
            f"the pool {pool_id!r} already holds {len(stale)} synthetic assessments of seed "
            f"{seed} that this run would not produce: they were generated for another day or "
            "another number of organisations. Generate again with the same number of "
            f"organisations and the same day as then (on or after {latest:%Y-%m-%d}, the "
            "latest of them), or choose another seed."
        )


def synthetic_pool_summary(pool_id: str, seed: int) -> SyntheticPoolSummary:
    """The recorded synthetic organisations of one pool and seed (three queries)."""
    rows = ReferenceAssessment.objects.filter(
        pool_id=pool_id,
        source=ReferenceSource.SYNTHETIC,
        external_key__startswith=external_key_prefix(pool_id, seed),
    )
    latest = list(rows.filter(is_latest=True).values_list("country", "sector"))
    per_organisation = Counter(rows.values_list("external_key", flat=True))
    span = rows.aggregate(first=Min("assessed_on"), last=Max("assessed_on"))
    return SyntheticPoolSummary(
        organisations=len(per_organisation),
        assessments=sum(per_organisation.values()),
        several_cycles=sum(1 for count in per_organisation.values() if count > 1),
        countries=len({country for country, _ in latest}),
        sectors=len({sector for _, sector in latest}),
        first=span["first"],
        last=span["last"],
    )


# --- the generator (no database) --------------------------------------------------------------


@dataclass(frozen=True)
class _Organisation:
    number: int
    country: str
    sector: str
    founding_year: int
    committed_members: int
    assessed_on: tuple[date, ...]  # oldest first
    rows: tuple[int, ...]  # the rows of the value matrix, in the same order


def synthetic_pool_entries(
    *, scheme_version: SchemeVersion, organisations: int, seed: int, today: date
) -> list[AssessmentEntry]:
    """The synthetic assessments (oldest cycle of each organisation first), not recorded.

    Raises :class:`SyntheticPoolError` when ``today`` leaves no room for assessments.
    """
    if today <= FIRST_ASSESSMENT:
        raise SyntheticPoolError(
            f"assessments start in {FIRST_ASSESSMENT:%Y}: the day to generate up to must be "
            f"after {FIRST_ASSESSMENT:%Y-%m-%d}, not {today:%Y-%m-%d}"
        )
    scheme = scheme_version.scheme
    pool_id = scheme.pool_id
    rng = np.random.default_rng(seed)
    maturity, generated = _organisations(rng, organisations, today)
    row_organisation = np.array(
        [position for position, o in enumerate(generated) for _ in o.rows], dtype=np.int64
    )
    row_maturity = np.concatenate(maturity)
    values = _values(rng, scheme, row_organisation, row_maturity)
    width = max(4, len(str(organisations)))
    entries = []
    for organisation in generated:
        number = f"{organisation.number:0{width}d}"
        latest = organisation.assessed_on[-1]
        for day, row in zip(organisation.assessed_on, organisation.rows, strict=True):
            # Clusters grow: a member count from years before the latest assessment is smaller.
            years_before = (latest - day).days / 365.25
            committed = max(
                5, round(organisation.committed_members * math.exp(-0.06 * years_before))
            )
            entries.append(
                AssessmentEntry(
                    scheme_version=scheme_version,
                    assessed_on=day,
                    values=values[row],
                    name=f"Synthetic cluster {number} ({organisation.country})",
                    external_key=f"{external_key_prefix(pool_id, seed)}{number}",
                    sector=organisation.sector,
                    country=organisation.country,
                    founding_year=organisation.founding_year,
                    committed_members=committed,
                    source=ReferenceSource.SYNTHETIC,
                )
            )
    return entries


def allocate(weights: Sequence[float], total: int) -> list[int]:
    """Counts proportional to ``weights`` that add up to ``total`` (largest remainders).

    A weight whose proportional count is at least one half gets at least one, so a rare label
    is not lost to rounding; a label too rare for a pool of this size gets none.
    """
    shares = np.asarray(weights, dtype=np.float64)
    exact = shares / shares.sum() * total
    counts = np.floor(exact).astype(np.int64)
    counts = np.where(exact >= 0.5, np.maximum(counts, 1), counts)
    remainders = np.argsort(-(exact - np.floor(exact)), kind="stable")
    for position in range(max(0, total - int(counts.sum()))):
        counts[remainders[position % len(counts)]] += 1
    while counts.sum() > total:
        counts[int(np.argmax(counts))] -= 1
    return [int(count) for count in counts]


def _spread(rng: np.random.Generator, weights: dict[str, int], total: int) -> list[str]:
    labels = np.repeat(np.array(list(weights)), allocate(list(weights.values()), total))
    return [str(label) for label in rng.permutation(labels)]


def _organisations(
    rng: np.random.Generator, count: int, today: date
) -> tuple[list[npt.NDArray[np.float64]], list[_Organisation]]:
    """Attributes, dates and the maturity of every cycle, drawn column by column."""
    countries = _spread(rng, COUNTRY_WEIGHTS, count)
    sectors = _spread(rng, SECTOR_WEIGHTS, count)
    oldest_age = max(1, today.year - FIRST_FOUNDING_YEAR)
    # More young organisations than old ones: ages 1..oldest, mode about 6 years.
    ages = np.clip(np.rint(1 + rng.gamma(1.8, 6.0, count)), 1, oldest_age).astype(np.int64)
    members = np.rint(np.exp(rng.normal(math.log(_MEDIAN_MEMBERS), _MEMBERS_SPREAD, count))).astype(
        np.int64
    )
    members = np.clip(members, 20, 600)
    size_score = (np.log(members) - math.log(_MEDIAN_MEMBERS)) / _MEMBERS_SPREAD
    age_score = (ages - 12.0) / 9.0
    own = rng.standard_normal(count)
    latest_maturity = (0.4 * size_score + 0.3 * age_score + 0.85 * own) / math.hypot(0.4, 0.3, 0.85)
    cycles = rng.choice(np.arange(1, len(CYCLE_SHARES) + 1), size=count, p=CYCLE_SHARES)
    gap_months = rng.integers(24, 37, size=(count, len(CYCLE_SHARES) - 1))
    gap_jitter = rng.integers(-20, 21, size=(count, len(CYCLE_SHARES) - 1))
    placement = rng.random(count)
    # Usually a little better each cycle, sometimes worse.
    improvement = rng.normal(0.3, 0.3, size=(count, len(CYCLE_SHARES) - 1))

    generated: list[_Organisation] = []
    maturity: list[npt.NDArray[np.float64]] = []
    next_row = 0
    for index in range(count):
        founding_year = today.year - int(ages[index])
        earliest = max(FIRST_ASSESSMENT, date(founding_year + 1, 1, 1))
        gaps = [
            round(int(months) * 30.44) + int(jitter)
            for months, jitter in zip(gap_months[index], gap_jitter[index], strict=True)
        ]
        cycle_count = int(cycles[index])
        while cycle_count > 1 and earliest + timedelta(days=sum(gaps[: cycle_count - 1])) > today:
            cycle_count -= 1
        span = sum(gaps[: cycle_count - 1])
        start = earliest + timedelta(days=span)
        # Recent assessments are more frequent than old ones (the square root skews late).
        latest = start + timedelta(days=int((today - start).days * math.sqrt(placement[index])))
        days = [latest]
        levels = [float(latest_maturity[index])]
        for step in range(cycle_count - 1):
            days.append(days[-1] - timedelta(days=gaps[step]))
            levels.append(levels[-1] - float(improvement[index, step]))
        rows = tuple(range(next_row, next_row + cycle_count))
        next_row += cycle_count
        generated.append(
            _Organisation(
                number=index + 1,
                country=countries[index],
                sector=sectors[index],
                founding_year=founding_year,
                committed_members=int(members[index]),
                assessed_on=tuple(reversed(days)),
                rows=rows,
            )
        )
        maturity.append(np.array(levels[::-1], dtype=np.float64))
    return maturity, generated


def _values(
    rng: np.random.Generator,
    scheme: Scheme,
    row_organisation: npt.NDArray[np.int64],
    row_maturity: npt.NDArray[np.float64],
) -> list[dict[str, IndicatorValue]]:
    """One value per row and indicator from the latent scale.

    ``position`` is how far above the indicator's threshold a row lies on the latent scale
    (>= 0 meets it): maturity, plus a per-organisation category effect (categories correlate),
    plus a lasting per-organisation indicator effect (cycles of one organisation resemble
    each other), plus noise.
    """
    indicators = scheme.indicators
    categories = [category.id for category in scheme.categories]
    category_index = np.array([categories.index(i.category) for i in indicators])
    organisations = int(row_organisation.max()) + 1 if len(row_organisation) else 0
    rows = len(row_organisation)
    category_effect = rng.standard_normal((organisations, len(categories)))
    lasting = rng.standard_normal((organisations, len(indicators)))
    noise = rng.standard_normal((rows, len(indicators)))
    difficulty = rng.normal(_DIFFICULTY, 0.35, len(indicators))
    missing = rng.random((rows, len(indicators))) < MISSING_SHARE
    latent = (
        _MATURITY_WEIGHT * row_maturity[:, None]
        + _CATEGORY_WEIGHT * category_effect[row_organisation][:, category_index]
        + _INDICATOR_WEIGHT * (0.8 * lasting[row_organisation] + 0.6 * noise)
    )
    position = latent - difficulty
    result: list[dict[str, IndicatorValue]] = [{} for _ in range(rows)]
    for column, indicator in enumerate(indicators):
        values = _column(indicator, position[:, column])
        for row in range(rows):
            result[row][indicator.id] = None if missing[row, column] else values[row]
    return result


def _column(indicator: Indicator, position: npt.NDArray[np.float64]) -> list[IndicatorValue]:
    if indicator.type == "boolean":
        meets = bool(indicator.threshold)
        return [meets if above else not meets for above in (position >= 0).tolist()]
    if indicator.type == "choice":
        choices = indicator.choice_ids
        ranks = np.clip(
            indicator.choice_rank(str(indicator.threshold)) + np.floor(position),
            0,
            len(choices) - 1,
        ).astype(np.int64)
        return [choices[rank] for rank in ranks.tolist()]
    better = 1.0 if indicator.direction == "higher" else -1.0
    threshold = float(indicator.threshold)
    low, high = indicator.bounds()
    if indicator.type == "percent":
        share = min(max(threshold / 100, 0.02), 0.98)
        logit = math.log(share / (1 - share)) + better * _LOGIT_SLOPE * position
        raw = 100 / (1 + np.exp(-logit))
    elif threshold <= 0 or (low is not None and low < 0):
        # Changes that can be negative (growth in %) spread around the threshold linearly.
        raw = threshold + better * max(abs(threshold), 5.0) * 0.8 * position
    else:
        raw = threshold * np.exp(better * _LOG_SLOPE * position)
    step = _step(indicator)
    return [_decimal(value, step, low, high) for value in raw.tolist()]


def _step(indicator: Indicator) -> Decimal:
    """The precision real values of the indicator have, read from its type and unit."""
    if indicator.type == "percent":
        return Decimal("0.1")
    unit = indicator.unit.en if indicator.unit is not None else ""
    words = unit.replace("%", " % ").split()
    if "EUR" in words or "€" in unit:
        return Decimal(1)
    if "FTE" in words and "per" not in words:
        return Decimal("0.25")
    if "per" in words or "%" in words:
        return Decimal("0.1")
    limits = [indicator.threshold, indicator.min, indicator.max]
    if any(isinstance(n, Decimal) and n != n.to_integral_value() for n in limits):
        return Decimal("0.1")
    return Decimal(1)


def _decimal(value: float, step: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if step == 1 and value >= 10_000:
        step = Decimal(100)  # budgets and volumes are reported rounded, not to the euro
    number = (Decimal(repr(value)) / step).to_integral_value() * step
    if low is not None:
        number = max(number, low)
    if high is not None:
        number = min(number, high)
    if number == number.to_integral_value():
        return Decimal(int(number))
    return number.normalize()
