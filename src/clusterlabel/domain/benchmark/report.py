"""The organisation report: where one organisation stands against its comparison group.

Every figure follows the definitions and privacy rules of :mod:`~clusterlabel.domain.benchmark`;
:func:`recommendations` orders the indicators still below their threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from clusterlabel.domain.benchmark.pool import (
    BoolArray,
    Direction,
    FloatArray,
    IndicatorSpec,
    OrganisationKey,
    PeerGroup,
    Pool,
    WithheldReason,
)
from clusterlabel.domain.benchmark.statistics import (
    MIN_OTHERS,
    Distribution,
    _column_stats,
    _ColumnStats,
    _distribution,
    _optional,
    _percentile_ranks,
)

# --------------------------------------------------------------------------------------------
# Vocabulary


class FallbackReason(StrEnum):
    """Why a report uses *all organisations* instead of the requested peer group."""

    PEER_GROUP_TOO_SMALL = "peer_group_too_small"
    """The requested peer group has fewer than :data:`MIN_OTHERS` other organisations."""
    ATTRIBUTE_UNKNOWN = "attribute_unknown"
    """The organisation's own sector / country / age / size is not known."""


# --------------------------------------------------------------------------------------------
# Results


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
    own_values = pool.values[position]
    own_scores = pool.scores[position]
    statistics = None
    if mask is not None:
        group_values = pool.values[mask]
        group_scores = pool.scores[mask]
        statistics = GroupStatistics(
            others=int(mask.sum()),
            indicators=_column_stats(group_values),
            indicator_ranks=_percentile_ranks(
                group_values, own_values, indicator_signs(pool.indicators)
            ),
            scores=_column_stats(group_scores),
            score_ranks=_percentile_ranks(group_scores, own_scores, np.ones(own_scores.shape)),
        )
    return report_from_statistics(
        organisation,
        pool.indicators,
        pool.categories,
        own_values=own_values,
        own_scores=own_scores,
        requested_group=peer_group,
        used_group=used_group,
        fallback_reason=fallback_reason,
        statistics=statistics,
        earned_points=earned_points,
    )


def indicator_signs(indicators: Sequence[IndicatorSpec]) -> FloatArray:
    """+1 for every ``higher`` indicator, -1 for every ``lower`` one, in their order."""
    return np.array([1.0 if spec.direction is Direction.HIGHER else -1.0 for spec in indicators])


@dataclass(frozen=True)
class GroupStatistics:
    """The comparison group's statistics for one organisation (itself left out): its size
    (``others``), per indicator and per score column the counts and quantiles, and the
    organisation's percentile ranks."""

    others: int
    indicators: _ColumnStats
    indicator_ranks: FloatArray
    scores: _ColumnStats
    score_ranks: FloatArray


def report_from_statistics(
    organisation: OrganisationKey,
    indicators: Sequence[IndicatorSpec],
    categories: Sequence[str],
    *,
    own_values: FloatArray,
    own_scores: FloatArray,
    requested_group: PeerGroup,
    used_group: PeerGroup | None,
    fallback_reason: FallbackReason | None,
    statistics: GroupStatistics | None,
    earned_points: Mapping[str, float] | None,
) -> OrganisationReport:
    """The report from the organisation's own values and its comparison group's statistics
    (``None``: the pool is too small for any); the privacy rules applied here are the same
    whoever computed the statistics (:func:`organisation_report` from the pool's rows,
    :mod:`~clusterlabel.domain.benchmark.groups` from the group summaries)."""
    report_withheld = WithheldReason.POOL_TOO_SMALL if statistics is None else None
    indicator_results = []
    for column, spec in enumerate(indicators):
        value = _optional(own_values[column])
        rank, distribution, withheld = _column_result(
            None if statistics is None else statistics.indicators,
            None if statistics is None else statistics.indicator_ranks,
            column,
            report_withheld,
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
    for column, category in enumerate((*categories, None)):
        rank, distribution, withheld = _column_result(
            None if statistics is None else statistics.scores,
            None if statistics is None else statistics.score_ranks,
            column,
            report_withheld,
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

    own = {spec.id: _optional(own_values[c]) for c, spec in enumerate(indicators)}
    return OrganisationReport(
        organisation=organisation,
        requested_group=requested_group,
        used_group=used_group,
        fell_back=fallback_reason is not None,
        fallback_reason=fallback_reason,
        group_size=None if statistics is None else statistics.others,
        statistics_withheld=report_withheld,
        indicators=tuple(indicator_results),
        categories=tuple(score_results[:-1]),
        overall=score_results[-1],
        recommendations=recommendations(own, indicators, earned_points=earned_points),
    )


def _comparison_group(
    pool: Pool, position: int, requested: PeerGroup
) -> tuple[BoolArray | None, PeerGroup | None, FallbackReason | None]:
    """The mask of the other organisations compared with, the group used, why it fell back."""
    own_code = -1
    others = 0
    if requested is not PeerGroup.ALL:
        codes = pool._attribute_codes[requested]
        own_code = int(codes[position])
        others = int((codes == own_code).sum()) - 1 if own_code >= 0 else 0
    used, fallback_reason = choose_group(
        requested, attribute_known=own_code >= 0, others=others, all_others=len(pool) - 1
    )
    if used is None:
        return None, None, fallback_reason
    if used is PeerGroup.ALL:
        mask = np.ones(len(pool), dtype=np.bool_)
    else:
        mask = pool._attribute_codes[used] == own_code
    mask[position] = False
    return mask, used, fallback_reason


def choose_group(
    requested: PeerGroup, *, attribute_known: bool, others: int, all_others: int
) -> tuple[PeerGroup | None, FallbackReason | None]:
    """The group a report compares with and why it is not the one requested (privacy rule 1
    of :mod:`~clusterlabel.domain.benchmark`): the requested peer group when the organisation's
    attribute is known (``attribute_known``; always for all organisations) and the group holds
    at least :data:`MIN_OTHERS` other organisations (``others``), else all organisations when
    they are enough (``all_others``), else none."""
    fallback_reason: FallbackReason | None = None
    if requested is not PeerGroup.ALL:
        if not attribute_known:
            fallback_reason = FallbackReason.ATTRIBUTE_UNKNOWN
        elif others >= MIN_OTHERS:
            return requested, None
        else:
            fallback_reason = FallbackReason.PEER_GROUP_TOO_SMALL
    if all_others >= MIN_OTHERS:
        return PeerGroup.ALL, fallback_reason
    return None, fallback_reason


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
