"""Benchmarking statistics: where an organisation stands against the reference pool.

Pure Python and NumPy, no Django: the benchmarks app builds a :class:`Pool` from the latest
completed assessment per organisation of one scheme and asks this module the questions.

The reference pool
    One row per organisation (:class:`PoolRow`): an opaque key, the attributes peers are grouped
    by (sector, country, founding year, committed members), the indicator values encoded as
    numbers (booleans as 0/1, choices as their rank, worst = 0; see :meth:`IndicatorSpec.encode`)
    and the category and overall score percentages. :meth:`Pool.from_rows` builds, once, a
    ``organisations x indicators`` float array (NaN = missing) plus integer-coded attribute
    arrays; every query afterwards is a handful of vectorised NumPy operations over columns.

Definitions (the guarantees the results give)
    *Comparison group*: the organisations of the chosen peer group **other than** the
    organisation itself. It is never part of its own comparison: not counted in ``n``, not in the
    distribution, not in its percentile rank.

    *Percentile rank* (:func:`percentile_rank`): over the ``n`` organisations of the comparison
    group that have a value, ``100 * (worse + ties / 2) / n`` where *worse* counts values worse
    than the organisation's (smaller for ``higher``, larger for ``lower`` indicators) and *ties*
    counts equal values. It lies in ``[0, 100]``, is 50 when everybody ties, and never falls
    when the organisation's value gets better.

    *Distribution*: quantiles of the raw values, ascending whatever the direction (for a
    ``lower`` indicator ``q1`` is the better quarter), with NumPy's default ``linear`` method
    (Hyndman & Fan type 7: position ``(n - 1) * p`` in the sorted values, interpolated between
    the two neighbours). Missing values are left out; ``n`` counts only present values.

    *Gap*: how far the value still is from the excellence threshold, signed so that positive
    means "still to go" (``threshold - value`` for ``higher``, ``value - threshold`` for
    ``lower``) and 0 when the threshold is met; ``None`` when the value is missing. *Met* uses
    the scoring rule of ``docs/scheme-format.md`` (``>=`` resp. ``<=``; for booleans and
    choices encoded as below this is equality resp. "the same or a later choice").

Peer groups and bands
    :class:`PeerGroup`: all organisations, same sector, same country, same age band, same size
    band. Sector and country are compared exactly as given (the caller normalises them, e.g.
    ISO 3166-1 codes). Age bands (years since founding, counted to the pool's
    ``reference_year``): under 3, 3-9, 10-19, 20 and more. Size bands (committed members):
    under 25, 25-74, 75-149, 150 and more. An unknown attribute puts the organisation in no
    band; a founding year after the reference year counts as unknown.

Privacy (DOMAIN.md point 6: small peer groups never reveal another organisation's values)
    1. No statistic is computed over fewer than :data:`MIN_OTHERS` (5) other organisations.
       The requested peer group needs at least 5 others, or the report falls back to *all
       organisations* (the only fallback step; ``fell_back`` and ``fallback_reason`` say so).
       If the whole pool has fewer than 5 others, the report carries no statistics at all
       (``statistics_withheld``). Inside the group used, an indicator (or score) that fewer
       than 5 others have a value for is withheld on its own (``withheld``); the report does
       not switch groups per indicator, so every figure on one page describes the same group.
    2. No result holds another organisation's key, and no result holds an individual value in
       a way that can be tied to an organisation.
    3. Raw minimum and maximum are never reported. They are, by definition, one organisation's
       exact value, and the leader or the laggard of a small peer group is usually known by
       name. The whiskers are the 10th and 90th percentiles instead, and only when at least
       :data:`MIN_OTHERS_FOR_WHISKERS` (10) others have a value: with fewer, the five
       statistics would be five linear equations in five or six unknown values and could be
       solved for all of them (with 5 values, ``p10 = 0.6 v0 + 0.4 v1`` and ``q1 = v1``). With
       ``n >= 10`` the 10th percentile puts weight <= 0.1 on the lowest value and involves a
       second value that no other statistic involves, so the extremes can neither be read nor
       solved for; the same holds for the quartiles (position ``>= 1`` from either end). The
       quartiles and the median of a group of 5-9 are middle order statistics (with 5 values
       ``q1``, ``median`` and ``q3`` are exactly the 2nd, 3rd and 4th); that is accepted, as it
       is for any published median: nothing says whose they are.
    Residual risk, not handled here: someone who can see reports before and after one
    organisation joins a small group may learn something by differencing; the benchmarks app
    should not let users pick arbitrary sub-pools.

Recommendations, cycle comparison and the pool-level views for programme owners are further
down: :func:`recommendations`, :func:`compare_cycles`, :func:`pool_overview`,
:func:`pool_over_time`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "AGE_BANDS",
    "MIN_OTHERS",
    "MIN_OTHERS_FOR_WHISKERS",
    "SIZE_BANDS",
    "Change",
    "CycleComparison",
    "Direction",
    "Distribution",
    "FallbackReason",
    "IndicatorChange",
    "IndicatorKind",
    "IndicatorResult",
    "IndicatorSpec",
    "OrganisationReport",
    "PeerGroup",
    "Pool",
    "PoolIndicatorSummary",
    "PoolOverview",
    "PoolRow",
    "PoolScoreSummary",
    "Recommendation",
    "ScoreChange",
    "ScoreResult",
    "WithheldReason",
    "YearSummary",
    "YearValue",
    "age_band",
    "compare_cycles",
    "organisation_report",
    "percentile_rank",
    "pool_over_time",
    "pool_overview",
    "recommendations",
    "size_band",
]

OrganisationKey: TypeAlias = Hashable
"""An organisation's opaque identifier (primary key, UUID); only compared for equality."""

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

