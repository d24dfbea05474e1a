"""The benchmark pool: its vocabulary, its inputs and the :class:`Pool` of NumPy arrays.

The vocabulary (directions, indicator kinds, peer groups and their bands), the inputs
(:class:`IndicatorSpec`, :class:`PoolRow`) and the :class:`Pool` every statistic is computed
over. The definitions and privacy rules these serve are in the docstring of
:mod:`~clusterlabel.domain.benchmark`, which is also the public import path for every name here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

OrganisationKey: TypeAlias = Hashable
"""An organisation's opaque identifier (primary key, UUID); only compared for equality."""

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

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


class WithheldReason(StrEnum):
    """Why statistics are missing from a result (codes; the user interface words them)."""

    POOL_TOO_SMALL = "pool_too_small"
    """Even the whole pool has fewer than :data:`MIN_OTHERS` other organisations."""
    TOO_FEW_VALUES = "too_few_values"
    """Fewer than :data:`MIN_OTHERS` organisations of the group have a value for it."""


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


_Array = TypeVar("_Array", bound=npt.NDArray[Any])


def _read_only(array: _Array) -> _Array:
    array.setflags(write=False)
    return array


def _to_float_matrix(
    rows: Sequence[Sequence[float | Decimal | None]], shape: tuple[int, int]
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
