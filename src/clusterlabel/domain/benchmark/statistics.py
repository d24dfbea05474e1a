"""Column statistics over a benchmark pool: quantiles and percentile ranks, vectorised.

Every column of a pool (an indicator, a category score, the overall score) is summarised at once
with NumPy, without warnings for missing values. :data:`MIN_OTHERS` and
:data:`MIN_OTHERS_FOR_WHISKERS` are the privacy thresholds every view applies (the reasons are
in the docstring of :mod:`~clusterlabel.domain.benchmark`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clusterlabel.domain.benchmark.pool import Direction, FloatArray

MIN_OTHERS = 5
"""No statistic is computed over fewer than this many other organisations."""

MIN_OTHERS_FOR_WHISKERS = 10
"""The 10th/90th percentiles are reported only over at least this many values."""

_QUANTILE_PROBABILITIES = np.array([0.10, 0.25, 0.50, 0.75, 0.90])


@dataclass(frozen=True)
class Distribution:
    """Summary of the values of a comparison group; never its minimum or maximum.

    ``n`` is the number of organisations with a value (>= :data:`MIN_OTHERS`). Quantiles use
    NumPy's ``linear`` method over the raw values, ascending. ``p10`` / ``p90`` replace the
    raw minimum and maximum and are ``None`` below :data:`MIN_OTHERS_FOR_WHISKERS` values (see
    the privacy rules in :mod:`~clusterlabel.domain.benchmark` for why).
    """

    n: int
    p10: float | None
    q1: float
    median: float
    q3: float
    p90: float | None

    @property
    def quantiles(self) -> tuple[float | None, float, float, float, float | None]:
        """``(p10, q1, median, q3, p90)``, the order every table and chart shows them in."""
        return (self.p10, self.q1, self.median, self.q3, self.p90)


@dataclass(frozen=True)
class _ColumnStats:
    n: npt.NDArray[np.int64]  # values present per column
    quantiles: FloatArray  # (5, columns): p10, q1, median, q3, p90; NaN where n == 0


def _column_stats(group: FloatArray) -> _ColumnStats:
    """Per-column counts and linear-interpolation quantiles, ignoring NaN, without warnings.

    Equivalent to ``np.nanquantile(group, p, axis=0)`` (method ``linear``) but vectorised over
    all columns at once: sort each column (NaN goes last), then index by each column's count.
    """
    columns = group.shape[1]
    n = (~np.isnan(group)).sum(axis=0)
    if group.shape[0] == 0:
        return _ColumnStats(n=n, quantiles=np.full((5, columns), np.nan))
    ordered = np.sort(group, axis=0)
    positions = np.maximum(n - 1, 0)[None, :] * _QUANTILE_PROBABILITIES[:, None]
    lower = np.floor(positions).astype(np.int64)
    upper = np.minimum(lower + 1, np.maximum(n - 1, 0)[None, :])
    fraction = positions - lower
    below = np.take_along_axis(ordered, lower, axis=0)
    above = np.take_along_axis(ordered, upper, axis=0)
    with np.errstate(invalid="ignore"):
        quantiles = below + fraction * (above - below)
    quantiles[:, n == 0] = np.nan
    return _ColumnStats(n=n, quantiles=quantiles)


def _percentile_ranks(group: FloatArray, own: FloatArray, signs: FloatArray) -> FloatArray:
    """Percentile rank of ``own[j]`` within column ``j`` of ``group`` (NaN where undefined).

    ``signs`` is +1 for ``higher`` and -1 for ``lower`` columns: multiplying by it turns
    every column into "higher is better".
    """
    goodness = group * signs
    own_goodness = own * signs
    present = ~np.isnan(group)
    worse = (goodness < own_goodness).sum(axis=0)
    ties = (goodness == own_goodness).sum(axis=0)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ranks = 100.0 * (worse + 0.5 * ties) / n
    ranks[(n == 0) | np.isnan(own)] = np.nan
    return ranks


def _distribution(stats: _ColumnStats, column: int) -> Distribution:
    n = int(stats.n[column])
    p10, q1, median, q3, p90 = (float(q) for q in stats.quantiles[:, column])
    whiskers = n >= MIN_OTHERS_FOR_WHISKERS
    return Distribution(
        n=n,
        p10=p10 if whiskers else None,
        q1=q1,
        median=median,
        q3=q3,
        p90=p90 if whiskers else None,
    )


def _optional(number: np.floating | float) -> float | None:
    as_float = float(number)
    return None if math.isnan(as_float) else as_float


def percentile_rank(
    value: float, others: Sequence[float] | FloatArray, direction: Direction = Direction.HIGHER
) -> float | None:
    """Percentile rank of ``value`` among ``others`` (missing values ignored), in [0, 100].

    ``100 * (worse + ties / 2) / n`` over the ``n`` present values of ``others``; "worse" is
    smaller for ``higher`` and larger for ``lower``. ``None`` when ``value`` is missing or no
    other value is present. This helper applies no minimum group size: callers showing the
    result to users go through :func:`organisation_report`, which does.
    """
    group = np.asarray(others, dtype=np.float64).reshape(-1, 1)
    sign = np.array([1.0 if Direction(direction) is Direction.HIGHER else -1.0])
    rank = _percentile_ranks(group, np.array([value], dtype=np.float64), sign)
    return _optional(rank[0])