MIN_OTHERS = 5
"""No statistic is computed over fewer than this many other organisations."""

MIN_OTHERS_FOR_WHISKERS = 10
"""The 10th/90th percentiles are reported only over at least this many values."""

AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under-3", 0, 3),
    ("3-9", 3, 10),
    ("10-19", 10, 20),
    ("20-plus", 20, None),
)
"""Age bands as ``(id, from_years, until_years_exclusive)``; the last band is open."""

SIZE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under-25", 0, 25),
    ("25-74", 25, 75),
    ("75-149", 75, 150),
    ("150-plus", 150, None),
)
"""Size bands by committed members as ``(id, from, until_exclusive)``; the last band is open."""

_QUANTILE_PROBABILITIES = np.array([0.10, 0.25, 0.50, 0.75, 0.90])


# --------------------------------------------------------------------------------------------
# Vocabulary


class Direction(StrEnum):
    """Which way an indicator's value is better."""

    HIGHER = "higher"
    LOWER = "lower"


class IndicatorKind(StrEnum):
    """The indicator types of the scheme format."""

    NUMBER = "number"
    PERCENT = "percent"
    BOOLEAN = "boolean"
    CHOICE = "choice"


class PeerGroup(StrEnum):
    """The comparison groups a user can choose."""

    ALL = "all"
    SECTOR = "sector"
    COUNTRY = "country"
    AGE_BAND = "age_band"
    SIZE_BAND = "size_band"


class FallbackReason(StrEnum):
    """Why a report uses *all organisations* instead of the requested peer group."""

    PEER_GROUP_TOO_SMALL = "peer_group_too_small"
    """The requested peer group has fewer than :data:`MIN_OTHERS` other organisations."""
    ATTRIBUTE_UNKNOWN = "attribute_unknown"
    """The organisation's own sector / country / age / size is not known."""


class WithheldReason(StrEnum):
    """Why statistics are missing from a result (codes; the user interface words them)."""

    POOL_TOO_SMALL = "pool_too_small"
    """Even the whole pool has fewer than :data:`MIN_OTHERS` other organisations."""
    TOO_FEW_VALUES = "too_few_values"
    """Fewer than :data:`MIN_OTHERS` organisations of the group have a value for it."""


