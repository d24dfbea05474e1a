"""A pool summarised per comparison group: what one organisation's report needs, without the rows.

:func:`~clusterlabel.domain.benchmark.organisation_report` sorts every column of the comparison
group for each report, so it needs the whole :class:`Pool` (at 10,000 organisations about 4 MB
to read). The groups and their members do not change between reports, so
:func:`pool_summaries` sorts each group once (all organisations, and every sector, country, age
band and size band that occurs) and keeps of it only what a report can read
(:class:`GroupSummary`: a few values per column), and of each organisation that may ask for a
report its own values and where they fall in its groups (:class:`MemberSummary`).
:func:`report_from_summaries` then gives the report ``organisation_report`` gives, the same
numbers from the same floating-point operations, reading a few kilobytes.

Why three values per column and quantile: the comparison group is the group without the
organisation itself. With ``S`` the group's present values sorted and ``r`` the number of them
below the organisation's own value, leaving that value out makes the comparison group's
``k``-th value ``S[k]`` for ``k < r`` and ``S[k + 1]`` otherwise. A quantile over ``m`` values
reads the values at ``floor((m - 1) p)`` and the next one. With its own value present
(``m = n - 1``) that is ``S[l]`` to ``S[l + 2]`` for ``l = floor((n - 2) p)``; with it missing
(``m = n``) it is ``S[floor((n - 1) p)]`` and the next, which lie in the same three places
because ``floor((n - 1) p) <= l + 1``. The percentile rank needs only how many of ``S`` are
below and equal to the own value.

The summaries are stored, never shown: a group's window holds its members' values around the
quantiles' positions (for a small group its minimum or maximum too), so they are as
confidential as the pool's rows. Only the report computed from them is shown, under the same
privacy rules (:func:`report_from_summaries` chooses the group and withholds as
``organisation_report`` does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clusterlabel.domain.benchmark.pool import (
    FloatArray,
    IndicatorSpec,
    OrganisationKey,
    PeerGroup,
    Pool,
)
from clusterlabel.domain.benchmark.report import (
    FallbackReason,
    GroupStatistics,
    OrganisationReport,
    choose_group,
    indicator_signs,
    report_from_statistics,
)
from clusterlabel.domain.benchmark.statistics import _QUANTILE_PROBABILITIES, _ColumnStats

IntArray = npt.NDArray[np.int64]

ATTRIBUTE_GROUPS = (PeerGroup.SECTOR, PeerGroup.COUNTRY, PeerGroup.AGE_BAND, PeerGroup.SIZE_BAND)

GroupKey = tuple[PeerGroup, int]
"""A comparison group of one pool: the peer group and the pool's code of the attribute
(``(PeerGroup.ALL, 0)`` for all organisations). Codes are the pool's own: valid only with
summaries made from the same pool."""

WINDOW = 3


@dataclass(frozen=True)
class GroupSummary:
    """One group of a pool (the organisations themselves included), as reports read it.

    ``size`` is the number of organisations; per column (the indicators, then the category
    scores and the overall score, as in the pool) ``n`` counts the present values and
    ``window[q, i, column]`` is the group's ``(l + i)``-th smallest present value for
    ``l = floor(max(n - 2, 0) * p_q)`` (NaN beyond the last), ``p_q`` the quantiles' probabilities.
    """

    size: int
    n: IntArray
    window: FloatArray


@dataclass(frozen=True)
class MemberSummary:
    """One organisation of a pool, as its report reads it: its own indicator values and scores
    (NaN = missing), and per peer group the code of its group (-1: its attribute is unknown),
    that group's size (itself included) and, per column, how many of the group's present
    values lie below (``below``) and how many equal (``equal``) its own."""

    organisation: OrganisationKey
    values: FloatArray
    scores: FloatArray
    codes: Mapping[PeerGroup, int]
    sizes: Mapping[PeerGroup, int]
    below: Mapping[PeerGroup, IntArray]
    equal: Mapping[PeerGroup, IntArray]

    def group(self, peer_group: PeerGroup) -> GroupKey:
        return (peer_group, self.codes[peer_group])


def _start(n: IntArray) -> IntArray:
    """Per quantile and column the first place of the window (``l`` in the module docstring)."""
    positions = np.maximum(n - 2, 0)[None, :] * _QUANTILE_PROBABILITIES[:, None]
    return np.floor(positions).astype(np.int64)


def _summarise(columns: FloatArray) -> tuple[GroupSummary, FloatArray]:
    """A group's summary from its rows, and its columns sorted (NaN last)."""
    ordered = np.sort(columns, axis=0)
    n = (~np.isnan(columns)).sum(axis=0).astype(np.int64)
    start = _start(n)
    window = np.full((len(_QUANTILE_PROBABILITIES), WINDOW, columns.shape[1]), np.nan)
    for offset in range(WINDOW):
        places = start + offset
        inside = places < n[None, :]
        if columns.shape[0]:
            taken = np.take_along_axis(ordered, np.minimum(places, columns.shape[0] - 1), axis=0)
            window[:, offset, :] = np.where(inside, taken, np.nan)
    summary = GroupSummary(size=int(columns.shape[0]), n=n, window=window)
    return summary, ordered


