"""What the benchmarking pages show, built without a request: the start page's lists, the pool
page's tables and charts (for programme owners) and the report page's charts (one
organisation's report, worded by :mod:`~clusterlabel.benchmarks.reports`).

Views ask the policy who may see a pool or a report, then hand these functions what the
policy allowed; nothing here widens it. The confidentiality rules hold by construction:

* the pool page shows the pool's distributions, shares, medians and counts, never a row;
* the report page's charts are drawn from the organisation's own values and the comparison
  group's distributions that the report already holds; where the report withholds the group's
  statistics, no score or rank chart is drawn and no strip gets a distribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from clusterlabel.benchmarks import charts
from clusterlabel.benchmarks.forms import PeerGroupForm
from clusterlabel.benchmarks.models import ReferenceSource
from clusterlabel.benchmarks.reports import (
    BenchmarkReport,
    IndicatorRow,
    cell_text,
    format_percent,
    levels_key,
    sector_name,
    withheld_text,
)
from clusterlabel.benchmarks.selectors import (
    PoolSnapshot,
    latest_assessments,
    latest_counts_by_source,
    pool_snapshot,
    pool_summary,
)
from clusterlabel.core.countries import country_name
from clusterlabel.domain.benchmark import PoolOverview, YearSummary
from clusterlabel.domain.schemes import Lang, Scheme
from clusterlabel.schemes.models import SchemeVersion

# --- the start page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolCounts:
    """A pool on the start page: how many organisations, and from where they come."""

    id: str
    name: str
    organisations: int
    synthetic: int
    imported: int
    own: int


def pool_counts(
    names: Mapping[str, str], counts: Mapping[str, Mapping[str, int]]
) -> list[PoolCounts]:
    """A row per pool of ``names`` (pool id -> name), from the latest rows per source."""
    rows = []
    for pool_id, name in names.items():
        per_source = counts.get(pool_id, {})
        rows.append(
            PoolCounts(
                id=pool_id,
                name=name,
                organisations=sum(per_source.values()),
                synthetic=per_source.get(ReferenceSource.SYNTHETIC, 0),
                imported=per_source.get(ReferenceSource.IMPORT, 0),
                own=per_source.get(ReferenceSource.PROCEDURE, 0),
            )
        )
    return rows


def index_page(
    *,
    pool_names: Mapping[str, str],
    overseen: Iterable[str],
    managed_organisations: Any | None,
) -> dict[str, Any]:
    """The start page: the reports of the organisations the user manages
    (``managed_organisations``, a queryset of their ids, ``None`` for someone who manages
    none) and of the pools they oversee (``overseen``, as the policy answered), and for those
    who oversee a pool the pools' sizes."""
    overseen = list(overseen)
    names = {pool_id: pool_names[pool_id] for pool_id in overseen}
    context: dict[str, Any] = {
        "oversees": bool(overseen),
        "pool_names": dict(pool_names),
        "assessments": [
            (row, names.get(row.pool_id, row.pool_id))
            for row in latest_assessments(organisations=managed_organisations, pool_ids=overseen)
        ],
    }
    if overseen:
        context["pools"] = pool_counts(names, latest_counts_by_source())
    return context


# --- one organisation's report ------------------------------------------------------------------


def _strip(row: IndicatorRow) -> str:
    label = _("%(indicator)s: your value %(value)s, threshold %(threshold)s") % {
        "indicator": row.name,
        "value": row.value,
        "threshold": row.threshold,
    }
    return charts.position_strip_svg(
        value=row.encoded_value,
        threshold=row.encoded_threshold,
        distribution=row.raw_distribution,
        direction=row.indicator.direction,
        label=label,
    )


def report_charts(report: BenchmarkReport) -> dict[str, Any]:
    """The report page's charts: a strip per indicator (in ``indicator_blocks``, beside its
    row), the scores against the group and the percentile ranks; the last two only where the
    report shows the group's statistics."""
    indicator_blocks = [
        (block, [(row, _strip(row)) for row in block.indicators]) for block in report.categories
    ]
    if report.withheld_text:
        return {"indicator_blocks": indicator_blocks, "score_chart": "", "rank_chart": ""}
    score_rows = [(report.overall.name, report.overall.score, report.overall.distribution)] + [
        (block.score.name, block.score.score, block.score.distribution)
        for block in report.categories
    ]
    rank_rows = [
        (f"{row.indicator.id} {row.name}"[:48], row.percentile_rank, row.met)
        for block in report.categories
        for row in block.indicators
    ]
    return {
        "indicator_blocks": indicator_blocks,
        "score_chart": charts.score_chart_svg(
            score_rows,
            label=_("Score overall and per area against the comparison group"),
            own_label=_("Your organisation"),
            group_label=_("Comparison group: quartiles, median, 10th to 90th percentile"),
            axis=_("Score in % of the maximum"),
        ),
        "rank_chart": charts.rank_chart_svg(
            rank_rows,
            label=_("Percentile rank per indicator"),
            axis=_("Percentile rank (share of the group with a worse value)"),
            met_label=_("excellence threshold met"),
        ),
    }


def report_page(
    report: BenchmarkReport, *, form: PeerGroupForm, query: str, oversees: bool
) -> dict[str, Any]:
    """Everything the report page shows: the worded report, the peer group ``form`` (its
    choices are ``report.peer_choices``), the ``query`` the PDF link keeps, whether the reader
    oversees the pool (a link back to it), and the charts."""
    return {
        "report": report,
        "form": form,
        "query": query,
        "oversees": oversees,
        **report_charts(report),
    }