class Change(StrEnum):
    """How one indicator or score moved between two assessment cycles."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DECLINED = "declined"
    NOT_COMPARABLE = "not_comparable"
    """The value is missing in one of the two cycles."""


def age_band(founding_year: int | None, reference_year: int) -> str | None:
    """The id of the age band (see :data:`AGE_BANDS`) for an organisation founded then.

    ``None`` when the founding year is unknown or lies after ``reference_year``.
    """
    if founding_year is None or founding_year > reference_year:
        return None
    return _band(reference_year - founding_year, AGE_BANDS)


def size_band(committed_members: int | None) -> str | None:
    """The id of the size band (see :data:`SIZE_BANDS`); ``None`` when unknown or negative."""
    if committed_members is None or committed_members < 0:
        return None
    return _band(committed_members, SIZE_BANDS)


def _band(value: int, bands: Sequence[tuple[str, int, int | None]]) -> str:
    for band_id, lower, upper in bands:
        if value >= lower and (upper is None or value < upper):
            return band_id
    raise AssertionError(f"bands do not cover {value}")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class IndicatorSpec:
    """What the statistics need to know about one indicator of the scheme.

    ``threshold`` is the excellence value in the numeric encoding of :meth:`encode`.
    Use :meth:`boolean` and :meth:`choice` to build boolean and choice indicators; they set
    the encoding so that "better" and "meets the threshold" follow the scoring rules.
    ``points`` are the points the indicator earns when its threshold is met.
    """

    id: str
    category: str
    threshold: float
    points: float
    direction: Direction = Direction.HIGHER
    kind: IndicatorKind = IndicatorKind.NUMBER
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", Direction(self.direction))
        object.__setattr__(self, "kind", IndicatorKind(self.kind))
        object.__setattr__(self, "threshold", float(self.threshold))
        object.__setattr__(self, "points", float(self.points))
        if not math.isfinite(self.threshold):
            raise ValueError(f"indicator {self.id}: threshold must be a finite number")
        if self.points < 0:
            raise ValueError(f"indicator {self.id}: points must not be negative")
        if self.kind is IndicatorKind.CHOICE and not self.choices:
            raise ValueError(f"indicator {self.id}: a choice indicator needs its choices")

    @classmethod
    def boolean(cls, id: str, category: str, *, threshold: bool, points: float) -> IndicatorSpec:
        """A boolean indicator: values 0/1, the threshold value is the better one.

        The scheme format meets a boolean threshold by equality; with ``threshold: true`` that
        is ``value >= 1`` (direction ``higher``), with ``threshold: false`` ``value <= 0``
        (direction ``lower``), so the generic rule applies unchanged.
        """
        return cls(
            id=id,
            category=category,
            threshold=1.0 if threshold else 0.0,
            points=points,
            direction=Direction.HIGHER if threshold else Direction.LOWER,
            kind=IndicatorKind.BOOLEAN,
        )

    @classmethod
    def choice(
        cls, id: str, category: str, *, choices: Sequence[str], threshold: str, points: float
    ) -> IndicatorSpec:
        """A choice indicator; ``choices`` ordered worst -> best, encoded by their rank."""
        choices = tuple(choices)
        if threshold not in choices:
            raise ValueError(f"indicator {id}: threshold {threshold!r} is not one of its choices")
        return cls(
            id=id,
            category=category,
            threshold=float(choices.index(threshold)),
            points=points,
            kind=IndicatorKind.CHOICE,
            choices=choices,
        )

    def encode(self, value: float | int | bool | str | Decimal | None) -> float | None:
        """The number the statistics use for a raw value (``None`` stays missing).

        Booleans become 1.0/0.0, choice ids their rank (worst = 0), numbers floats.
        """
        if value is None:
            return None
        if self.kind is IndicatorKind.CHOICE:
            if isinstance(value, str):
                if value not in self.choices:
                    raise ValueError(f"indicator {self.id}: unknown choice {value!r}")
                return float(self.choices.index(value))
            return float(value)
        if isinstance(value, str):
            raise ValueError(f"indicator {self.id}: expected a number, got {value!r}")
        return float(value)

    def is_met(self, value: float) -> bool:
        """Whether an (encoded, present) value meets the threshold."""
        if self.direction is Direction.HIGHER:
            return value >= self.threshold
        return value <= self.threshold

    def gap(self, value: float) -> float:
        """How far an (encoded, present) value is from the threshold; 0 when it is met."""
        if self.direction is Direction.HIGHER:
            return max(self.threshold - value, 0.0)
        return max(value - self.threshold, 0.0)


@dataclass(frozen=True)
class PoolRow:
    """One organisation's latest completed assessment of the scheme, as the pool needs it.

    ``values`` maps indicator ids to encoded values (see :meth:`IndicatorSpec.encode`;
    ``None`` or NaN = missing). ``category_scores`` maps category ids to the score in percent of
    the category's maximum, ``overall_score`` is the overall percentage. ``assessment_year`` is
    needed only by :func:`pool_over_time`.
    """

    organisation: OrganisationKey
    values: Mapping[str, float | None]
    category_scores: Mapping[str, float | Decimal | None] = field(default_factory=dict)
    overall_score: float | Decimal | None = None
    sector: str | None = None
    country: str | None = None
    founding_year: int | None = None
    committed_members: int | None = None
    assessment_year: int | None = None


class Pool:
    """The reference pool of one scheme, built once and queried many times.

    Holds read-only NumPy arrays: ``values`` (organisations x indicators), ``scores``
    (organisations x (categories + overall), overall last), integer attribute codes (-1 =
    unknown) and the assessment years. Build it with :meth:`from_rows`.
    """

    __slots__ = (
        "_attribute_codes",
        "_index",
        "assessment_years",
        "categories",
        "indicators",
        "one_row_per_organisation",
        "reference_year",
        "scores",
        "values",
    )

    def __init__(
        self,
        *,
        indicators: tuple[IndicatorSpec, ...],
        categories: tuple[str, ...],
        keys: Sequence[OrganisationKey],
        values: FloatArray,
        scores: FloatArray,
        attribute_codes: Mapping[PeerGroup, npt.NDArray[np.int64]],
        assessment_years: npt.NDArray[np.int64],
        reference_year: int,
    ) -> None:
        self.indicators = indicators
        self.categories = categories
        self.values = _read_only(values)
        self.scores = _read_only(scores)
        self._attribute_codes = {group: _read_only(c) for group, c in attribute_codes.items()}
        self.assessment_years = _read_only(assessment_years)
        self.reference_year = reference_year
        index: dict[OrganisationKey, int] = {}
        for position, key in enumerate(keys):
            index.setdefault(key, position)
        self._index = index
        self.one_row_per_organisation = len(index) == len(keys)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[PoolRow],
        indicators: Sequence[IndicatorSpec],
        *,
        reference_year: int,
        categories: Sequence[str] | None = None,
    ) -> Pool:
        """Build the pool; raises ``ValueError`` on input that would make statistics wrong.

        Refused: an indicator or category id the scheme does not have, a value that is not a
        finite number (NaN counts as missing), a boolean other than 0/1, a choice rank outside
        the choices, and the same organisation twice in one assessment year (numeric strings
        are converted as ``float()`` would; pass numbers). The same
        organisation in several years is allowed (a history pool for :func:`pool_over_time`),
        but :func:`organisation_report` needs one row per organisation.
        ``categories`` defaults to the indicators' categories in catalogue order.
        """
        indicators = tuple(indicators)
        indicator_ids = [spec.id for spec in indicators]
        if len(set(indicator_ids)) != len(indicator_ids):
            raise ValueError("indicator ids must be unique")
        if categories is None:
            categories = tuple(dict.fromkeys(spec.category for spec in indicators))
        categories = tuple(categories)
        known_indicators = set(indicator_ids)
        known_categories = set(categories)

        rows = list(rows)
        keys: list[OrganisationKey] = []
        value_lists: list[list[float | None]] = []
        score_lists: list[list[float | Decimal | None]] = []
        years: list[int] = []
        seen: set[tuple[OrganisationKey, int | None]] = set()
        sectors: list[str | None] = []
        countries: list[str | None] = []
        ages: list[str | None] = []
        sizes: list[str | None] = []
        for row in rows:
            unknown = set(row.values) - known_indicators
            if unknown:
                raise ValueError(f"unknown indicator ids {sorted(unknown)} in a pool row")
            unknown = set(row.category_scores) - known_categories
            if unknown:
                raise ValueError(f"unknown category ids {sorted(unknown)} in a pool row")
            if (row.organisation, row.assessment_year) in seen:
                raise ValueError("the same organisation appears twice for one assessment year")
            seen.add((row.organisation, row.assessment_year))
            keys.append(row.organisation)
            value_lists.append([row.values.get(i) for i in indicator_ids])
            score_lists.append(
                [row.category_scores.get(c) for c in categories] + [row.overall_score]
            )
            years.append(-1 if row.assessment_year is None else row.assessment_year)
            sectors.append(row.sector)
            countries.append(row.country)
            ages.append(age_band(row.founding_year, reference_year))
            sizes.append(size_band(row.committed_members))

        shape_values = (len(rows), len(indicators))
        shape_scores = (len(rows), len(categories) + 1)
        values = _to_float_matrix(value_lists, shape_values)
        scores = _to_float_matrix(score_lists, shape_scores)
        if np.isinf(values).any() or np.isinf(scores).any():
            raise ValueError("pool values must be finite numbers")
        for column, spec in enumerate(indicators):
            _check_encoding(spec, values[:, column])

        return cls(
            indicators=indicators,
            categories=categories,
            keys=keys,
            values=values,
            scores=scores,
            attribute_codes={
                PeerGroup.SECTOR: _factorise(sectors),
                PeerGroup.COUNTRY: _factorise(countries),
                PeerGroup.AGE_BAND: _factorise(ages),
                PeerGroup.SIZE_BAND: _factorise(sizes),
            },
            assessment_years=np.asarray(years, dtype=np.int64),
            reference_year=reference_year,
        )

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __contains__(self, organisation: object) -> bool:
        return organisation in self._index


def _read_only(array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    array.setflags(write=False)
    return array


def _to_float_matrix(
    rows: list[list[float | Decimal | None]], shape: tuple[int, int]
) -> FloatArray:
    if shape[0] == 0:
        return np.empty(shape, dtype=np.float64)
    try:
        # None becomes NaN; Decimal and bool become floats.
        return np.array(rows, dtype=np.float64).reshape(shape)
    except (TypeError, ValueError) as error:
        raise ValueError(f"pool values must be numbers: {error}") from None


def _check_encoding(spec: IndicatorSpec, column: FloatArray) -> None:
    present = column[~np.isnan(column)]
    if spec.kind is IndicatorKind.BOOLEAN and not np.isin(present, (0.0, 1.0)).all():
        raise ValueError(f"indicator {spec.id}: boolean values must be 0 or 1")
    if spec.kind is IndicatorKind.CHOICE:
        valid = (present == np.round(present)) & (present >= 0) & (present < len(spec.choices))
        if not valid.all():
            raise ValueError(f"indicator {spec.id}: choice values must be ranks of its choices")


def _factorise(labels: Sequence[str | None]) -> npt.NDArray[np.int64]:
    codes: dict[str, int] = {}
    return np.fromiter(
        (-1 if label is None else codes.setdefault(label, len(codes)) for label in labels),
        dtype=np.int64,
        count=len(labels),
    )


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Distribution:
    """Summary of the values of a comparison group; never its minimum or maximum.

    ``n`` is the number of organisations with a value (>= :data:`MIN_OTHERS`). Quantiles use
    NumPy's ``linear`` method over the raw values, ascending. ``p10`` / ``p90`` replace the
    raw minimum and maximum and are ``None`` below :data:`MIN_OTHERS_FOR_WHISKERS` values (see
    the module docstring for why).
    """

    n: int
    p10: float | None
    q1: float
    median: float
    q3: float
    p90: float | None


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of an organisation's report.

    The organisation's own ``value``, ``gap`` and ``met`` are always there (``value`` and
    ``gap`` ``None`` when it has no value; a missing value does not meet the threshold).
    ``percentile_rank`` and ``distribution`` are ``None`` when ``withheld`` gives a reason;
    ``percentile_rank`` alone is ``None`` when only the organisation's own value is missing.
    """

    indicator_id: str
    category: str
    direction: Direction
    value: float | None
    threshold: float
    gap: float | None
    met: bool
    percentile_rank: float | None
    distribution: Distribution | None
    withheld: WithheldReason | None