def _places(ordered: FloatArray, n: IntArray, own: FloatArray) -> tuple[IntArray, IntArray]:
    """Per member (rows of ``own``) and column: how many present values lie below its own and
    how many equal it (0 where its own is missing)."""
    below = np.zeros(own.shape, dtype=np.int64)
    equal = np.zeros(own.shape, dtype=np.int64)
    for column in range(own.shape[1]):
        present = ordered[: n[column], column]
        left = np.searchsorted(present, own[:, column], side="left")
        right = np.searchsorted(present, own[:, column], side="right")
        missing = np.isnan(own[:, column])
        below[:, column] = np.where(missing, 0, left)
        equal[:, column] = np.where(missing, 0, right - left)
    return below, equal


def pool_summaries(
    pool: Pool, members: Iterable[OrganisationKey]
) -> tuple[dict[GroupKey, GroupSummary], dict[OrganisationKey, MemberSummary]]:
    """Every group of ``pool`` summarised, and each of ``members`` (keys of the pool: the
    organisations that may ask for their report); see the module docstring. The pool must have
    one row per organisation."""
    if not pool.one_row_per_organisation:
        raise ValueError("group summaries need a pool with one row per organisation")
    columns = np.hstack([pool.values, pool.scores])
    keys = list(members)
    positions = np.array([pool._index[key] for key in keys], dtype=np.int64)
    own = columns[positions]
    groups: dict[GroupKey, GroupSummary] = {}
    codes: dict[PeerGroup, IntArray] = {PeerGroup.ALL: np.zeros(len(pool), dtype=np.int64)}
    for peer_group in ATTRIBUTE_GROUPS:
        codes[peer_group] = pool._attribute_codes[peer_group]
    sizes = {group: np.zeros(len(keys), dtype=np.int64) for group in codes}
    below = {group: np.zeros(own.shape, dtype=np.int64) for group in codes}
    equal = {group: np.zeros(own.shape, dtype=np.int64) for group in codes}
    for peer_group, pool_codes in codes.items():
        member_codes = pool_codes[positions]
        for code in np.unique(pool_codes[pool_codes >= 0]):
            summary, ordered = _summarise(columns[pool_codes == code])
            groups[(peer_group, int(code))] = summary
            inside = member_codes == code
            sizes[peer_group][inside] = summary.size
            below[peer_group][inside], equal[peer_group][inside] = _places(
                ordered, summary.n, own[inside]
            )
    member_summaries = {}
    for row, key in enumerate(keys):
        member_summaries[key] = MemberSummary(
            organisation=key,
            values=pool.values[positions[row]].copy(),
            scores=pool.scores[positions[row]].copy(),
            codes={group: int(codes[group][positions[row]]) for group in codes},
            sizes={group: int(sizes[group][row]) for group in codes},
            below={group: below[group][row].copy() for group in codes},
            equal={group: equal[group][row].copy() for group in codes},
        )
    return groups, member_summaries


