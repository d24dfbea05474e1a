"""Scoring: thresholds, bands, directions, exact percentages and value validation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlabel.domain.errors import InvalidIndicatorValues, SchemeMismatch
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import (
    IndicatorValue,
    failed_minimum_criteria,
    missing_indicators,
    percent_of,
    reaches_percent,
    score_assessment,
    score_indicator,
    validate_values,
)
from tests.domain.factories import build_scheme, indicator, perfect_values, points_scheme


@pytest.mark.parametrize(
    ("value", "points", "meets"),
    [
        (Decimal(30), 5, True),  # exactly the threshold
        (Decimal(31), 5, True),
        (Decimal("29.999"), 3, False),  # best band reached: from 22
        (Decimal(22), 3, False),
        (Decimal("21.99"), 2, False),
        (Decimal(15), 2, False),
        (Decimal("14.99"), 0, False),
        (0, 0, False),
        (100000, 5, True),
    ],
)
def test_number_indicator_with_bands(
    scheme: Scheme, value: IndicatorValue, points: int, meets: bool
) -> None:
    result = score_indicator(scheme.indicator("STR-01"), value)
    assert (result.points, result.meets_threshold, result.missing) == (points, meets, False)
    assert result.max_points == 5
    assert result.category_id == "structures"


def test_lower_is_better() -> None:
    lower = build_scheme(
        indicators=[
            indicator(
                "STR-01",
                direction="lower",
                threshold=10,
                points=4,
                bands=[{"from": 30, "points": 1}, {"from": 20, "points": 2}],
            ),
            indicator("SRV-01", category="services", type="boolean", threshold=True, points=1),
        ]
    )
    item = lower.indicator("STR-01")
    scored = {v: score_indicator(item, Decimal(v)).points for v in (5, 10, 11, 20, 25, 30, 31)}
    assert scored == {5: 4, 10: 4, 11: 2, 20: 2, 25: 1, 30: 1, 31: 0}


@pytest.mark.parametrize(
    ("value", "points"), [(Decimal(60), 3), (Decimal("59.99"), 0), (100, 3), (0, 0)]
)
def test_percent_indicator(scheme: Scheme, value: IndicatorValue, points: int) -> None:
    assert score_indicator(scheme.indicator("STR-02"), value).points == points


def test_boolean_indicator_meets_only_its_threshold_value() -> None:
    flipped = build_scheme(
        indicators=[
            indicator("STR-01", type="boolean", threshold=False, points=2),
            indicator("SRV-01", category="services", type="boolean", threshold=True, points=3),
        ]
    )
    assert score_indicator(flipped.indicator("STR-01"), False).points == 2
    assert score_indicator(flipped.indicator("STR-01"), True).points == 0
    assert score_indicator(flipped.indicator("SRV-01"), True).points == 3
    assert score_indicator(flipped.indicator("SRV-01"), False).points == 0


@pytest.mark.parametrize(
    ("choice", "points", "meets"), [("none", 0, False), ("partial", 2, False), ("full", 4, True)]
)
def test_choice_indicator_orders_worst_to_best(
    scheme: Scheme, choice: str, points: int, meets: bool
) -> None:
    result = score_indicator(scheme.indicator("SRV-02"), choice)
    assert (result.points, result.meets_threshold) == (points, meets)


def test_missing_value_scores_zero_and_is_flagged(scheme: Scheme) -> None:
    result = score_indicator(scheme.indicator("STR-01"), None)
    assert (result.points, result.meets_threshold, result.missing) == (0, False, True)


def test_assessment_totals_per_category_and_overall(scheme: Scheme) -> None:
    score = score_assessment(
        scheme, {"STR-01": Decimal(25), "STR-02": Decimal(70), "SRV-01": False, "SRV-02": "full"}
    )
    assert {i: s.points for i, s in score.indicators.items()} == {
        "STR-01": 3,
        "STR-02": 3,
        "SRV-01": 0,
        "SRV-02": 4,
    }
    structures, services = score.categories["structures"], score.categories["services"]
    assert (structures.points, structures.max_points, structures.percent) == (6, 8, Decimal(75))
    assert (services.points, services.max_points) == (4, 6)
    assert services.percent.quantize(Decimal("0.01")) == Decimal("66.67")
    assert (score.points, score.max_points, score.percent) == (10, 14, percent_of(10, 14))
    assert (score.scheme_id, score.scheme_version, score.scheme_hash) == (
        "test-scheme",
        "1",
        scheme.content_hash,
    )
    assert score.missing == ()


def test_indicators_left_out_count_as_missing(scheme: Scheme) -> None:
    score = score_assessment(scheme, {"STR-02": Decimal(60)})
    assert score.missing == ("STR-01", "SRV-01", "SRV-02")
    assert missing_indicators(scheme, score) == ("STR-01", "SRV-01", "SRV-02")
    assert failed_minimum_criteria(scheme, score) == ("STR-01",)
    assert score.points == 3


def test_a_perfect_assessment_scores_the_maximum(scheme: Scheme) -> None:
    score = score_assessment(scheme, perfect_values(scheme))
    assert (score.points, score.percent) == (14, Decimal(100))
    assert failed_minimum_criteria(scheme, score) == ()


def test_120_of_150_is_exactly_80_percent() -> None:
    scheme = points_scheme(100, 20, 30)
    score = score_assessment(scheme, {"P-01": True, "P-02": True, "P-03": False})
    assert (score.points, score.max_points) == (120, 150)
    assert score.percent == Decimal(80)
    assert str(score.percent) == "80"
    assert score.reaches_percent(Decimal(80))
    assert not score.reaches_percent(Decimal("80.0000000000000000000000000000001"))


def test_7999_of_10000_is_exactly_79_99_percent() -> None:
    scheme = points_scheme(7999, 2001)
    score = score_assessment(scheme, {"P-01": True, "P-02": False})
    assert score.percent == Decimal("79.99")
    assert not score.reaches_percent(Decimal(80))
    assert score.reaches_percent(Decimal("79.99"))


def test_percentages_never_go_through_floats() -> None:
    third = percent_of(1, 3)
    assert third == Decimal("33." + "3" * 48)  # 50 significant digits, for display only
    assert third.quantize(Decimal("0.1")) == Decimal("33.3")
    assert reaches_percent(2, 3, Decimal("66.66"))
    assert not reaches_percent(2, 3, Decimal("66.67"))
    assert percent_of(0, 0) == Decimal(0)


# --- validation ---------------------------------------------------------------------------


def test_validate_values_lists_every_problem(scheme: Scheme) -> None:
    problems = validate_values(
        scheme,
        {
            "STR-01": Decimal(-1),
            "STR-02": Decimal("100.01"),
            "SRV-01": "yes",
            "SRV-02": "complete",
            "STR-99": Decimal(1),
        },
    )
    assert [(p.indicator_id, p.code) for p in problems] == [
        ("STR-01", "out_of_range"),
        ("STR-02", "out_of_range"),
        ("SRV-01", "wrong_type"),
        ("SRV-02", "unknown_choice"),
        ("STR-99", "unknown_indicator"),
    ]
    assert dict(problems[0].params) == {
        "value": Decimal(-1),
        "min": Decimal(0),
        "max": Decimal(100000),
    }
    assert problems[1].params["max"] == Decimal(100)
    assert problems[3].params["choices"] == ("none", "partial", "full")
    assert "not one of the choices none, partial, full" in problems[3].message


@pytest.mark.parametrize(
    ("indicator_id", "value"),
    [
        ("STR-01", 30.0),  # floats are never exact enough
        ("STR-01", True),
        ("STR-01", "30"),
        ("STR-01", Decimal("NaN")),
        ("STR-02", Decimal("Infinity")),
        ("SRV-01", 1),
        ("SRV-02", 2),
    ],
)
def test_wrong_types_are_refused(scheme: Scheme, indicator_id: str, value: object) -> None:
    problems = validate_values(scheme, {indicator_id: value})  # type: ignore[dict-item]
    assert [(p.indicator_id, p.code) for p in problems] == [(indicator_id, "wrong_type")]


def test_valid_values_have_no_problems(scheme: Scheme) -> None:
    values = {"STR-01": 12, "STR-02": Decimal("0"), "SRV-01": None, "SRV-02": "none"}
    assert validate_values(scheme, values) == []


def test_scoring_refuses_invalid_values_with_all_problems(scheme: Scheme) -> None:
    with pytest.raises(InvalidIndicatorValues) as caught:
        score_assessment(scheme, {"STR-01": 30.0, "SRV-02": "complete"})
    assert [p.indicator_id for p in caught.value.problems] == ["STR-01", "SRV-02"]
    with pytest.raises(InvalidIndicatorValues):
        score_indicator(scheme.indicator("STR-02"), Decimal(101))


def test_a_score_is_tied_to_its_scheme_version(scheme: Scheme) -> None:
    score = score_assessment(scheme, perfect_values(scheme))
    other = build_scheme(version="2")
    with pytest.raises(SchemeMismatch, match="test-scheme@1"):
        failed_minimum_criteria(other, score)
    with pytest.raises(SchemeMismatch):
        missing_indicators(other, score)