@dataclass(frozen=True)
class ScoreResult:
    """A category score (``category`` set) or the overall score (``category`` ``None``).

    Scores are percentages of the maximum; higher is better. Same rules as
    :class:`IndicatorResult`.
    """

    category: str | None
    score: float | None
    percentile_rank: float | None
    distribution: Distribution | None
    withheld: WithheldReason | None


@dataclass(frozen=True)
class Recommendation:
    """An indicator below its threshold, with what meeting it would bring.

    ``points_at_stake`` = the indicator's points minus the points it already earns.
    ``relative_gap`` = ``gap / |threshold|`` (``gap`` itself when the threshold is 0);
    both ``None`` when the value is missing.
    """

    indicator_id: str
    category: str
    points_at_stake: float
    value: float | None
    threshold: float
    gap: float | None
    relative_gap: float | None


@dataclass(frozen=True)
class OrganisationReport:
    """Where one organisation stands, against one comparison group.

    ``used_group`` is the group the statistics describe (``None`` when there are none);
    ``fell_back`` is true when it differs from ``requested_group``, with ``fallback_reason``.
    ``group_size`` is the number of *other* organisations in ``used_group``.
    ``statistics_withheld`` is set when no statistics could be given at all. The report never
    holds another organisation's key or an individual value of another organisation.
    """

    organisation: OrganisationKey
    requested_group: PeerGroup
    used_group: PeerGroup | None
    fell_back: bool
    fallback_reason: FallbackReason | None
    group_size: int | None
    statistics_withheld: WithheldReason | None
    indicators: tuple[IndicatorResult, ...]
    categories: tuple[ScoreResult, ...]
    overall: ScoreResult
    recommendations: tuple[Recommendation, ...]


