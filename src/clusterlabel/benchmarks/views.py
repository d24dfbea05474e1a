"""Benchmarking pages: the start page, one organisation's report (page and PDF) and the pool
views for programme owners.

An organisation the user may not see is a 404 (its existence is not revealed); the pool views
are a 404 for everyone but the programme owners. Every page reads a fixed number of queries
whatever the size of the pool (see ``selectors``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clusterlabel.access.policy import (
    Activity,
    can,
    can_view_benchmark_report,
    held_roles,
    viewable_pools,
)
from clusterlabel.accounts.choices import Role
from clusterlabel.benchmarks import charts
from clusterlabel.benchmarks.forms import PeerGroupForm
from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.reports import (
    BenchmarkReport,
    cell_text,
    format_percent,
    levels_key,
    sector_name,
    withheld_text,
)
from clusterlabel.benchmarks.reports import benchmark_report as build_report
from clusterlabel.benchmarks.selectors import (
    pool_composition,
    pool_scheme_version,
    pool_scheme_versions,
    pool_snapshot,
)
from clusterlabel.core.countries import country_name
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import LANGS, current_language
from clusterlabel.domain.benchmark import PeerGroup, pool_over_time, pool_overview
from clusterlabel.organisations.models import Organisation

# --- start page -----------------------------------------------------------------------------


@login_required
@require_safe
def benchmark_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    all_names = {
        version.scheme_id: version.name(current_language()) for version in pool_scheme_versions()
    }
    overseen = viewable_pools(user, all_names)
    manages = Role.CLUSTER_MANAGER in held_roles(user)
    if not (overseen or manages):
        raise Http404
    names = {pool_id: all_names[pool_id] for pool_id in overseen}
    context: dict[str, Any] = {"oversees": bool(overseen), "pool_names": all_names}
    latest = ReferenceAssessment.objects.filter(is_latest=True, organisation__isnull=False)
    own = Q(organisation__in=user.managed_organisations.values("pk")) if manages else Q(pk__in=[])
    latest = latest.filter(own | Q(pool_id__in=overseen))
    context["assessments"] = [
        (row, names.get(row.pool_id, row.pool_id))
        for row in latest.select_related("organisation").order_by(
            "organisation__cluster_name", "pool_id"
        )[:500]
    ]
    if context["oversees"]:
        counts: dict[str, dict[str, int]] = {}
        for pool_id, source, n in (
            ReferenceAssessment.objects.filter(is_latest=True)
            .values("pool_id", "source")
            .annotate(n=Count("pk"))
            .values_list("pool_id", "source", "n")
        ):
            counts.setdefault(pool_id, {})[source] = n
        context["pools"] = [
            {
                "id": pool_id,
                "name": name,
                "organisations": sum(counts.get(pool_id, {}).values()),
                "synthetic": counts.get(pool_id, {}).get(ReferenceSource.SYNTHETIC, 0),
                "imported": counts.get(pool_id, {}).get(ReferenceSource.IMPORT, 0),
                "own": counts.get(pool_id, {}).get(ReferenceSource.PROCEDURE, 0),
            }
            for pool_id, name in names.items()
        ]
    return render(request, "benchmarks/index.html", context)


# --- one organisation's report --------------------------------------------------------------


def _report_or_404(
    request: HttpRequest, pool_id: str, organisation_pk: int
) -> tuple[BenchmarkReport, PeerGroupForm]:
    organisation = Organisation.objects.filter(pk=organisation_pk).first()
    if organisation is None or not can_view_benchmark_report(request.user, pool_id, organisation):
        raise Http404
    form = PeerGroupForm(request.GET or None)
    group = PeerGroup.ALL
    if form.is_valid() and form.cleaned_data["group"]:
        group = PeerGroup(form.cleaned_data["group"])
    report = build_report(organisation, pool_id, peer_group=group, today=timezone.localdate())
    if report is None:
        raise Http404(_("This organisation has no assessment in this benchmarking pool."))
    return report, form


def _chart_context(report: BenchmarkReport) -> dict[str, Any]:
    own_label = _("Your organisation")
    group_label = _("Comparison group: quartiles, median, 10th to 90th percentile")
    score_rows = [(report.overall.name, report.overall.score, report.overall.distribution)] + [
        (block.score.name, block.score.score, block.score.distribution)
        for block in report.categories
    ]
    indicator_blocks = []
    rank_rows = []
    for block in report.categories:
        rows = []
        for row in block.indicators:
            label = _("%(indicator)s: your value %(value)s, threshold %(threshold)s") % {
                "indicator": row.name,
                "value": row.value,
                "threshold": row.threshold,
            }
            rows.append(
                (
                    row,
                    charts.position_strip_svg(
                        value=row.encoded_value,
                        threshold=row.encoded_threshold,
                        distribution=row.raw_distribution,
                        direction=row.indicator.direction,
                        label=label,
                    ),
                )
            )
            rank_rows.append((f"{row.indicator.id} {row.name}"[:48], row.percentile_rank, row.met))
        indicator_blocks.append((block, rows))
    has_statistics = report.withheld_text == ""
    return {
        "indicator_blocks": indicator_blocks,
        "score_chart": charts.score_chart_svg(
            score_rows,
            label=_("Score overall and per area against the comparison group"),
            own_label=own_label,
            group_label=group_label,
            axis=_("Score in % of the maximum"),
        )
        if has_statistics
        else "",
        "rank_chart": charts.rank_chart_svg(
            rank_rows,
            label=_("Percentile rank per indicator"),
            axis=_("Percentile rank (share of the group with a worse value)"),
            met_label=_("excellence threshold met"),
        )
        if has_statistics
        else "",
    }


@login_required
@require_safe
def organisation_report_page(
    request: AuthenticatedHttpRequest, pool_id: str, organisation_pk: int
) -> HttpResponse:
    report, form = _report_or_404(request, pool_id, organisation_pk)
    context = {
        "report": report,
        "form": form,
        "query": request.GET.urlencode(),
        "oversees": can(request.user, Activity.VIEW_POOL, pool_id),
        **_chart_context(report),
    }
    return render(request, "benchmarks/report.html", context)


@login_required
@require_safe
def organisation_report_pdf(
    request: AuthenticatedHttpRequest, pool_id: str, organisation_pk: int
) -> HttpResponse:
    lang = request.GET.get("lang")
    with translation.override(lang if lang in LANGS else current_language()):
        report, _form = _report_or_404(request, pool_id, organisation_pk)
        from clusterlabel.benchmarks.pdf import report_pdf, report_pdf_filename

        content = report_pdf(report, today=timezone.localdate())
        filename = report_pdf_filename(report)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the pool, for programme owners ---------------------------------------------------------


@login_required
@require_safe
def pool_overview_page(request: AuthenticatedHttpRequest, pool_id: str) -> HttpResponse:
    version = (
        pool_scheme_version(pool_id) if can(request.user, Activity.VIEW_POOL, pool_id) else None
    )
    if version is None:
        raise Http404
    today = timezone.localdate()
    snapshot = pool_snapshot(version, latest=True, today=today)
    history = pool_snapshot(version, latest=False, today=today)
    scheme = snapshot.scheme
    lang = current_language()
    overview = pool_overview(snapshot.pool)
    indicator_rows: list[dict[str, Any]] = []  # a table row per indicator, for the template
    for summary in overview.indicators:
        indicator = scheme.indicator(summary.indicator_id)
        distribution = summary.distribution
        indicator_rows.append(
            {
                "indicator": indicator,
                "name": indicator.name.get(lang),
                "category": scheme.category(indicator.category).name.get(lang),
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
    score_rows: list[dict[str, Any]] = []
    for score_summary in (*overview.categories, overview.overall):
        name = (
            scheme.category(score_summary.category).name.get(lang)
            if score_summary.category
            else _("Overall")
        )
        distribution = score_summary.distribution
        score_rows.append(
            {
                "name": name,
                "n": score_summary.n,
                "distribution": distribution,
                "quantiles": None
                if distribution is None
                else [format_percent(q) for q in distribution.quantiles],
                "withheld": withheld_text(score_summary.withheld),
            }
        )
    years = pool_over_time(history.pool)
    category_names = [scheme.category(c).name.get(lang) for c in history.pool.categories]
    year_rows = [
        {
            "year": summary.year,
            "organisations": summary.organisations,
            "overall": format_percent(summary.overall.median),
            "categories": [format_percent(value.median) for value in summary.categories],
        }
        for summary in years
    ]
    series = {_("Overall"): [summary.overall.median for summary in years]}
    for position, name in enumerate(category_names):
        series[name] = [summary.categories[position].median for summary in years]
    composition = pool_composition(pool_id)
    context = {
        "scheme": scheme,
        "scheme_name": scheme.name.get(lang),
        "pool_id": pool_id,
        "snapshot": snapshot,
        "indicator_rows": indicator_rows,
        "score_rows": score_rows,
        "year_rows": year_rows,
        "category_names": category_names,
        "countries": [(country_name(code), n) for code, n in composition["country"]],
        "sectors": [
            (sector_name(code) if code else _("unknown"), n) for code, n in composition["sector"]
        ],
        "sources": [(str(ReferenceSource(code).label), n) for code, n in composition["source"]],
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
    return render(request, "benchmarks/pool.html", context)
