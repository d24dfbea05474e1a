"""From a scheme and a scored assessment to what the benchmark statistics need.

The statistics (:mod:`~clusterlabel.domain.benchmark`) work on numbers; a scheme's indicators
are numbers, percentages, yes/no answers and ordered choices. This module maps one to the other
with the scoring rules of :mod:`~clusterlabel.domain.scoring`, so "meets the threshold" means the
same on a benchmark report as on the assessment:

* number and percent indicators keep their value and threshold; ``direction`` is the scheme's;
* a boolean is 1/0; its threshold is the value that earns the points;
* a choice is its rank in the scheme's worst-to-best order; its threshold is the rank of the
  threshold choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from clusterlabel.domain.benchmark.pool import Direction, IndicatorKind, IndicatorSpec
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.domain.scoring import AssessmentScore, IndicatorValue


def indicator_spec(indicator: Indicator) -> IndicatorSpec:
    """The statistics' view of one indicator."""
    if indicator.type == "boolean":
        return IndicatorSpec.boolean(
            indicator.id,
            indicator.category,
            threshold=bool(indicator.threshold),
            points=indicator.points,
        )
    if indicator.type == "choice":
        return IndicatorSpec.choice(
            indicator.id,
            indicator.category,
            choices=indicator.choice_ids,
            threshold=str(indicator.threshold),
            points=indicator.points,
        )
    return IndicatorSpec(
        id=indicator.id,
        category=indicator.category,
        threshold=float(indicator.threshold),
        points=indicator.points,
        direction=Direction(indicator.direction),
        kind=IndicatorKind(indicator.type),
    )


def indicator_specs(scheme: Scheme) -> tuple[IndicatorSpec, ...]:
    """Every indicator of ``scheme``, in catalogue order."""
    return tuple(indicator_spec(indicator) for indicator in scheme.indicators)


def encode_value(indicator: Indicator, value: IndicatorValue) -> float | None:
    """The number the statistics use for one value; ``None`` when missing or not a value of
    this indicator (an unknown choice, text in a number indicator)."""
    if value is None:
        return None
    if indicator.type == "boolean":
        return 1.0 if value is True else 0.0 if value is False else None
    if indicator.type == "choice":
        if not isinstance(value, str) or value not in indicator.choice_ids:
            return None
        return float(indicator.choice_ids.index(value))
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def encode_values(scheme: Scheme, values: Mapping[str, IndicatorValue]) -> dict[str, float | None]:
    """``values`` of the indicators of ``scheme`` as numbers; other ids are left out."""
    return {
        indicator.id: encode_value(indicator, values.get(indicator.id))
        for indicator in scheme.indicators
    }


def category_percentages(score: AssessmentScore) -> dict[str, Decimal]:
    """Each category's score in percent of its maximum (exact decimals)."""
    return {category_id: category.percent for category_id, category in score.categories.items()}


def earned_points(score: AssessmentScore) -> dict[str, float]:
    """Points earned per indicator (partial bands included), for the recommendations."""
    return {indicator_id: float(s.points) for indicator_id, s in score.indicators.items()}