# --------------------------------------------------------------------------------------------
# Column statistics (vectorised)


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


# --------------------------------------------------------------------------------------------
# The organisation report


def organisation_report(
    pool: Pool,
    organisation: OrganisationKey,
    *,
    peer_group: PeerGroup = PeerGroup.ALL,
    earned_points: Mapping[str, float] | None = None,
) -> OrganisationReport:
    """Where ``organisation`` stands on every indicator, category and overall.

    Compares against the other organisations of ``peer_group`` (falling back to all
    organisations when that group has fewer than :data:`MIN_OTHERS` others or the
    organisation's own attribute is unknown), under the privacy rules of the module
    docstring. ``earned_points`` (indicator id -> points the organisation earns, from
    scoring) refines the recommendations' points at stake for partially met indicators.
    Raises ``KeyError`` when the organisation is not in the pool and ``ValueError`` when the
    pool holds several rows per organisation.
    """
    peer_group = PeerGroup(peer_group)
    if not pool.one_row_per_organisation:
        raise ValueError("an organisation report needs a pool with one row per organisation")
    position = pool._index[organisation]

    mask, used_group, fallback_reason = _comparison_group(pool, position, peer_group)
    others = int(mask.sum()) if mask is not None else None
    own_values = pool.values[position]
    own_scores = pool.scores[position]

    if mask is None:
        indicator_stats = score_stats = None
        indicator_ranks = score_ranks = None
        report_withheld: WithheldReason | None = WithheldReason.POOL_TOO_SMALL
    else:
        report_withheld = None
        group_values = pool.values[mask]
        group_scores = pool.scores[mask]
        signs = np.array(
            [1.0 if spec.direction is Direction.HIGHER else -1.0 for spec in pool.indicators]
        )
        indicator_stats = _column_stats(group_values)
        indicator_ranks = _percentile_ranks(group_values, own_values, signs)
        score_stats = _column_stats(group_scores)
        score_ranks = _percentile_ranks(group_scores, own_scores, np.ones(own_scores.shape))

    indicator_results = []
    for column, spec in enumerate(pool.indicators):
        value = _optional(own_values[column])
        rank, distribution, withheld = _column_result(
            indicator_stats, indicator_ranks, column, report_withheld
        )
        indicator_results.append(
            IndicatorResult(
                indicator_id=spec.id,
                category=spec.category,
                direction=spec.direction,
                value=value,
                threshold=spec.threshold,
                gap=None if value is None else spec.gap(value),
                met=value is not None and spec.is_met(value),
                percentile_rank=rank,
                distribution=distribution,
                withheld=withheld,
            )
        )

    score_results = []
    for column, category in enumerate((*pool.categories, None)):
        rank, distribution, withheld = _column_result(
            score_stats, score_ranks, column, report_withheld
        )
        score_results.append(
            ScoreResult(
                category=category,
                score=_optional(own_scores[column]),
                percentile_rank=rank,
                distribution=distribution,
                withheld=withheld,
            )
        )

    own = {spec.id: _optional(own_values[c]) for c, spec in enumerate(pool.indicators)}
    return OrganisationReport(
        organisation=organisation,
        requested_group=peer_group,
        used_group=used_group,
        fell_back=fallback_reason is not None,
        fallback_reason=fallback_reason,
        group_size=others,
        statistics_withheld=report_withheld,
        indicators=tuple(indicator_results),
        categories=tuple(score_results[:-1]),
        overall=score_results[-1],
        recommendations=recommendations(own, pool.indicators, earned_points=earned_points),
    )


