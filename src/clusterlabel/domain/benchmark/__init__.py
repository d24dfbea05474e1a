"""Benchmarking statistics: where an organisation stands against the reference pool.

Pure Python and NumPy, no Django: the benchmarks app builds a :class:`Pool` from the latest
completed assessment per organisation of one scheme and asks this module the questions.

The reference pool
    One row per organisation (:class:`PoolRow`): an opaque key, the attributes peers are grouped
    by (sector, country, founding year, committed members), the indicator values encoded as
    numbers (booleans as 0/1, choices as their rank, worst = 0; see :meth:`IndicatorSpec.encode`)
    and the category and overall score percentages. :meth:`Pool.from_rows` builds, once, a
    ``organisations x indicators`` float array (NaN = missing) plus integer-coded attribute
    arrays; every query afterwards is a handful of vectorised NumPy operations over columns.

Definitions (the guarantees the results give)
    *Comparison group*: the organisations of the chosen peer group **other than** the
    organisation itself. It is never part of its own comparison: not counted in ``n``, not in the
    distribution, not in its percentile rank.

    *Percentile rank* (:func:`percentile_rank`): over the ``n`` organisations of the comparison
    group that have a value, ``100 * (worse + ties / 2) / n`` where *worse* counts values worse
    than the organisation's (smaller for ``higher``, larger for ``lower`` indicators) and *ties*
    counts equal values. It lies in ``[0, 100]``, is 50 when everybody ties, and never falls
    when the organisation's value gets better.

    *Distribution*: quantiles of the raw values, ascending whatever the direction (for a
    ``lower`` indicator ``q1`` is the better quarter), with NumPy's default ``linear`` method
    (Hyndman & Fan type 7: position ``(n - 1) * p`` in the sorted values, interpolated between
    the two neighbours). Missing values are left out; ``n`` counts only present values.

    *Gap*: how far the value still is from the excellence threshold, signed so that positive
    means "still to go" (``threshold - value`` for ``higher``, ``value - threshold`` for
    ``lower``) and 0 when the threshold is met; ``None`` when the value is missing. *Met* uses
    the scoring rule of ``docs/scheme-format.md`` (``>=`` resp. ``<=``; for booleans and
    choices encoded as below this is equality resp. "the same or a later choice").

Peer groups and bands
    :class:`PeerGroup`: all organisations, same sector, same country, same age band, same size
    band. Sector and country are compared exactly as given (the caller normalises them, e.g.
    ISO 3166-1 codes). Age bands (years since founding, counted to the pool's
    ``reference_year``): under 3, 3-9, 10-19, 20 and more. Size bands (committed members):
    under 25, 25-74, 75-149, 150 and more. An unknown attribute puts the organisation in no
    band; a founding year after the reference year counts as unknown.

Privacy (DOMAIN.md point 6: small peer groups never reveal another organisation's values)
    1. No statistic is computed over fewer than :data:`MIN_OTHERS` (5) other organisations.
       The requested peer group needs at least 5 others, or the report falls back to *all
       organisations* (the only fallback step; ``fell_back`` and ``fallback_reason`` say so).
       If the whole pool has fewer than 5 others, the report carries no statistics at all
       (``statistics_withheld``). Inside the group used, an indicator (or score) that fewer
       than 5 others have a value for is withheld on its own (``withheld``); the report does
       not switch groups per indicator, so every figure on one page describes the same group.
    2. No result holds another organisation's key, and no result holds an individual value in
       a way that can be tied to an organisation.
    3. Raw minimum and maximum are never reported. They are, by definition, one organisation's
       exact value, and the leader or the laggard of a small peer group is usually known by
       name. The whiskers are the 10th and 90th percentiles instead, and only when at least
       :data:`MIN_OTHERS_FOR_WHISKERS` (10) others have a value: with fewer, the five
       statistics would be five linear equations in five or six unknown values and could be
       solved for all of them (with 5 values, ``p10 = 0.6 v0 + 0.4 v1`` and ``q1 = v1``). With
       ``n >= 10`` the 10th percentile puts weight <= 0.1 on the lowest value and involves a
       second value that no other statistic involves, so the extremes can neither be read nor
       solved for; the same holds for the quartiles (position ``>= 1`` from either end). The
       quartiles and the median of a group of 5-9 are middle order statistics (with 5 values
       ``q1``, ``median`` and ``q3`` are exactly the 2nd, 3rd and 4th); that is accepted, as it
       is for any published median: nothing says whose they are.
    Residual risk, not handled here: someone who can see reports before and after one
    organisation joins a small group may learn something by differencing; the benchmarks app
    should not let users pick arbitrary sub-pools.

Where things are
    This package's namespace is the public import path for every name of benchmarking
    (``__all__``). Inside: the vocabulary, the inputs and the :class:`Pool` in
    :mod:`~clusterlabel.domain.benchmark.pool`; the vectorised column statistics (quantiles,
    percentile ranks, :class:`Distribution`) and the privacy thresholds in
    :mod:`~clusterlabel.domain.benchmark.statistics`; the organisation report
    (:func:`organisation_report`) and :func:`recommendations` in
    :mod:`~clusterlabel.domain.benchmark.report`; the cycle comparison (:func:`compare_cycles`)
    in :mod:`~clusterlabel.domain.benchmark.cycles`; the pool-level views for programme owners
    (:func:`pool_overview`, :func:`pool_over_time`) in
    :mod:`~clusterlabel.domain.benchmark.overview`; the pool summarised per comparison group,
    from which a report reads a few kilobytes instead of the pool (:func:`pool_summaries`,
    :func:`report_from_summaries`), in :mod:`~clusterlabel.domain.benchmark.groups`. From a
    scheme and a scored assessment to the statistics' inputs is
    :mod:`~clusterlabel.domain.benchmark.from_scheme` (imported from there: it needs the scheme
    model and scoring, the statistics do not).
"""

