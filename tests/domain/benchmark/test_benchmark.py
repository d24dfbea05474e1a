"""Benchmarking statistics (clusterlabel.domain.benchmark): hand-computed values, no database."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain.benchmark import (
    MIN_OTHERS,
    Change,
    Direction,
    FallbackReason,
    IndicatorSpec,
    PeerGroup,
    Pool,
    PoolRow,
    WithheldReason,
    age_band,
    compare_cycles,
    organisation_report,
    percentile_rank,
    pool_over_time,
    pool_overview,
    recommendations,
    size_band,
)

EVENTS = IndicatorSpec("SRV-01", "services", threshold=40, points=5)
TURNOVER = IndicatorSpec("MGT-01", "management", threshold=10, points=3, direction="lower")
STRATEGY = IndicatorSpec.boolean("MGT-02", "management", threshold=True, points=2)
QUALITY = IndicatorSpec.choice(
    "SRV-02", "services", choices=["none", "partial", "full"], threshold="full", points=4
)
CATALOGUE = (EVENTS, TURNOVER, STRATEGY, QUALITY)


def pool_of(
    values: Mapping[str, Mapping[str, float | None]],
    indicators: Sequence[IndicatorSpec] = CATALOGUE,
    *,
    scores: Mapping[str, Mapping[str, float]] | None = None,
    overall: Mapping[str, float] | None = None,
    reference_year: int = 2024,
    **attributes: Mapping[str, object],
) -> Pool:
    """A pool with one row per key of ``values``; attributes as ``sector={"org-a": "x"}``."""
    rows = [
        PoolRow(
            organisation=key,
            values=row,
            category_scores=(scores or {}).get(key, {}),
            overall_score=(overall or {}).get(key),
            **{name: by_key.get(key) for name, by_key in attributes.items()},
        )
        for key, row in values.items()
    ]
    return Pool.from_rows(rows, indicators, reference_year=reference_year)


def single(spec: IndicatorSpec, values: Mapping[str, float | None], **kwargs: object) -> Pool:
    return pool_of({key: {spec.id: value} for key, value in values.items()}, [spec], **kwargs)


# Six organisations; "org-a" is compared with the five others.
SIX = {
    "org-a": {"SRV-01": 30, "MGT-01": 12, "MGT-02": 0, "SRV-02": 1},
    "org-b": {"SRV-01": 10, "MGT-01": 5, "MGT-02": 1, "SRV-02": 2},
    "org-c": {"SRV-01": 20, "MGT-01": 12, "MGT-02": 1, "SRV-02": 0},
    "org-d": {"SRV-01": 40, "MGT-01": 20, "MGT-02": 0, "SRV-02": 2},
    "org-e": {"SRV-01": 50, "MGT-01": 15, "MGT-02": 1, "SRV-02": 1},
    "org-f": {"SRV-01": 60, "MGT-01": 8, "MGT-02": 1, "SRV-02": None},
}


def result_for(report, indicator_id):
    return next(r for r in report.indicators if r.indicator_id == indicator_id)


# --- statistics against hand-computed values --------------------------------------------------


def test_higher_indicator_percentile_quartiles_and_gap_by_hand():
    report = organisation_report(pool_of(SIX), "org-a")
    events = result_for(report, "SRV-01")
    # Others: 10 20 40 50 60; two worse than 30, no tie -> 2/5.
    assert events.percentile_rank == 40.0
    # Linear interpolation at (5 - 1) * p: q1 at 1, median at 2, q3 at 3.
    d = events.distribution
    assert (d.n, d.q1, d.median, d.q3) == (5, 20.0, 40.0, 50.0)
    assert d.p10 is None and d.p90 is None  # fewer than 10 values: no whiskers
    assert (events.value, events.threshold, events.gap, events.met) == (30.0, 40.0, 10.0, False)
    assert report.used_group is PeerGroup.ALL and report.group_size == 5
    assert not report.fell_back and report.statistics_withheld is None


def test_lower_indicator_counts_larger_values_as_worse_and_ties_half():
    turnover = result_for(organisation_report(pool_of(SIX), "org-a"), "MGT-01")
    # Others: 5 12 20 15 8; worse (larger) than 12: 20, 15; tie: 12 -> (2 + 0.5) / 5.
    assert turnover.percentile_rank == 50.0
    d = turnover.distribution
    assert (d.q1, d.median, d.q3) == (8.0, 12.0, 15.0)  # raw values, ascending
    assert turnover.direction is Direction.LOWER
    assert (turnover.gap, turnover.met) == (2.0, False)  # 12 is 2 above the maximum of 10


def test_lower_indicator_met_and_gap_zero():
    pool = single(TURNOVER, {"a": 9, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5})
    turnover = result_for(organisation_report(pool, "a"), "MGT-01")
    assert (turnover.gap, turnover.met, turnover.percentile_rank) == (0.0, True, 0.0)


def test_boolean_and_choice_are_compared_by_encoding():
    report = organisation_report(pool_of(SIX), "org-a")
    strategy = result_for(report, "MGT-02")
    # Others 1 1 0 1 1; own 0: nobody worse, one tie -> 0.5 / 5.
    assert strategy.percentile_rank == 10.0
    assert (strategy.gap, strategy.met) == (1.0, False)
    quality = result_for(report, "SRV-02")
    # org-f has no value: only four others -> withheld.
    assert quality.distribution is None and quality.percentile_rank is None
    assert quality.withheld is WithheldReason.TOO_FEW_VALUES
    assert (quality.value, quality.gap, quality.met) == (1.0, 1.0, False)


def test_percentile_rank_definition():
    assert percentile_rank(3, [1, 2, 3, 4]) == 62.5  # (2 + 0.5) / 4
    assert percentile_rank(3, [1, 2, 3, 4], Direction.LOWER) == 37.5  # (1 + 0.5) / 4
    assert percentile_rank(7, [7, 7, 7]) == 50.0
    assert percentile_rank(9, [1, 2, float("nan")]) == 100.0  # NaN is not counted
    assert percentile_rank(0, [1, 2]) == 0.0
    assert percentile_rank(float("nan"), [1, 2]) is None
    assert percentile_rank(1, []) is None


def test_missing_values_are_left_out_and_n_counts_present_values():
    values = {"own": 25, "b": 10, "c": None, "d": 20, "e": 30, "f": float("nan"), "g": 40}
    values |= {"h": 50}
    result = result_for(organisation_report(single(EVENTS, values), "own"), "SRV-01")
    d = result.distribution
    # Present others: 10 20 30 40 50.
    assert (d.n, d.q1, d.median, d.q3) == (5, 20.0, 30.0, 40.0)
    assert result.percentile_rank == 40.0


def test_own_missing_value_keeps_distribution_but_no_rank_gap_or_met():
    values = {"own": None, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5}
    report = organisation_report(single(EVENTS, values), "own")
    result = result_for(report, "SRV-01")
    assert result.distribution.median == 3.0
    assert (result.value, result.percentile_rank, result.gap, result.met) == (
        None,
        None,
        None,
        False,
    )
    assert result.withheld is None
    assert report.recommendations[0].indicator_id == "SRV-01"


def test_quantiles_match_numpy_linear_interpolation_and_whiskers_from_ten_values():
    rng = np.random.default_rng(7)
    data = rng.normal(50, 20, size=(40, 3))
    data[rng.random(data.shape) < 0.2] = np.nan
    data[:, 2] = np.nan
    data[:9, 2] = np.arange(9)  # nine values: quartiles, no whiskers
    specs = [IndicatorSpec(f"X-{i}", "c", threshold=50, points=1) for i in range(3)]
    rows = [PoolRow(f"o{r}", {s.id: data[r, c] for c, s in enumerate(specs)}) for r in range(40)]
    overview = pool_overview(Pool.from_rows(rows, specs, reference_year=2024))
    for column, summary in enumerate(overview.indicators[:2]):
        expected = np.nanquantile(data[:, column], [0.1, 0.25, 0.5, 0.75, 0.9])
        d = summary.distribution
        assert [d.p10, d.q1, d.median, d.q3, d.p90] == pytest.approx(expected)
        assert d.n == summary.n == int((~np.isnan(data[:, column])).sum())
        met = data[:, column][~np.isnan(data[:, column])] >= 50
        assert summary.share_meeting_threshold == pytest.approx(100 * met.mean())
    nine = overview.indicators[2].distribution
    assert (nine.n, nine.q1, nine.median, nine.q3, nine.p10, nine.p90) == (9, 2, 4, 6, None, None)


# --- privacy ------------------------------------------------------------------------------------


def test_exactly_five_others_are_shown_four_are_not():
    five_others = {key: {"SRV-01": float(i)} for i, key in enumerate("abcdef")}
    shown = organisation_report(pool_of(five_others, [EVENTS]), "a")
    assert shown.group_size == 5 and shown.indicators[0].distribution.n == MIN_OTHERS

    four_others = {key: {"SRV-01": float(i)} for i, key in enumerate("abcde")}
    report = organisation_report(pool_of(four_others, [EVENTS]), "a")
    assert report.statistics_withheld is WithheldReason.POOL_TOO_SMALL
    assert report.used_group is None and report.group_size is None
    events = report.indicators[0]
    assert events.distribution is None and events.percentile_rank is None
    assert events.withheld is WithheldReason.POOL_TOO_SMALL
    assert report.overall.distribution is None
    assert (events.value, events.gap) == (0.0, 40.0)  # own data is still there


def test_indicator_with_four_other_values_is_withheld_on_its_own():
    values = {"own": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": None}
    report = organisation_report(single(EVENTS, values), "own")
    assert report.statistics_withheld is None and report.group_size == 5
    assert report.indicators[0].withheld is WithheldReason.TOO_FEW_VALUES
    assert report.indicators[0].distribution is None


def sector_pool(music_members: int) -> Pool:
    """``music_members`` organisations in sector "music" (values 100...), six in "medtech"."""
    values = {f"music-{i}": {"SRV-01": 100.0 + i} for i in range(music_members)}
    values |= {f"medtech-{i}": {"SRV-01": float(i)} for i in range(6)}
    sectors = {key: key.split("-")[0] for key in values}
    return pool_of(values, [EVENTS], sector=sectors)


def test_small_sector_group_falls_back_to_all_and_says_so():
    report = organisation_report(sector_pool(5), "music-0", peer_group=PeerGroup.SECTOR)
    assert report.requested_group is PeerGroup.SECTOR
    assert report.used_group is PeerGroup.ALL
    assert report.fell_back is True
    assert report.fallback_reason is FallbackReason.PEER_GROUP_TOO_SMALL
    assert report.group_size == 10
    assert report.indicators[0].distribution.n == 10


def test_sector_group_with_five_others_is_used():
    report = organisation_report(sector_pool(6), "music-0", peer_group=PeerGroup.SECTOR)
    assert (report.used_group, report.fell_back, report.fallback_reason) == (
        PeerGroup.SECTOR,
        False,
        None,
    )
    d = report.indicators[0].distribution
    # Only the other music organisations: 101 ... 105.
    assert (d.n, d.q1, d.median, d.q3) == (5, 102.0, 103.0, 104.0)
    assert report.indicators[0].percentile_rank == 0.0


def test_unknown_own_attribute_falls_back():
    values = {key: {"SRV-01": 1.0} for key in "abcdef"}
    pool = pool_of(values, [EVENTS], country={k: "DE" for k in "bcdef"})
    report = organisation_report(pool, "a", peer_group=PeerGroup.COUNTRY)
    assert report.used_group is PeerGroup.ALL
    assert report.fallback_reason is FallbackReason.ATTRIBUTE_UNKNOWN


def test_no_statistics_when_even_all_is_too_small_after_fallback():
    pool = single(EVENTS, {"a": 1, "b": 2}, sector={"a": "x", "b": "x"})
    report = organisation_report(pool, "a", peer_group=PeerGroup.SECTOR)
    assert report.fell_back and report.used_group is None
    assert report.fallback_reason is FallbackReason.PEER_GROUP_TOO_SMALL
    assert report.statistics_withheld is WithheldReason.POOL_TOO_SMALL


def test_own_value_is_excluded_from_its_comparison_group():
    values = {"own": 1000, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5}
    result = organisation_report(single(EVENTS, values), "own").indicators[0]
    assert result.distribution.n == 5
    assert (result.distribution.q1, result.distribution.median, result.distribution.q3) == (
        2.0,
        3.0,
        4.0,
    )
    assert result.percentile_rank == 100.0


def _all_leaves(value):
    """Every scalar in a (nested) result, as repr strings and floats."""
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            yield from _all_leaves(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _all_leaves(item)
    else:
        yield value


def test_report_holds_no_other_key_and_no_extreme_value_of_others():
    rng = np.random.default_rng(3)
    keys = [f"secret-key-{i:02d}" for i in range(12)]
    events = rng.permutation(np.arange(12) * 7.0 + 1.5)  # distinct values
    values = {key: {"SRV-01": float(v)} for key, v in zip(keys, events, strict=True)}
    overall = {key: float(v) / 2 for key, v in zip(keys, events, strict=True)}
    pool = pool_of(values, [EVENTS], overall=overall, sector=dict.fromkeys(keys, "x"))
    for group in PeerGroup:
        report = organisation_report(pool, keys[0], peer_group=group)
        text = repr(report) + repr(dataclasses.asdict(report))
        assert not any(key in text for key in keys[1:])
        leaves = set(_all_leaves(report))
        others = events[1:]
        for extreme in (others.min(), others.max(), others.min() / 2, others.max() / 2):
            assert float(extreme) not in leaves
        assert report.indicators[0].distribution.p10 is not None  # 11 others: whiskers shown


# --- peer groups and bands --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("founded", "band"),
    [
        (2024, "under-3"),
        (2022, "under-3"),
        (2021, "3-9"),
        (2015, "3-9"),
        (2014, "10-19"),
        (2005, "10-19"),
        (2004, "20-plus"),
        (2025, None),
        (None, None),
    ],
)
def test_age_bands(founded, band):
    assert age_band(founded, 2024) == band


@pytest.mark.parametrize(
    ("members", "band"),
    [
        (0, "under-25"),
        (24, "under-25"),
        (25, "25-74"),
        (74, "25-74"),
        (75, "75-149"),
        (149, "75-149"),
        (150, "150-plus"),
        (None, None),
    ],
)
def test_size_bands(members, band):
    assert size_band(members) == band


def test_age_and_size_band_peer_groups():
    keys = [f"o{i}" for i in range(12)]
    values = {key: {"SRV-01": float(i)} for i, key in enumerate(keys)}
    founded = {key: (2020 if i < 6 else 1990) for i, key in enumerate(keys)}
    members = {key: (30 if i % 2 else 200) for i, key in enumerate(keys)}
    pool = pool_of(values, [EVENTS], founding_year=founded, committed_members=members)
    by_age = organisation_report(pool, "o0", peer_group=PeerGroup.AGE_BAND)
    assert by_age.used_group is PeerGroup.AGE_BAND and by_age.group_size == 5
    assert by_age.indicators[0].distribution.median == 3.0  # 1..5
    by_size = organisation_report(pool, "o0", peer_group=PeerGroup.SIZE_BAND)
    assert by_size.used_group is PeerGroup.SIZE_BAND and by_size.group_size == 5
    assert by_size.indicators[0].distribution.median == 6.0  # 2 4 6 8 10


# --- category and overall scores ----------------------------------------------------------------


def test_category_and_overall_scores_against_the_group():
    scores = {
        key: {"services": s, "management": 100 - s}
        for key, s in zip("abcdef", [50, 10, 20, 60, 70, 80], strict=True)
    }
    overall = dict(zip("abcdef", [55, 10, 20, 30, 40, None], strict=True))
    values = {key: {} for key in "abcdef"}
    report = organisation_report(pool_of(values, scores=scores, overall=overall), "a")
    services, management = report.categories
    assert (services.category, services.score, services.percentile_rank) == ("services", 50, 40)
    assert services.distribution.median == 60.0
    assert management.percentile_rank == 60.0
    assert report.overall.category is None
    assert report.overall.withheld is WithheldReason.TOO_FEW_VALUES  # one other has no score


# --- recommendations ----------------------------------------------------------------------------


def test_recommendations_rank_by_points_then_relative_gap():
    specs = [
        IndicatorSpec("A", "x", threshold=100, points=3),  # gap 50 of 100 -> 0.5
        IndicatorSpec("B", "x", threshold=10, points=3),  # gap 8 of 10 -> 0.8
        IndicatorSpec("C", "x", threshold=5, points=8, direction="lower"),  # 7 -> gap 2
        IndicatorSpec("D", "x", threshold=1, points=1),  # met
        IndicatorSpec("E", "x", threshold=20, points=3),  # missing: largest gap
        IndicatorSpec("F", "x", threshold=0, points=1, direction="lower"),  # gap 4 (no ratio)
    ]
    values = {"A": 50, "B": 2, "C": 7, "D": 1, "F": 4}
    ranked = recommendations(values, specs)
    assert [r.indicator_id for r in ranked] == ["C", "E", "B", "A", "F"]
    assert ranked[0].points_at_stake == 8 and ranked[0].relative_gap == pytest.approx(0.4)
    assert ranked[1].gap is None and ranked[1].relative_gap is None
    assert ranked[-1].relative_gap == 4.0
    partly = recommendations(values, specs, earned_points={"C": 6})
    assert [r.indicator_id for r in partly][:2] == ["E", "B"]
    assert next(r for r in partly if r.indicator_id == "C").points_at_stake == 2


def test_report_recommendations_come_from_own_values():
    report = organisation_report(pool_of(SIX), "org-a")
    # By points: events 5, quality 4 (partial, not full), turnover 3, strategy 2.
    assert [r.indicator_id for r in report.recommendations] == [
        "SRV-01",
        "SRV-02",
        "MGT-01",
        "MGT-02",
    ]


# --- cycle comparison ---------------------------------------------------------------------------


def test_compare_cycles_per_indicator_respects_direction_and_encoding():
    previous = {"SRV-01": 30, "MGT-01": 12, "MGT-02": 0, "SRV-02": 2}
    current = {"SRV-01": 31, "MGT-01": 15, "MGT-02": 1, "SRV-02": 1}
    comparison = compare_cycles(previous, current, CATALOGUE)
    changes = {c.indicator_id: c.change for c in comparison.indicators}
    assert changes == {
        "SRV-01": Change.IMPROVED,
        "MGT-01": Change.DECLINED,  # turnover rose: lower is better
        "MGT-02": Change.IMPROVED,  # false -> true
        "SRV-02": Change.DECLINED,  # full -> partial
    }
    tolerant = compare_cycles(previous, current, CATALOGUE, tolerance=5)
    changes = {c.indicator_id: c.change for c in tolerant.indicators}
    assert changes["SRV-01"] is Change.UNCHANGED and changes["MGT-01"] is Change.UNCHANGED
    assert changes["MGT-02"] is Change.IMPROVED  # booleans compare exactly
    per_indicator = compare_cycles(previous, current, CATALOGUE, tolerance={"MGT-01": 3})
    changes = {c.indicator_id: c.change for c in per_indicator.indicators}
    assert (changes["SRV-01"], changes["MGT-01"]) == (Change.IMPROVED, Change.UNCHANGED)
    lower_better = compare_cycles({"MGT-01": 12}, {"MGT-01": 9}, [TURNOVER])
    assert lower_better.indicators[0].change is Change.IMPROVED
    missing = compare_cycles({"SRV-01": None}, {"SRV-01": 5}, [EVENTS])
    assert missing.indicators[0].change is Change.NOT_COMPARABLE


def test_compare_cycles_counts_improved_categories():
    previous = {
        "structures": Decimal("60"),
        "governance": Decimal("70"),
        "financing": Decimal("50"),
        "services": Decimal("80"),
        "achievements": Decimal("40"),
    }
    current = {
        "structures": Decimal("66.67"),
        "governance": Decimal("70.00"),
        "financing": Decimal("55"),
        "services": Decimal("75"),
        "achievements": Decimal("40.01"),
    }
    comparison = compare_cycles(
        {}, {}, [], previous_category_scores=previous, current_category_scores=current
    )
    changes = {c.category: c.change for c in comparison.categories}
    assert changes == {
        "structures": Change.IMPROVED,
        "governance": Change.UNCHANGED,
        "financing": Change.IMPROVED,
        "services": Change.DECLINED,
        "achievements": Change.IMPROVED,
    }
    assert comparison.improved_categories == ("structures", "financing", "achievements")
    assert comparison.improved_category_count == 3
    strict = compare_cycles(
        {},
        {},
        [],
        previous_category_scores=previous,
        current_category_scores=current,
        category_tolerance=Decimal("0.5"),
    )
    assert strict.improved_category_count == 2  # +0.01 is within half a point


# --- pool-level views ---------------------------------------------------------------------------


def test_pool_over_time_per_year():
    rows = [
        PoolRow(f"o{i}", {"SRV-01": float(i)}, overall_score=10.0 * i, assessment_year=2019)
        for i in range(5)
    ]
    rows += [PoolRow(f"o{i}", {"SRV-01": float(i + 10)}, assessment_year=2022) for i in range(4)]
    rows += [PoolRow("o9", {"SRV-01": 1.0})]  # no year: left out
    history = Pool.from_rows(rows, [EVENTS], reference_year=2024)
    y2019, y2022 = pool_over_time(history)
    assert (y2019.year, y2019.organisations) == (2019, 5)
    assert y2019.indicators[0].key == "SRV-01" and y2019.indicators[0].median == 2.0
    assert (y2019.overall.n, y2019.overall.median) == (5, 20.0)
    assert (y2022.year, y2022.organisations, y2022.indicators[0].n) == (2022, 4, 4)
    assert y2022.indicators[0].median is None  # four values: withheld
    assert y2019.categories[0].key == "services"
    with pytest.raises(ValueError, match="one row per organisation"):
        organisation_report(history, "o1")


def test_pool_overview_withholds_small_columns():
    overview = pool_overview(pool_of(SIX))
    by_id = {s.indicator_id: s for s in overview.indicators}
    assert overview.organisations == 6
    assert by_id["SRV-01"].share_meeting_threshold == 50.0  # 40 50 60 of six
    assert by_id["MGT-01"].share_meeting_threshold == pytest.approx(100 / 3)  # 5 and 8
    assert by_id["SRV-02"].n == 5 and by_id["SRV-02"].share_meeting_threshold == 40.0
    assert overview.overall.withheld is WithheldReason.TOO_FEW_VALUES


# --- building the pool ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([PoolRow("a", {"NOPE": 1})], "unknown indicator"),
        ([PoolRow("a", {}, category_scores={"nope": 1})], "unknown category"),
        ([PoolRow("a", {"MGT-02": 2})], "boolean"),
        ([PoolRow("a", {"SRV-02": 3})], "choice"),
        ([PoolRow("a", {"SRV-02": 0.5})], "choice"),
        ([PoolRow("a", {"SRV-01": math.inf})], "finite"),
        ([PoolRow("a", {}), PoolRow("a", {})], "twice"),
    ],
)
def test_pool_refuses_bad_rows(rows, message):
    with pytest.raises(ValueError, match=message):
        Pool.from_rows(rows, CATALOGUE, reference_year=2024)


def test_encoding_and_unknown_organisation():
    assert QUALITY.encode("partial") == 1.0 and QUALITY.encode(None) is None
    assert STRATEGY.encode(True) == 1.0 and EVENTS.encode(Decimal("2.5")) == 2.5
    assert IndicatorSpec.boolean("B", "x", threshold=False, points=1).is_met(0.0)
    with pytest.raises(ValueError):
        QUALITY.encode("excellent")
    with pytest.raises(KeyError):
        organisation_report(pool_of(SIX), "org-z")
    with pytest.raises(dataclasses.FrozenInstanceError):
        EVENTS.threshold = 1  # type: ignore[misc]


# --- properties -----------------------------------------------------------------------------


values_strategy = st.one_of(
    st.sampled_from([0.0, 1.0, 2.5, 10.0]),  # frequent ties
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.none(),
)


@settings(max_examples=60, deadline=None)
@given(
    others=st.lists(values_strategy, min_size=5, max_size=20),
    pair=st.tuples(values_strategy, values_strategy).filter(lambda p: None not in p),
    direction=st.sampled_from(list(Direction)),
)
def test_percentile_rank_is_bounded_and_monotone(others, pair, direction):
    spec = IndicatorSpec("X", "c", threshold=0, points=1, direction=direction)
    worse, better = sorted(pair, reverse=direction is Direction.LOWER)
    ranks = []
    for own in (worse, better):
        rows = {"own": {"X": own}} | {f"o{i}": {"X": v} for i, v in enumerate(others)}
        result = organisation_report(pool_of(rows, [spec]), "own").indicators[0]
        if result.withheld is not None:
            assert sum(v is not None for v in others) < MIN_OTHERS
            return
        ranks.append(result.percentile_rank)
        assert 0.0 <= result.percentile_rank <= 100.0
        assert result.percentile_rank == percentile_rank(
            own, [math.nan if v is None else v for v in others], direction
        )
    assert ranks[1] >= ranks[0]
