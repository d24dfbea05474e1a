"""What the report page and the PDF show, built from ``selectors.ReportData`` and the domain's
answers; testable without HTTP. Texts in the language asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.report import (
    AreaVerdict,
    CategoryComparison,
    CategoryFindings,
    Trend,
    area_verdict,
    categories_lacking_findings,
    compare_categories,
)
from clusterlabel.domain.schemes import Lang
from clusterlabel.domain.scoring import AssessmentScore
from clusterlabel.reports.models import Feedback
from clusterlabel.reports.selectors import ReportData, findings_of

TREND_WORDS = {
    Trend.IMPROVED: _("improved"),
    Trend.DECLINED: _("declined"),
    Trend.UNCHANGED: _("unchanged"),
    Trend.NOT_COMPARABLE: _("not comparable"),
}
VERDICT_WORDS = {
    AreaVerdict.VALIDATED: _("validated"),
    AreaVerdict.NOT_VALIDATED: _("not validated"),
    AreaVerdict.NOT_REVIEWED: _("not reviewed yet"),
}
FEEDBACK_QUESTIONS = {
    "process": _("The procedure as a whole (clear, on time, worth the effort)"),
    "communication": _("Information and communication by the secretariat"),
    "panel_expertise": _("The assessors' expertise in your field"),
    "panel_fairness": _("The assessors' fairness and preparation"),
}


@dataclass(frozen=True)
class Remark:
    """An assessor's remark on one indicator (``IndicatorScore.comment``)."""

    indicator_id: str
    indicator: str
    text: str


@dataclass(frozen=True)
class CategorySection:
    category_id: str
    name: str
    findings: CategoryFindings
    remarks: list[Remark]
    comparison: CategoryComparison | None

    @property
    def trend_word(self) -> Any:
        return TREND_WORDS[self.comparison.trend] if self.comparison else ""


@dataclass(frozen=True)
class AreaLine:
    position: int
    category: str
    description: str
    verdict: AreaVerdict
    verdict_word: Any
    comment: str


@dataclass(frozen=True)
class AgreementLine:
    name: str
    assessor_id: int
    agreed: bool  # agrees to the current revision and still to the report as a whole


@dataclass(frozen=True)
class ReportView:
    """The report as the page and the PDF show it."""

    procedure: Any
    revision: int
    summary: str
    sections: list[CategorySection]
    lacking: list[str]  # names of categories without findings
    has_previous: bool
    previous_date: date | None
    areas: list[AreaLine]
    agreements: list[AgreementLine]
    feedback: Feedback | None
    overall_then: Decimal | None = None
    overall_now: Decimal | None = None
    category_names: dict[str, str] = field(default_factory=dict)


def _percents(score: AssessmentScore) -> dict[str, object]:
    return {category_id: c.percent for category_id, c in score.categories.items()}


def report_view(data: ReportData, language: Lang) -> ReportView:
    """The report in ``language``: per category of the scheme (in its order) the findings, the
    assessors' remarks on its indicators, and the score then and now when there was a previous
    assessment; the Silver improvement areas with the panel's verdict; who agrees."""
    procedure = data.procedure
    scheme = procedure.scheme
    names = {c.id: c.name.get(language) for c in scheme.categories}
    category_ids = [c.id for c in scheme.categories]
    findings = findings_of(data.report)
    previous = data.previous
    comparisons = {
        row.category_id: row
        for row in compare_categories(
            category_ids,
            previous=_percents(previous.score) if previous is not None else None,
            current=_percents(data.current),
        )
    }
    indicators = {i.id: i for i in scheme.indicators}
    remarks: dict[str, list[Remark]] = {c: [] for c in category_ids}
    order = {i.id: n for n, i in enumerate(scheme.indicators)}
    for score in sorted(procedure.scores.all(), key=lambda s: order.get(s.indicator_id, 0)):
        indicator = indicators.get(score.indicator_id)
        if indicator is None or not score.comment.strip():
            continue
        remarks[indicator.category].append(
            Remark(indicator.id, indicator.name.get(language), score.comment.strip())
        )
    sections = [
        CategorySection(
            category_id=category_id,
            name=names[category_id],
            findings=findings.get(category_id, CategoryFindings()),
            remarks=remarks[category_id],
            comparison=comparisons.get(category_id),
        )
        for category_id in category_ids
    ]
    revision = data.report.revision if data.report else 0
    agreed_at = (
        {a.assessor_id: a.revision for a in data.report.agreements.all()} if data.report else {}
    )
    agreements = [
        AgreementLine(
            name=a.assessor.get_full_name() or a.assessor.username,
            assessor_id=a.assessor_id,
            agreed=a.report_agreed and agreed_at.get(a.assessor_id) == revision,
        )
        for a in procedure.assignments.all()
    ]
    areas = [
        AreaLine(
            position=area.position,
            category=names.get(area.category_id, area.category_id),
            description=area.description,
            verdict=area_verdict(area.validated),
            verdict_word=VERDICT_WORDS[area_verdict(area.validated)],
            comment=area.review_comment,
        )
        for area in data.areas
    ]

    return ReportView(
        procedure=procedure,
        revision=revision,
        summary=procedure.report_summary,
        sections=sections,
        lacking=[names[c] for c in categories_lacking_findings(category_ids, findings)],
        has_previous=previous is not None,
        previous_date=previous.assessment_date if previous is not None else None,
        areas=areas,
        agreements=agreements,
        feedback=data.feedback,
        overall_then=previous.score.percent if previous is not None else None,
        overall_now=data.current.percent,
        category_names=names,
    )