from clusterlabel.domain.benchmark.cycles import (
    Change,
    CycleComparison,
    IndicatorChange,
    ScoreChange,
    compare_cycles,
)
from clusterlabel.domain.benchmark.groups import (
    GroupSummary,
    MemberSummary,
    comparison_group,
    pool_summaries,
    report_from_summaries,
)
from clusterlabel.domain.benchmark.overview import (
    PoolIndicatorSummary,
    PoolOverview,
    PoolScoreSummary,
    YearSummary,
    YearValue,
    pool_over_time,
    pool_overview,
)
from clusterlabel.domain.benchmark.pool import (
    AGE_BANDS,
    SIZE_BANDS,
    Direction,
    IndicatorKind,
    IndicatorSpec,
    PeerGroup,
    Pool,
    PoolRow,
    WithheldReason,
    age_band,
    size_band,
)
from clusterlabel.domain.benchmark.report import (
    FallbackReason,
    IndicatorResult,
    OrganisationReport,
    Recommendation,
    ScoreResult,
    organisation_report,
    recommendations,
)
from clusterlabel.domain.benchmark.statistics import (
    MIN_OTHERS,
    MIN_OTHERS_FOR_WHISKERS,
    Distribution,
    percentile_rank,
)

__all__ = [
    "AGE_BANDS",
    "MIN_OTHERS",
    "MIN_OTHERS_FOR_WHISKERS",
    "SIZE_BANDS",
    "Change",
    "CycleComparison",
    "Direction",
    "Distribution",
    "FallbackReason",
    "GroupSummary",
    "IndicatorChange",
    "IndicatorKind",
    "IndicatorResult",
    "IndicatorSpec",
    "MemberSummary",
    "OrganisationReport",
    "PeerGroup",
    "Pool",
    "PoolIndicatorSummary",
    "PoolOverview",
    "PoolRow",
    "PoolScoreSummary",
    "Recommendation",
    "ScoreChange",
    "ScoreResult",
    "WithheldReason",
    "YearSummary",
    "YearValue",
    "age_band",
    "compare_cycles",
    "comparison_group",
    "organisation_report",
    "percentile_rank",
    "pool_over_time",
    "pool_overview",
    "pool_summaries",
    "recommendations",
    "report_from_summaries",
    "size_band",
]
