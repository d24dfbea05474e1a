"""Cycle comparison: what changed between an organisation's previous and current assessment.

Public import path: :mod:`~clusterlabel.domain.benchmark`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from clusterlabel.domain.benchmark.pool import Direction, IndicatorKind, IndicatorSpec


class Change(StrEnum):
    """How one indicator or score moved between two assessment cycles."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DECLINED = "declined"
    NOT_COMPARABLE = "not_comparable"
    """The value is missing in one of the two cycles."""


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator between the previous and the current assessment (encoded values)."""

    indicator_id: str
    category: str
    previous: float | Decimal | None  # as the assessment holds it: a Decimal stays one
    current: float | Decimal | None
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
