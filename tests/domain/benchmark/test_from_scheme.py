"""From schemes to benchmark statistics (clusterlabel.domain.benchmark.from_scheme) and the scheme
field ``benchmark_pool`` with its cross-file check. No database."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain.benchmark import Direction, IndicatorKind
from clusterlabel.domain.benchmark.from_scheme import (
    category_percentages,
    earned_points,
    encode_value,
    encode_values,
    indicator_spec,
    indicator_specs,
)
from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.domain.schemes import Indicator, Scheme, load_scheme_dir, load_scheme_text
from clusterlabel.domain.scoring import (
    IndicatorValue,
    percent_of,
    score_assessment,
    score_indicator,
)
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import (
    Raw,
    best_value,
    build_scheme,
    category,
    choices,
    indicator,
    perfect_values,
    scheme_data,
    to_yaml,
    worst_value,
)

SHIPPED = {scheme.id: scheme for scheme in load_scheme_dir(SHIPPED_DIR)}
SHIPPED_INDICATORS = [
    (scheme_id, item) for scheme_id, scheme in SHIPPED.items() for item in scheme.indicators
]


def kinds_scheme() -> Scheme:
    """One indicator of every kind, from YAML text: both boolean thresholds, both directions."""
    data = scheme_data(
        categories=[category("structures"), category("services")],
        indicators=[
            indicator(
                "STR-01",
                threshold=30,
                points=5,
                bands=[{"from": 15, "points": 2}, {"from": 22, "points": 3}],
                min=0,
                max=1000,
            ),
            indicator(
                "STR-02",
                direction="lower",
                threshold=10,
                points=4,
                bands=[{"from": 20, "points": 1}],
                min=0,
                max=100,
            ),
            indicator(
                "STR-03", type="percent", threshold=60, points=3, unit={"de": "%", "en": "%"}
            ),
            indicator("SRV-01", category="services", type="boolean", threshold=True, points=2),
            indicator("SRV-02", category="services", type="boolean", threshold=False, points=1),
            indicator(
                "SRV-03",
                category="services",
                type="choice",
                threshold="full",
                points=4,
                choices=choices("none", "partial", "full", "exemplary"),
                bands=[{"from": "partial", "points": 2}],
            ),
        ],
    )
    return load_scheme_text(to_yaml(data), source="kinds.yaml")


KINDS = kinds_scheme()


# --- indicator_spec ------------------------------------------------------------------------------


def test_a_number_indicator_keeps_its_threshold_direction_and_points():
    higher = indicator_spec(KINDS.indicator("STR-01"))
    assert (higher.id, higher.category, higher.threshold, higher.points) == (
        "STR-01",
        "structures",
        30.0,
        5.0,
    )
    assert (higher.direction, higher.kind) == (Direction.HIGHER, IndicatorKind.NUMBER)
    lower = indicator_spec(KINDS.indicator("STR-02"))
    assert (lower.threshold, lower.points, lower.direction) == (10.0, 4.0, Direction.LOWER)
    assert (lower.is_met(10.0), lower.is_met(9.5), lower.is_met(10.5)) == (True, True, False)
    assert lower.gap(14.0) == 4.0 and lower.gap(3.0) == 0.0


def test_a_percent_indicator_is_a_number_of_kind_percent():
    spec = indicator_spec(KINDS.indicator("STR-03"))
    assert (spec.kind, spec.threshold, spec.direction) == (
        IndicatorKind.PERCENT,
        60.0,
        Direction.HIGHER,
    )


def test_a_boolean_with_threshold_true_is_met_by_one():
    spec = indicator_spec(KINDS.indicator("SRV-01"))
    assert (spec.kind, spec.threshold, spec.direction, spec.points) == (
        IndicatorKind.BOOLEAN,
        1.0,
        Direction.HIGHER,
        2.0,
    )
    assert spec.is_met(1.0) and not spec.is_met(0.0)


def test_a_boolean_with_threshold_false_is_met_by_zero():
    spec = indicator_spec(KINDS.indicator("SRV-02"))
    assert (spec.kind, spec.threshold, spec.direction) == (
        IndicatorKind.BOOLEAN,
        0.0,
        Direction.LOWER,
    )
    assert spec.is_met(0.0) and not spec.is_met(1.0)


def test_a_choice_threshold_is_the_rank_of_the_threshold_choice():
    spec = indicator_spec(KINDS.indicator("SRV-03"))
    assert spec.kind is IndicatorKind.CHOICE
    assert spec.choices == ("none", "partial", "full", "exemplary")
    assert (spec.threshold, spec.direction, spec.points) == (2.0, Direction.HIGHER, 4.0)
    assert [spec.is_met(rank) for rank in (0.0, 1.0, 2.0, 3.0)] == [False, False, True, True]


def test_indicator_specs_follow_the_catalogue_order():
    assert [spec.id for spec in indicator_specs(KINDS)] == [i.id for i in KINDS.indicators]
    bronze = indicator_specs(SHIPPED["ecei-bronze"])
    assert len(bronze) == 36 and bronze[0].id == "STR-01"


# --- encode_value / encode_values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator_id", "value", "expected"),
    [
        ("STR-01", Decimal("12.5"), 12.5),
        ("STR-01", 7, 7.0),
        ("STR-01", None, None),
        ("STR-01", True, None),  # a yes/no answer is no number
        ("STR-01", False, None),
        ("STR-01", "12", None),  # text in a number indicator
        ("STR-01", Decimal("NaN"), None),
        ("STR-01", Decimal("Infinity"), None),
        ("STR-01", float("nan"), None),
        ("STR-01", float("-inf"), None),
        ("STR-03", Decimal("0"), 0.0),
        ("SRV-01", True, 1.0),
        ("SRV-01", False, 0.0),
        ("SRV-01", 1, None),  # only real booleans
        ("SRV-01", "yes", None),
        ("SRV-02", False, 0.0),
        ("SRV-03", "none", 0.0),
        ("SRV-03", "exemplary", 3.0),
        ("SRV-03", "complete", None),  # unknown choice
        ("SRV-03", 2, None),  # a rank is not a choice id
        ("SRV-03", None, None),
    ],
)
def test_encode_value(indicator_id, value, expected):
    assert encode_value(KINDS.indicator(indicator_id), value) == expected


def test_encode_values_covers_the_catalogue_and_drops_other_ids():
    encoded = encode_values(
        KINDS, {"STR-01": Decimal(40), "SRV-03": "partial", "SRV-01": None, "XYZ-99": 5}
    )
    assert encoded == {
        "STR-01": 40.0,
        "STR-02": None,
        "STR-03": None,
        "SRV-01": None,
        "SRV-02": None,
        "SRV-03": 1.0,
    }


# --- earned_points / category_percentages ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (Decimal(30), 5),  # threshold: all points
        (Decimal(29), 3),  # best band reached (22)
        (Decimal(22), 3),
        (Decimal("21.99"), 2),  # band 15
        (Decimal(15), 2),
        (Decimal("14.99"), 0),
        (None, 0),
    ],
)
def test_earned_points_give_partial_points_of_the_best_band(value, points):
    score = score_assessment(KINDS, {"STR-01": value})
    assert earned_points(score)["STR-01"] == float(points)


def test_earned_points_of_lower_and_choice_bands_and_every_indicator():
    values: dict[str, IndicatorValue] = {
        "STR-01": Decimal(40),
        "STR-02": Decimal(18),  # lower: 18 <= 20 reaches the band, misses 10
        "STR-03": Decimal(59),
        "SRV-01": True,
        "SRV-02": True,  # threshold false: true earns nothing
        "SRV-03": "partial",
    }
    points = earned_points(score_assessment(KINDS, values))
    assert points == {
        "STR-01": 5.0,
        "STR-02": 1.0,
        "STR-03": 0.0,
        "SRV-01": 2.0,
        "SRV-02": 0.0,
        "SRV-03": 2.0,
    }
    percentages = category_percentages(score_assessment(KINDS, values))
    # structures: 5 + 1 + 0 of 12; services: 2 + 0 + 2 of 7 (exact, as scoring computes it)
    assert percentages == {"structures": Decimal(50), "services": percent_of(4, 7)}
    assert str(percentages["services"]).startswith("57.142857142857142857")


# --- "met" means the same on a benchmark report as in scoring ---------------------------------


def assert_met_agrees(item: Indicator, value: IndicatorValue) -> None:
    spec = indicator_spec(item)
    encoded = encode_value(item, value)
    assert encoded is not None
    met = score_indicator(item, value).meets_threshold
    assert spec.is_met(encoded) is met, (item.id, value)
    assert (spec.gap(encoded) == 0.0) is met, (item.id, value)


@pytest.mark.parametrize(
    ("scheme_id", "item"),
    SHIPPED_INDICATORS,
    ids=[f"{scheme_id}:{item.id}" for scheme_id, item in SHIPPED_INDICATORS],
)
def test_met_agrees_with_scoring_on_excellent_and_failing_values(scheme_id, item):
    assert score_indicator(item, best_value(item)).meets_threshold
    assert not score_indicator(item, worst_value(item)).meets_threshold
    assert_met_agrees(item, best_value(item))
    assert_met_agrees(item, worst_value(item))
    if item.type in ("number", "percent"):
        step = Decimal("0.01")
        low, high = item.bounds()
        for value in (item.threshold - step, item.threshold + step):
            if (low is None or value >= low) and (high is None or value <= high):
                assert_met_agrees(item, value)


def valid_values(item: Indicator) -> st.SearchStrategy[IndicatorValue]:
    """Any value ``item`` accepts: numbers with up to two decimal places inside its bounds."""
    if item.type == "boolean":
        return st.booleans()
    if item.type == "choice":
        return st.sampled_from(item.choice_ids)
    low, high = item.bounds()
    threshold = Decimal(item.threshold)  # type: ignore[arg-type]
    near = st.decimals(
        min_value=max(low, threshold - 5) if low is not None else threshold - 5,
        max_value=min(high, threshold + 5) if high is not None else threshold + 5,
        places=2,
    )
    anywhere = st.decimals(
        min_value=low if low is not None else Decimal(-(10**9)),
        max_value=high if high is not None else Decimal(10**9),
        places=2,
    )
    return st.one_of(near, anywhere, st.just(threshold))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(SHIPPED_INDICATORS).flatmap(
        lambda p: st.tuples(st.just(p[1]), valid_values(p[1]))
    )
)
def test_met_agrees_with_scoring_for_any_valid_value(pair):
    item, value = pair
    assert_met_agrees(item, value)


def test_every_shipped_indicator_meets_with_perfect_values():
    for scheme in SHIPPED.values():
        encoded = encode_values(scheme, perfect_values(scheme))
        specs = {spec.id: spec for spec in indicator_specs(scheme)}
        assert all(specs[key].is_met(value) for key, value in encoded.items() if value is not None)
        assert all(not math.isnan(v) for v in encoded.values() if v is not None)


# --- benchmark_pool: the field and the cross-file check ----------------------------------------


def write(directory: Path, name: str, data: Raw) -> None:
    (directory / name).write_text(to_yaml(data), encoding="utf-8")


def problems_in(directory: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_dir(directory)
    return [(p.source, p.location, p.message) for p in caught.value.errors]


def test_the_pool_id_defaults_to_the_schemes_own_id():
    scheme = build_scheme()
    assert scheme.benchmark_pool is None
    assert scheme.pool_id == "test-scheme"
    assert build_scheme(benchmark_pool="test-scheme").pool_id == "test-scheme"
    assert build_scheme(benchmark_pool="other-scheme").pool_id == "other-scheme"


def test_a_single_file_cannot_check_its_pool_only_a_directory_can(tmp_path):
    scheme = load_scheme_text(to_yaml(scheme_data(benchmark_pool="ghost")), source="a.yaml")
    assert scheme.pool_id == "ghost"
    write(tmp_path, "a.yaml", scheme_data(benchmark_pool="ghost"))
    assert problems_in(tmp_path) == [
        ("a.yaml", "benchmark_pool", "scheme 'ghost' is not among the loaded schemes")
    ]


def test_a_pool_id_that_is_no_slug_is_refused_at_its_field():
    with pytest.raises(SchemeFileError) as caught:
        build_scheme(benchmark_pool="ECEI Bronze")
    assert [p.location for p in caught.value.errors] == ["benchmark_pool"]


def test_joining_a_scheme_with_the_same_catalogue_is_accepted(tmp_path):
    write(tmp_path, "a-bronze.yaml", scheme_data(id="bronze"))
    silver = scheme_data(id="silver", benchmark_pool="bronze")
    # Thresholds, points and bands may differ: the pool compares values, not scores.
    silver["indicators"][0]["threshold"] = 40
    silver["indicators"][0]["points"] = 7
    write(tmp_path, "b-silver.yaml", silver)
    loaded = {scheme.id: scheme for scheme in load_scheme_dir(tmp_path)}
    assert loaded["silver"].pool_id == "bronze" == loaded["bronze"].pool_id


def _without_first_indicator(data: Raw) -> None:
    del data["indicators"][0]


def _percent_as_number(data: Raw) -> None:
    data["indicators"][1] = indicator("STR-02", type="number", threshold=60, points=3)


def _other_category(data: Raw) -> None:
    data["indicators"][1]["category"] = "services"


def _other_id(data: Raw) -> None:
    data["indicators"][1]["id"] = "STR-09"


@pytest.mark.parametrize(
    "change", [_without_first_indicator, _percent_as_number, _other_category, _other_id]
)
def test_joining_a_scheme_with_other_indicators_is_refused(tmp_path, change):
    write(tmp_path, "a-bronze.yaml", scheme_data(id="bronze"))
    silver = scheme_data(id="silver", benchmark_pool="bronze")
    change(silver)
    write(tmp_path, "b-silver.yaml", silver)
    assert problems_in(tmp_path) == [
        (
            "b-silver.yaml",
            "benchmark_pool",
            "scheme 'bronze' has other indicators (ids, types or categories); only schemes "
            "with the same catalogue can share a pool",
        )
    ]


def test_a_chain_of_pools_is_refused_at_the_scheme_that_starts_it(tmp_path):
    write(tmp_path, "a.yaml", scheme_data(id="scheme-a", benchmark_pool="scheme-b"))
    write(tmp_path, "b.yaml", scheme_data(id="scheme-b", benchmark_pool="scheme-c"))
    write(tmp_path, "c.yaml", scheme_data(id="scheme-c"))
    assert problems_in(tmp_path) == [
        (
            "a.yaml",
            "benchmark_pool",
            "scheme 'scheme-b' itself joins another pool; name that one",
        )
    ]


def test_a_missing_pool_is_reported_with_the_other_problems_of_the_directory(tmp_path):
    write(tmp_path, "a.yaml", scheme_data(id="scheme-a", benchmark_pool="scheme-z"))
    write(tmp_path, "b.yaml", scheme_data(id="scheme-b", benchmark_pool="scheme-a"))
    problems = problems_in(tmp_path)
    assert ("a.yaml", "benchmark_pool", "scheme 'scheme-z' is not among the loaded schemes") in (
        problems
    )
    assert (
        "b.yaml",
        "benchmark_pool",
        "scheme 'scheme-a' itself joins another pool; name that one",
    ) in problems
    assert len(problems) == 2


def test_the_shipped_silver_joins_the_bronze_pool_and_the_others_have_their_own():
    assert SHIPPED["ecei-silver"].benchmark_pool == "ecei-bronze"
    assert {scheme_id: scheme.pool_id for scheme_id, scheme in SHIPPED.items()} == {
        "bw-cluster-excellence": "bw-cluster-excellence",
        "ecei-bronze": "ecei-bronze",
        "ecei-gold": "ecei-gold",
        "ecei-silver": "ecei-bronze",
    }
    silver, bronze = SHIPPED["ecei-silver"], SHIPPED["ecei-bronze"]
    assert [(i.id, i.type, i.category) for i in silver.indicators] == [
        (i.id, i.type, i.category) for i in bronze.indicators
    ]
