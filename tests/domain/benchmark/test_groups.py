"""Reports from the group summaries (clusterlabel.domain.benchmark.groups) are the reports
organisation_report computes from the pool's rows: the same numbers, exactly, for every
organisation, peer group, fallback and withheld column."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain.benchmark import (
    Direction,
    FallbackReason,
    IndicatorSpec,
    PeerGroup,
    Pool,
    PoolRow,
    organisation_report,
)
from clusterlabel.domain.benchmark.groups import (
    comparison_group,
    pool_summaries,
    report_from_summaries,
)

CATALOGUE = (
    IndicatorSpec("SRV-01", "services", threshold=40, points=5),
    IndicatorSpec("MGT-01", "management", threshold=10, points=3, direction=Direction.LOWER),
    IndicatorSpec.boolean("MGT-02", "management", threshold=True, points=2),
    IndicatorSpec.choice(
        "SRV-02", "services", choices=["none", "partial", "full"], threshold="full", points=4
    ),
)


def both_reports(pool: Pool, key, peer_group: PeerGroup, earned=None):
    """The report from the rows and the report from the summaries (read back as stored)."""
    direct = organisation_report(pool, key, peer_group=peer_group, earned_points=earned)
    groups, members = pickle.loads(pickle.dumps(pool_summaries(pool, [key])))
    member = members[key]
    used, _reason = comparison_group(member, peer_group)
    needed = {} if used is None else {member.group(used): groups[member.group(used)]}
    summarised = report_from_summaries(
        pool.indicators, member, needed, peer_group=peer_group, earned_points=earned
    )
    return direct, summarised


def rows_of(values: list[list[float | None]], attributes: list[tuple]) -> list[PoolRow]:
    return [
        PoolRow(
            organisation=f"org-{position}",
            values={spec.id: row[column] for column, spec in enumerate(CATALOGUE)},
            category_scores={"services": row[4], "management": row[5]},
            overall_score=row[6],
            sector=sector,
            country=country,
            founding_year=founded,
            committed_members=members,
        )
        for position, (row, (sector, country, founded, members)) in enumerate(
            zip(values, attributes, strict=True)
        )
    ]


def test_a_hand_made_pool_gives_the_same_report_in_every_peer_group():
    values = [
        [30, 12, 0, 1, 50.0, 40.0, 45.0],
        [10, 5, 1, 2, 20.0, 80.0, 50.0],
        [20, 12, 1, 0, 30.0, None, 30.0],
        [40, 20, 0, 2, 70.0, 40.0, 55.0],
        [50, 15, 1, 1, 70.0, 60.0, 65.0],
        [60, 8, 1, None, 90.0, 60.0, 75.0],
        [30, None, 1, 2, 50.0, 60.0, 55.0],
        [None, 12, 0, 1, 10.0, 20.0, 15.0],
        [30, 12, 1, 1, 50.0, 40.0, 45.0],
        [45.5, 9.25, 1, 2, 60.0, 40.0, 50.0],
        [12, 3, 0, 0, 10.0, 90.0, 50.0],
    ]
    attributes = [
        ("bio", "DE", 2001, 30),
        ("bio", "DE", 2010, 100),
        ("bio", "AT", 2021, 10),
        ("ict", "DE", None, 200),
        ("bio", "DE", 2015, 30),
        ("bio", "FR", 1999, None),
        ("ict", "DE", 2001, 30),
        ("bio", "DE", 2001, 30),
        ("ict", None, 2001, 40),
        ("bio", "DE", 2012, 30),
        ("ict", "DE", 1990, 30),
    ]
    pool = Pool.from_rows(rows_of(values, attributes), CATALOGUE, reference_year=2024)
    compared = 0
    for key in pool._index:
        for peer_group in PeerGroup:
            direct, summarised = both_reports(pool, key, peer_group, earned={"SRV-01": 2.0})
            assert summarised == direct
            compared += 1
    assert compared == 11 * 5


def test_the_fallbacks_and_the_pool_too_small_are_the_same():
    values = [[v, 1, 1, 1, 10.0, 10.0, 10.0] for v in range(5)]
    attributes = [("bio", None, 2001, 30)] * 4 + [("ict", "DE", 2001, 30)]
    pool = Pool.from_rows(rows_of(values, attributes), CATALOGUE, reference_year=2024)
    direct, summarised = both_reports(pool, "org-0", PeerGroup.SECTOR)
    assert summarised == direct
    assert direct.statistics_withheld is not None  # four others: nothing at all
    # Nine: eight in the sector "bio", none with a known country.
    pool = Pool.from_rows(
        rows_of((values * 2)[:9], (attributes * 2)[:9]), CATALOGUE, reference_year=2024
    )
    for peer_group, reason in (
        (PeerGroup.COUNTRY, FallbackReason.ATTRIBUTE_UNKNOWN),
        (PeerGroup.SECTOR, None),
    ):
        direct, summarised = both_reports(pool, "org-0", peer_group)
        assert summarised == direct
        assert direct.fallback_reason is reason


def test_an_empty_list_of_members_summarises_the_groups_only():
    values = [[v, 1, 1, 1, 10.0, 10.0, 10.0] for v in range(6)]
    pool = Pool.from_rows(
        rows_of(values, [("bio", "DE", 2001, 30)] * 6), CATALOGUE, reference_year=2024
    )
    groups, members = pool_summaries(pool, [])
    assert members == {}
    assert groups[(PeerGroup.ALL, 0)].size == 6
    assert set(groups) == {(group, 0) for group in PeerGroup}


def test_a_history_pool_is_refused():
    rows = [
        PoolRow(organisation="a", values={"SRV-01": 1.0}, assessment_year=year)
        for year in (2023, 2024)
    ]
    pool = Pool.from_rows(rows, CATALOGUE[:1], reference_year=2024)
    with pytest.raises(ValueError, match="one row per organisation"):
        pool_summaries(pool, ["a"])


value = st.one_of(
    st.sampled_from([0.0, 1.0, 2.0, 2.5, 10.0]),  # frequent ties
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False),
    st.none(),
)
flag = st.one_of(st.sampled_from([0.0, 1.0]), st.none())
rank = st.one_of(st.sampled_from([0.0, 1.0, 2.0]), st.none())
score = st.one_of(
    st.sampled_from([0.0, 50.0, 100.0]), st.floats(min_value=0, max_value=100), st.none()
)
row = st.tuples(value, value, flag, rank, score, score, score)
attribute = st.tuples(
    st.sampled_from(["bio", "ict", None]),
    st.sampled_from(["DE", "AT", None]),
    st.sampled_from([1990, 2015, 2023, None]),
    st.sampled_from([10, 50, 100, 300, None]),
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(row, attribute), min_size=1, max_size=40),
    peer_group=st.sampled_from(list(PeerGroup)),
    data=st.data(),
)
def test_any_pool_gives_the_same_report_from_its_summaries(rows, peer_group, data):
    values = [list(values) for values, _ in rows]
    pool = Pool.from_rows(
        rows_of(values, [attributes for _, attributes in rows]), CATALOGUE, reference_year=2024
    )
    key = f"org-{data.draw(st.integers(min_value=0, max_value=len(rows) - 1))}"
    direct, summarised = both_reports(pool, key, peer_group)
    assert summarised == direct
    # Equal as dataclasses could hide a NaN compared with itself: none is in a report.
    assert not np.isnan(
        [q for r in direct.indicators if r.distribution for q in r.distribution.quantiles if q]
        + [0.0]
    ).any()
