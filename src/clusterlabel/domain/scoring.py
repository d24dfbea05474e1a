"""Scoring an assessment: points per indicator, per category and overall.

Guarantees:

* Numbers are ``Decimal`` (or ``int``) and every comparison is exact: a value meets a threshold of
  30 when it is ``>= 30`` (``direction: higher``) or ``<= 30`` (``lower``), never "about".
* An indicator earns its ``points`` when it meets the threshold, otherwise the points of the best
  band its value reaches, otherwise 0; a missing value (``None``) scores 0 and never meets.
* Scores never exceed their maxima; percentages are exact decimals (120 of 150 is exactly
  ``Decimal("80")``), and rule checks cross-multiply instead of comparing rounded percentages.
* Values that cannot be scored are refused with every problem listed, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from types import MappingProxyType

from clusterlabel.domain.errors import InvalidIndicatorValues, SchemeMismatch, ValueProblem
from clusterlabel.domain.schemes import Indicator, Scheme

IndicatorValue = Decimal | int | bool | str | None
"""An assessor's value: a number (Decimal or int) for number/percent indicators, a bool for
boolean ones, a choice id for choice ones, ``None`` when the value is missing."""

_PRECISION = 50


def percent_of(points: int, max_points: int) -> Decimal:
    """``points`` as a percentage of ``max_points``: exact when the quotient terminates.

    ``percent_of(120, 150) == Decimal("80")``; a non-terminating quotient (1 of 3) is rounded to
    50 significant digits, so only display should quantise it. ``max_points == 0`` gives 0.
    """
    if max_points == 0:
        return Decimal(0)
    with localcontext() as context:
        context.prec = _PRECISION
        return Decimal(points) * 100 / Decimal(max_points)


def reaches_percent(points: int, max_points: int, required: Decimal) -> bool:
    """Exactly whether ``points / max_points >= required %`` (no rounding anywhere)."""
    with localcontext() as context:
        context.prec = _PRECISION
        return Decimal(points) * 100 >= required * max_points


@dataclass(frozen=True)
class IndicatorScore:
    """The score of one indicator; ``points <= max_points`` always."""

    indicator_id: str
    category_id: str
    value: IndicatorValue
    points: int
    max_points: int
    meets_threshold: bool
    missing: bool
    minimum_criterion: bool


@dataclass(frozen=True)
class CategoryScore:
    """The sum of a category's indicator scores; ``percent`` is exact (see :func:`percent_of`)."""

    category_id: str
    points: int
    max_points: int
    percent: Decimal


@dataclass(frozen=True)
class AssessmentScore:
    """A scored assessment, pinned to the scheme version it was scored under.

    ``indicators`` and ``categories`` are read-only mappings in the scheme's file order.
    """

    scheme_id: str
    scheme_version: str
    scheme_hash: str
    indicators: Mapping[str, IndicatorScore]
    categories: Mapping[str, CategoryScore]
    points: int
    max_points: int
    percent: Decimal

    @property
    def missing(self) -> tuple[str, ...]:
        """Ids of the indicators without a value, in scheme order."""
        return tuple(s.indicator_id for s in self.indicators.values() if s.missing)

    @property
    def failed_minimum_criteria(self) -> tuple[str, ...]:
        """Ids of minimum criteria that miss their threshold (a missing value misses it)."""
        return tuple(
            s.indicator_id
            for s in self.indicators.values()
            if s.minimum_criterion and not s.meets_threshold
        )

    def reaches_percent(self, required: Decimal) -> bool:
        """Exactly whether the overall score is at least ``required`` percent of the maximum."""
        return reaches_percent(self.points, self.max_points, required)


def _problem(indicator: Indicator, code: str, message: str, **params: object) -> ValueProblem:
    return ValueProblem(indicator.id, code, message, params)


def _value_problem(indicator: Indicator, value: IndicatorValue) -> ValueProblem | None:
    """What is wrong with ``value`` for ``indicator``, or None if it can be scored."""
    if value is None:
        return None
    kind = indicator.type
    if kind in ("number", "percent"):
        if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
            return _problem(
                indicator,
                "wrong_type",
                f"a {kind} indicator needs a Decimal number, got {type(value).__name__}",
                expected="number",
            )
        number = Decimal(value)
        if not number.is_finite():
            return _problem(indicator, "wrong_type", f"{value} is not a finite number")
        low, high = indicator.bounds()
        if (low is not None and number < low) or (high is not None and number > high):
            return _problem(
                indicator,
                "out_of_range",
                f"{number} is outside the allowed range "
                f"{low if low is not None else '-inf'}..{high if high is not None else 'inf'}",
                value=number,
                min=low,
                max=high,
            )
        return None
    if kind == "boolean":
        if not isinstance(value, bool):
            return _problem(
                indicator,
                "wrong_type",
                f"a boolean indicator needs true or false, got {type(value).__name__}",
                expected="boolean",
            )
        return None
    if not isinstance(value, str):
        return _problem(
            indicator,
            "wrong_type",
            f"a choice indicator needs a choice id, got {type(value).__name__}",
            expected="choice",
        )
    if value not in indicator.choice_ids:
        return _problem(
            indicator,
            "unknown_choice",
            f"{value!r} is not one of the choices {', '.join(indicator.choice_ids)}",
            value=value,
            choices=indicator.choice_ids,
        )
    return None