def _comparison_group(
    pool: Pool, position: int, requested: PeerGroup
) -> tuple[BoolArray | None, PeerGroup | None, FallbackReason | None]:
    """The mask of the other organisations compared with, the group used, why it fell back."""
    fallback_reason: FallbackReason | None = None
    if requested is not PeerGroup.ALL:
        codes = pool._attribute_codes[requested]
        own_code = codes[position]
        if own_code < 0:
            fallback_reason = FallbackReason.ATTRIBUTE_UNKNOWN
        else:
            mask = codes == own_code
            mask[position] = False
            if int(mask.sum()) >= MIN_OTHERS:
                return mask, requested, None
            fallback_reason = FallbackReason.PEER_GROUP_TOO_SMALL
    mask = np.ones(len(pool), dtype=np.bool_)
    mask[position] = False
    if int(mask.sum()) >= MIN_OTHERS:
        return mask, PeerGroup.ALL, fallback_reason
    return None, None, fallback_reason


def _column_result(
    stats: _ColumnStats | None,
    ranks: FloatArray | None,
    column: int,
    report_withheld: WithheldReason | None,
) -> tuple[float | None, Distribution | None, WithheldReason | None]:
    if stats is None or ranks is None:
        return None, None, report_withheld
    if stats.n[column] < MIN_OTHERS:
        return None, None, WithheldReason.TOO_FEW_VALUES
    return _optional(ranks[column]), _distribution(stats, column), None