def comparison_group(
    member: MemberSummary, requested: PeerGroup
) -> tuple[PeerGroup | None, FallbackReason | None]:
    """The group a report of ``member`` compares with and why it is not the one requested
    (``None``: even all organisations are too few), by the rule ``organisation_report``
    applies (:func:`~clusterlabel.domain.benchmark.report.choose_group`)."""
    requested = PeerGroup(requested)
    return choose_group(
        requested,
        attribute_known=member.codes[requested] >= 0,
        others=member.sizes[requested] - 1,
        all_others=member.sizes[PeerGroup.ALL] - 1,
    )


def _without_member(
    summary: GroupSummary, own: FloatArray, below: IntArray, equal: IntArray, signs: FloatArray
) -> tuple[_ColumnStats, FloatArray]:
    """The column statistics and percentile ranks of the group without the member, computed
    as ``statistics._column_stats`` and ``_percentile_ranks`` compute them over its rows."""
    present = ~np.isnan(own)
    n = summary.n - present.astype(np.int64)
    # As _column_stats: positions, neighbours and the interpolation over the m = n values left.
    positions = np.maximum(n - 1, 0)[None, :] * _QUANTILE_PROBABILITIES[:, None]
    lower = np.floor(positions).astype(np.int64)
    upper = np.minimum(lower + 1, np.maximum(n - 1, 0)[None, :])
    fraction = positions - lower
    start = _start(summary.n)
    shifted = present[None, :]

    def value_at(places: IntArray) -> FloatArray:
        # The k-th value without the member's own is S[k] below its place, S[k + 1] from it on.
        in_group = places + (shifted & (places >= below[None, :])).astype(np.int64)
        offsets = np.clip(in_group - start, 0, WINDOW - 1)
        return np.take_along_axis(summary.window, offsets[:, None, :], axis=1)[:, 0, :]

    below_value = value_at(lower)
    above_value = value_at(upper)
    with np.errstate(invalid="ignore"):
        quantiles = below_value + fraction * (above_value - below_value)
    quantiles[:, n == 0] = np.nan
    # As _percentile_ranks: worse (below for higher, above for lower columns) and ties, own
    # value left out.
    worse = np.where(signs > 0, below, summary.n - below - equal)
    ties = np.maximum(equal - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ranks = 100.0 * (worse + 0.5 * ties) / n
    ranks[(n == 0) | ~present] = np.nan
    return _ColumnStats(n=n, quantiles=quantiles), ranks


def report_from_summaries(
    indicators: Sequence[IndicatorSpec],
    member: MemberSummary,
    groups: Mapping[GroupKey, GroupSummary],
    *,
    peer_group: PeerGroup = PeerGroup.ALL,
    earned_points: Mapping[str, float] | None = None,
    categories: Sequence[str] | None = None,
) -> OrganisationReport:
    """The report ``organisation_report`` gives of ``member`` in the pool the summaries were
    made from (with its ``indicators`` and ``categories``, by default the indicators' in
    catalogue order, as :meth:`Pool.from_rows` has them). ``groups`` must hold the group
    :func:`comparison_group` chooses (a ``KeyError`` otherwise)."""
    peer_group = PeerGroup(peer_group)
    indicators = tuple(indicators)
    if categories is None:
        categories = tuple(dict.fromkeys(spec.category for spec in indicators))
    used_group, fallback_reason = comparison_group(member, peer_group)
    statistics = None
    if used_group is not None:
        summary = groups[member.group(used_group)]
        columns = len(indicators)
        own = np.concatenate([member.values, member.scores])
        signs = np.concatenate([indicator_signs(indicators), np.ones(member.scores.shape)])
        stats, ranks = _without_member(
            summary, own, member.below[used_group], member.equal[used_group], signs
        )
        statistics = GroupStatistics(
            others=member.sizes[used_group] - 1,
            indicators=_ColumnStats(n=stats.n[:columns], quantiles=stats.quantiles[:, :columns]),
            indicator_ranks=ranks[:columns],
            scores=_ColumnStats(n=stats.n[columns:], quantiles=stats.quantiles[:, columns:]),
            score_ranks=ranks[columns:],
        )
    return report_from_statistics(
        member.organisation,
        indicators,
        categories,
        own_values=member.values,
        own_scores=member.scores,
        requested_group=peer_group,
        used_group=used_group,
        fallback_reason=fallback_reason,
        statistics=statistics,
        earned_points=earned_points,
    )
