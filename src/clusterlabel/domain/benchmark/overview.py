"""Pool-level benchmark views for programme owners: the whole pool, and the pool over time.

The same privacy rules as the organisation report apply (see :mod:`~clusterlabel.domain.benchmark`,
also the public import path for the names here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clusterlabel.domain.benchmark.pool import Direction, Pool, WithheldReason
from clusterlabel.domain.benchmark.statistics import (
    MIN_OTHERS,
    Distribution,
    _column_stats,
    _ColumnStats,
    _distribution,
)


@dataclass(frozen=True)
class PoolIndicatorSummary:
    """One indicator over the whole pool.

    ``n`` counts organisations with a value. ``distribution`` and ``share_meeting_threshold``
    (percent of ``n``) are ``None`` with ``withheld`` set when ``n`` < :data:`MIN_OTHERS`.
    """

    indicator_id: str
    category: str
    direction: Direction
    threshold: float
    n: int
    distribution: Distribution | None
    share_meeting_threshold: float | None
    withheld: WithheldReason | None


@dataclass(frozen=True)
class PoolScoreSummary:
    """A category score (``category`` set) or the overall score over the whole pool."""

    category: str | None
    n: int
    distribution: Distribution | None
    withheld: WithheldReason | None


@dataclass(frozen=True)
class PoolOverview:
    """Every indicator and score over the whole pool, under the same privacy rules."""

    organisations: int
    indicators: tuple[PoolIndicatorSummary, ...]
    categories: tuple[PoolScoreSummary, ...]
    overall: PoolScoreSummary


def pool_overview(pool: Pool) -> PoolOverview:
    """The distribution of every indicator and score over the whole pool.

    Meant for the reference pool (one row per organisation). There is no "own" organisation
    here, so the :data:`MIN_OTHERS` rule applies to the number of organisations with a value;
    the whiskers rule is the same as in reports.
    """
    indicator_stats = _column_stats(pool.values)
    thresholds = np.array([spec.threshold for spec in pool.indicators])
    higher = np.array([spec.direction is Direction.HIGHER for spec in pool.indicators])
    with np.errstate(invalid="ignore"):
        met = np.where(higher, pool.values >= thresholds, pool.values <= thresholds)
    met_counts = met.sum(axis=0)

    indicators = []
    for column, spec in enumerate(pool.indicators):
        n = int(indicator_stats.n[column])
        shown = n >= MIN_OTHERS
        indicators.append(
            PoolIndicatorSummary(
                indicator_id=spec.id,
                category=spec.category,
                direction=spec.direction,
                threshold=spec.threshold,
                n=n,
                distribution=_distribution(indicator_stats, column) if shown else None,
                share_meeting_threshold=100.0 * int(met_counts[column]) / n if shown else None,
                withheld=None if shown else WithheldReason.TOO_FEW_VALUES,
            )
        )

    score_stats = _column_stats(pool.scores)
    scores = []
    for column, category in enumerate((*pool.categories, None)):
        n = int(score_stats.n[column])
        shown = n >= MIN_OTHERS
        scores.append(
            PoolScoreSummary(
                category=category,
                n=n,
                distribution=_distribution(score_stats, column) if shown else None,
                withheld=None if shown else WithheldReason.TOO_FEW_VALUES,
            )
        )
    return PoolOverview(
        organisations=len(pool),
        indicators=tuple(indicators),
        categories=tuple(scores[:-1]),
        overall=scores[-1],
    )


@dataclass(frozen=True)
class YearValue:
    """The median of one indicator or score in one year; ``None`` below :data:`MIN_OTHERS`."""

    key: str
    n: int
    median: float | None


@dataclass(frozen=True)
class YearSummary:
    """The pool's assessments of one year: how many, and the medians."""

    year: int
    organisations: int
    indicators: tuple[YearValue, ...]
    categories: tuple[YearValue, ...]
    overall: YearValue


def pool_over_time(pool: Pool) -> tuple[YearSummary, ...]:
    """Per assessment year (ascending): number of organisations and median per indicator,
    category and overall.

    Meant for a history pool (one row per organisation and year, e.g. its latest completed
    assessment in that year); rows without ``assessment_year`` are left out. A median over
    fewer than :data:`MIN_OTHERS` values is withheld (``None``), the count is always given.
    """
    summaries = []
    years = pool.assessment_years
    for year in np.unique(years[years >= 0]):
        in_year = years == year
        indicator_stats = _column_stats(pool.values[in_year])
        score_stats = _column_stats(pool.scores[in_year])
        indicator_values = tuple(
            _year_value(spec.id, indicator_stats, column)
            for column, spec in enumerate(pool.indicators)
        )
        score_values = tuple(
            _year_value(category, score_stats, column)
            for column, category in enumerate((*pool.categories, "overall"))
        )
        summaries.append(
            YearSummary(
                year=int(year),
                organisations=int(in_year.sum()),
                indicators=indicator_values,
                categories=score_values[:-1],
                overall=score_values[-1],
            )
        )
    return tuple(summaries)


def _year_value(key: str, stats: _ColumnStats, column: int) -> YearValue:
    n = int(stats.n[column])
    median = float(stats.quantiles[2, column]) if n >= MIN_OTHERS else None
    return YearValue(key=key, n=n, median=median)