# --------------------------------------------------------------------------------------------
# Recommendations


def recommendations(
    values: Mapping[str, float | None],
    indicators: Sequence[IndicatorSpec],
    *,
    earned_points: Mapping[str, float] | None = None,
) -> tuple[Recommendation, ...]:
    """Every indicator not meeting its threshold, the most rewarding first.

    ``values`` are the organisation's encoded values (missing or ``None`` = not met).
    Ordered by points at stake (descending), then by relative gap (descending; a missing
    value counts as the largest gap), then catalogue order. Points at stake are the
    indicator's points minus ``earned_points[id]`` (default 0: no partial bands known).
    Holds only the organisation's own data; the user interface adds the indicator's help text.
    """
    earned_points = earned_points or {}
    found: list[tuple[tuple[float, float, int], Recommendation]] = []
    for order, spec in enumerate(indicators):
        value = values.get(spec.id)
        if value is not None and math.isnan(value):
            value = None
        if value is not None and spec.is_met(value):
            continue
        gap = None if value is None else spec.gap(value)
        relative_gap = None
        if gap is not None:
            relative_gap = gap / abs(spec.threshold) if spec.threshold else gap
        at_stake = max(spec.points - earned_points.get(spec.id, 0.0), 0.0)
        sort_key = (-at_stake, -(math.inf if relative_gap is None else relative_gap), order)
        found.append(
            (
                sort_key,
                Recommendation(
                    indicator_id=spec.id,
                    category=spec.category,
                    points_at_stake=at_stake,
                    value=value,
                    threshold=spec.threshold,
                    gap=gap,
                    relative_gap=relative_gap,
                ),
            )
        )
    found.sort(key=lambda item: item[0])
    return tuple(recommendation for _, recommendation in found)