def validate_values(scheme: Scheme, values: Mapping[str, IndicatorValue]) -> list[ValueProblem]:
    """Every problem with ``values`` (one per bad entry), empty when all can be scored.

    Unknown indicator ids are problems too (``unknown_indicator``): a mistyped id would
    otherwise silently count as a missing value.
    """
    problems: list[ValueProblem] = []
    for indicator_id, value in values.items():
        try:
            indicator = scheme.indicator(indicator_id)
        except KeyError:
            problems.append(
                ValueProblem(
                    indicator_id,
                    "unknown_indicator",
                    f"scheme {scheme.key} has no indicator {indicator_id!r}",
                )
            )
            continue
        problem = _value_problem(indicator, value)
        if problem is not None:
            problems.append(problem)
    return problems


def _reaches(indicator: Indicator, value: Decimal | int | bool | str, target: object) -> bool:
    """Whether ``value`` is at least as good as ``target`` (a threshold or band start)."""
    if indicator.type == "boolean":
        return value == target
    if indicator.type == "choice":
        assert isinstance(value, str) and isinstance(target, str)
        return indicator.choice_rank(value) >= indicator.choice_rank(target)
    assert isinstance(target, Decimal)
    if indicator.direction == "lower":
        return Decimal(value) <= target
    return Decimal(value) >= target


def score_indicator(indicator: Indicator, value: IndicatorValue) -> IndicatorScore:
    """Score one value; raises :class:`InvalidIndicatorValues` if it cannot be scored."""
    problem = _value_problem(indicator, value)
    if problem is not None:
        raise InvalidIndicatorValues([problem])
    if value is None:
        points, meets = 0, False
    elif _reaches(indicator, value, indicator.threshold):
        points, meets = indicator.points, True
    else:
        reached = [
            band.points for band in indicator.bands if _reaches(indicator, value, band.start)
        ]
        points, meets = max(reached, default=0), False
    return IndicatorScore(
        indicator_id=indicator.id,
        category_id=indicator.category,
        value=value,
        points=points,
        max_points=indicator.points,
        meets_threshold=meets,
        missing=value is None,
        minimum_criterion=indicator.minimum_criterion,
    )


def score_assessment(scheme: Scheme, values: Mapping[str, IndicatorValue]) -> AssessmentScore:
    """Score an assessment; indicators absent from ``values`` count as missing.

    Raises :class:`InvalidIndicatorValues` listing every value that cannot be scored.
    """
    problems = validate_values(scheme, values)
    if problems:
        raise InvalidIndicatorValues(problems)
    indicators = {i.id: score_indicator(i, values.get(i.id)) for i in scheme.indicators}
    categories: dict[str, CategoryScore] = {}
    for category in scheme.categories:
        points = sum(s.points for s in indicators.values() if s.category_id == category.id)
        maximum = scheme.max_points_by_category[category.id]
        categories[category.id] = CategoryScore(
            category.id, points, maximum, percent_of(points, maximum)
        )
    total = sum(s.points for s in indicators.values())
    return AssessmentScore(
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        scheme_hash=scheme.content_hash,
        indicators=MappingProxyType(indicators),
        categories=MappingProxyType(categories),
        points=total,
        max_points=scheme.max_points,
        percent=percent_of(total, scheme.max_points),
    )


def require_scored_under(scheme: Scheme, score: AssessmentScore) -> None:
    """Raise :class:`SchemeMismatch` unless ``score`` was computed under exactly ``scheme``."""
    if score.scheme_hash != scheme.content_hash:
        raise SchemeMismatch(
            f"the score was computed under {score.scheme_id}@{score.scheme_version} "
            f"({score.scheme_hash[:12]}), not under {scheme.key} ({scheme.content_hash[:12]})"
        )


def failed_minimum_criteria(scheme: Scheme, score: AssessmentScore) -> tuple[str, ...]:
    """Ids of the scheme's minimum criteria that ``score`` does not meet (missing = not met)."""
    require_scored_under(scheme, score)
    return score.failed_minimum_criteria


def missing_indicators(scheme: Scheme, score: AssessmentScore) -> tuple[str, ...]:
    """Ids of the indicators ``score`` has no value for, in scheme order."""
    require_scored_under(scheme, score)
    return score.missing