# --- the pool, for programme owners -------------------------------------------------------------


def indicator_table(scheme: Scheme, overview: PoolOverview, language: Lang) -> list[dict[str, Any]]:
    """A row per indicator: its threshold, how many have a value, the quantiles (none where
    withheld) and the share meeting the threshold."""
    rows = []
    for summary in overview.indicators:
        indicator = scheme.indicator(summary.indicator_id)
        distribution = summary.distribution
        rows.append(
            {
                "indicator": indicator,
                "name": indicator.name.get(language),
                "category": scheme.category(indicator.category).name.get(language),
                "threshold": cell_text(indicator, summary.threshold),
                "levels": levels_key(indicator) if indicator.type == "choice" else "",
                "n": summary.n,
                "quantiles": None
                if distribution is None
                else [cell_text(indicator, q, unit=False) for q in distribution.quantiles],
                "share": summary.share_meeting_threshold,
                "share_text": format_percent(summary.share_meeting_threshold),
                "withheld": withheld_text(summary.withheld),
            }
        )
    return rows


def score_table(scheme: Scheme, overview: PoolOverview, language: Lang) -> list[dict[str, Any]]:
    """A row per area and one overall: how many, and the quantiles of the scores in %."""
    rows = []
    for summary in (*overview.categories, overview.overall):
        name = (
            scheme.category(summary.category).name.get(language)
            if summary.category
            else _("Overall")
        )
        distribution = summary.distribution
        rows.append(
            {
                "name": name,
                "n": summary.n,
                "distribution": distribution,
                "quantiles": None
                if distribution is None
                else [format_percent(q) for q in distribution.quantiles],
                "withheld": withheld_text(summary.withheld),
            }
        )
    return rows


def year_table(years: Sequence[YearSummary]) -> list[dict[str, Any]]:
    """A row per year of assessment: how many organisations, the median overall and per area."""
    return [
        {
            "year": summary.year,
            "organisations": summary.organisations,
            "overall": format_percent(summary.overall.median),
            "categories": [format_percent(value.median) for value in summary.categories],
        }
        for summary in years
    ]


def composition_lists(composition: Mapping[str, list[tuple[str, int]]]) -> dict[str, Any]:
    """The pool by country, sector and source, named in the current language."""
    return {
        "countries": [(country_name(code), n) for code, n in composition["country"]],
        "sectors": [
            (sector_name(code) if code else _("unknown"), n) for code, n in composition["sector"]
        ],
        "sources": [(str(ReferenceSource(code).label), n) for code, n in composition["source"]],
    }


def pool_page(
    snapshot: PoolSnapshot,
    history: PoolSnapshot,
    composition: Mapping[str, list[tuple[str, int]]],
    *,
    language: Lang,
) -> dict[str, Any]:
    """Everything the pool page shows: the latest pool (``snapshot``) per indicator and per
    area, its composition, and the medians per year of assessment (``history``)."""
    scheme = snapshot.scheme
    overview = pool_summary(snapshot)
    assert isinstance(overview, PoolOverview), "the latest pool's summary is its overview"
    indicator_rows = indicator_table(scheme, overview, language)
    score_rows = score_table(scheme, overview, language)
    years = pool_summary(history)
    assert isinstance(years, tuple), "the history's summary is its years"
    # Both pools have the catalogue's categories (those with indicators), in its order.
    category_names = [
        scheme.category(summary.category).name.get(language)
        for summary in overview.categories
        if summary.category is not None
    ]
    series = {_("Overall"): [summary.overall.median for summary in years]}
    for position, name in enumerate(category_names):
        series[name] = [summary.categories[position].median for summary in years]
    return {
        "scheme": scheme,
        "scheme_name": scheme.name.get(language),
        "pool_id": snapshot.pool_id,
        "snapshot": snapshot,
        "indicator_rows": indicator_rows,
        "score_rows": score_rows,
        "year_rows": year_table(years),
        "category_names": category_names,
        **composition_lists(composition),
        "share_chart": charts.share_chart_svg(
            [(f"{row['indicator'].id} {row['name']}"[:48], row["share"]) for row in indicator_rows],
            label=_("Share of the pool meeting each excellence threshold"),
            axis=_("Organisations meeting the threshold (%)"),
        ),
        "over_time_chart": charts.medians_over_time_svg(
            [summary.year for summary in years],
            series,
            label=_("Median score per year of assessment"),
            axis=_("Median score (%)"),
        )
        if years
        else "",
        "score_chart": charts.score_chart_svg(
            [(row["name"], None, row["distribution"]) for row in score_rows],
            label=_("Scores of the pool per area"),
            own_label="",
            group_label=_("Pool: quartiles, median, 10th to 90th percentile"),
            axis=_("Score in % of the maximum"),
        ),
    }


def pool_page_for(version: SchemeVersion, *, today: date, language: Lang) -> dict[str, Any]:
    """The pool page of ``version``'s pool, read through the selectors (the latest pool, its
    history and its composition, as stored when the pool changed: a fixed number of queries
    whatever the pool's size)."""
    latest = pool_snapshot(version, latest=True, today=today)
    return pool_page(
        latest,
        pool_snapshot(version, latest=False, today=today),
        latest.composition,
        language=language,
    )