# --------------------------------------------------------------------------------------------
# Cycle comparison


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator between the previous and the current assessment (encoded values)."""

    indicator_id: str
    category: str
    previous: float | None
    current: float | None
    change: Change


@dataclass(frozen=True)
class ScoreChange:
    """One category's score (percent of its maximum) between the two assessments."""

    category: str
    previous: float | Decimal | None
    current: float | Decimal | None
    change: Change


@dataclass(frozen=True)
class CycleComparison:
    """What changed since the previous assessment.

    ``improved_categories`` lists the categories whose score rose by more than the tolerance,
    in the order given; its length is what ECEI Silver's "improved in at least three areas"
    counts.
    """

    indicators: tuple[IndicatorChange, ...]
    categories: tuple[ScoreChange, ...]
    improved_categories: tuple[str, ...]

    @property
    def improved_category_count(self) -> int:
        return len(self.improved_categories)


def compare_cycles(
    previous_values: Mapping[str, float | None],
    current_values: Mapping[str, float | None],
    indicators: Sequence[IndicatorSpec],
    tolerance: float | Mapping[str, float] = 0.0,
    *,
    previous_category_scores: Mapping[str, float | Decimal | None] | None = None,
    current_category_scores: Mapping[str, float | Decimal | None] | None = None,
    category_tolerance: float | Decimal = 0,
) -> CycleComparison:
    """Per indicator and per category: improved, unchanged or declined.

    Values are encoded (:meth:`IndicatorSpec.encode`), so a boolean from false to true and a
    later choice count as improved for the usual "higher" encoding, and ``lower`` indicators
    improve when they fall. A change whose size is at most the tolerance is unchanged:
    ``tolerance`` is absolute, in the indicator's unit, one for all or per indicator id
    (missing ids: 0); booleans and choices always compare exactly. Category scores use
    ``category_tolerance`` in percentage points and are compared exactly when both are
    ``Decimal``. A value missing in either cycle is ``not_comparable``.
    """
    indicator_changes = []
    for spec in indicators:
        previous = _present(previous_values.get(spec.id))
        current = _present(current_values.get(spec.id))
        if spec.kind in (IndicatorKind.BOOLEAN, IndicatorKind.CHOICE):
            allowed = 0.0
        elif isinstance(tolerance, Mapping):
            allowed = float(tolerance.get(spec.id, 0.0))
        else:
            allowed = float(tolerance)
        sign = 1 if spec.direction is Direction.HIGHER else -1
        indicator_changes.append(
            IndicatorChange(
                indicator_id=spec.id,
                category=spec.category,
                previous=previous,
                current=current,
                change=_change(previous, current, allowed, sign),
            )
        )

    previous_scores = previous_category_scores or {}
    current_scores = current_category_scores or {}
    categories = tuple(dict.fromkeys([*previous_scores, *current_scores]))
    score_changes = []
    for category in categories:
        previous_score = _present(previous_scores.get(category))
        current_score = _present(current_scores.get(category))
        score_changes.append(
            ScoreChange(
                category=category,
                previous=previous_score,
                current=current_score,
                change=_change(previous_score, current_score, category_tolerance, 1),
            )
        )
    return CycleComparison(
        indicators=tuple(indicator_changes),
        categories=tuple(score_changes),
        improved_categories=tuple(
            change.category for change in score_changes if change.change is Change.IMPROVED
        ),
    )


def _present(value: float | Decimal | None) -> float | Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return None if value.is_nan() else value
    return None if math.isnan(value) else float(value)


def _change(
    previous: float | Decimal | None,
    current: float | Decimal | None,
    tolerance: float | Decimal,
    sign: int,
) -> Change:
    if previous is None or current is None:
        return Change.NOT_COMPARABLE
    if isinstance(previous, Decimal) and isinstance(current, Decimal):
        delta: float | Decimal = (current - previous) * sign
    else:
        delta = (float(current) - float(previous)) * sign
    if delta > tolerance:
        return Change.IMPROVED
    if delta < -tolerance:
        return Change.DECLINED
    return Change.UNCHANGED


# --------------------------------------------------------------------------------------------
# Pool-level views for programme owners


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
