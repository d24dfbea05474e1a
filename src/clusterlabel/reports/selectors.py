"""Reads of the structured report and of the feedback, with their prefetches.

``report_data`` reads the report of one procedure in a fixed number of queries whatever the
number of categories, findings and assessors; ``feedback_summary`` aggregates a scheme's
feedback and its experts' lines in two queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from clusterlabel.domain.award import PreviousAssessment
from clusterlabel.domain.report import (
    MIN_RATINGS_PER_EXPERT,
    CategoryFindings,
    FeedbackQuestion,
    RatingSummary,
    expert_summaries,
    summarise,
)
from clusterlabel.domain.scoring import AssessmentScore, score_assessment
from clusterlabel.procedures.models import AssessorAssignment, ImprovementArea, Procedure
from clusterlabel.procedures.results import previous_assessment, score_values
from clusterlabel.reports.models import RATING_FIELDS, Feedback, StructuredReport
from clusterlabel.schemes.models import SchemeVersion


@dataclass(frozen=True)
class ReportData:
    """What the report page and the PDF read: the procedure (with its organisation, scheme
    version, previous procedure, panel and scores), its structured report (or ``None`` before
    the panel wrote anything), its Silver improvement areas, and the feedback given on it."""

    procedure: Procedure
    report: StructuredReport | None
    areas: list[ImprovementArea]
    feedback: Feedback | None
    current: AssessmentScore
    previous: PreviousAssessment | None


def report_procedure(*, pk: int) -> Procedure:
    """One procedure with what the report reads about it (``Procedure.DoesNotExist`` if none)."""
    return (
        Procedure.objects.select_related("organisation", "scheme_version", "previous_procedure")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=AssessorAssignment.objects.select_related("assessor").order_by("pk"),
            ),
            "scores",
            "board_conflict_declarations",
            "organisation__programmes",
        )
        .get(pk=pk)
    )


def findings_of(report: StructuredReport | None) -> dict[str, CategoryFindings]:
    """The report's findings per category as the domain reads them (from the prefetched
    ``categories`` when they are); empty before the panel wrote any."""
    if report is None:
        return {}
    return {
        row.category_id: CategoryFindings(
            strengths=tuple(row.strengths),
            weaknesses=tuple(row.weaknesses),
            recommendations=tuple(row.recommendations),
        )
        for row in report.categories.all()
    }


def report_data(procedure: Procedure) -> ReportData:
    """The structured report of ``procedure`` (read by ``report_procedure``): three queries
    (the report with its categories and agreements), one for the improvement areas, one for
    the feedback; the panel's scores as they stand now, and the assessment they compare with
    (``procedures.results.previous_assessment``, what the award rules compare with too: for
    Silver the earlier benchmarking, else the previous procedure named; a few queries more
    when there is one)."""
    report = (
        StructuredReport.objects.filter(procedure=procedure)
        .prefetch_related("categories", "agreements")
        .first()
    )
    areas = list(ImprovementArea.objects.filter(procedure=procedure).order_by("position"))
    feedback = Feedback.objects.filter(procedure=procedure).first()
    return ReportData(
        procedure=procedure,
        report=report,
        areas=areas,
        feedback=feedback,
        current=score_assessment(procedure.scheme, score_values(procedure)),
        previous=previous_assessment(procedure),
    )


def _ratings(row: dict[str, Any]) -> dict[FeedbackQuestion, int]:
    return {FeedbackQuestion(name): row[name] for name in RATING_FIELDS}


@dataclass(frozen=True)
class ExpertLine:
    """One expert's panel ratings (shown only from the domain's minimum count on)."""

    name: str
    summary: RatingSummary


@dataclass(frozen=True)
class FeedbackSummary:
    """A scheme's feedback in aggregate: all questions over every entry, the panel questions
    per expert (only experts with enough ratings), and the comments without their authors
    (only once the scheme has as many entries as an expert needs, so a single comment cannot
    be matched to the one organisation decided that week)."""

    scheme_id: str
    overall: RatingSummary
    experts: list[ExpertLine]
    comments: list[str]


def scheme_feedback(scheme_id: str) -> QuerySet[Feedback]:
    return Feedback.objects.filter(procedure__scheme_version__scheme_id=scheme_id)


def feedback_summary(scheme_id: str) -> FeedbackSummary:
    """The aggregate the scheme's secretariat and operator see (two queries)."""
    rows = list(scheme_feedback(scheme_id).values("procedure_id", "comment", *RATING_FIELDS))
    overall = summarise(_ratings(row) for row in rows)
    by_procedure = {row["procedure_id"]: _ratings(row) for row in rows}
    panels = AssessorAssignment.objects.filter(procedure_id__in=list(by_procedure)).values_list(
        "procedure_id",
        "assessor_id",
        "assessor__first_name",
        "assessor__last_name",
        "assessor__username",
    )
    by_expert: dict[int, list[dict[FeedbackQuestion, int]]] = defaultdict(list)
    names: dict[int, str] = {}
    for procedure_id, assessor_id, first, last, username in panels:
        by_expert[assessor_id].append(by_procedure[procedure_id])
        names[assessor_id] = f"{first} {last}".strip() or username
    experts = [
        ExpertLine(name=names[expert], summary=summary)
        for expert, summary in expert_summaries(by_expert).items()
    ]
    experts.sort(key=lambda line: line.name)
    comments = (
        sorted(row["comment"] for row in rows if row["comment"])
        if len(rows) >= MIN_RATINGS_PER_EXPERT
        else []
    )
    return FeedbackSummary(scheme_id=scheme_id, overall=overall, experts=experts, comments=comments)


def report_revision(procedure: Procedure) -> int:
    """The current revision of the procedure's structured report (0 before the first finding):
    what a write names as the revision it was based on."""
    revision = (
        StructuredReport.objects.filter(procedure=procedure)
        .values_list("revision", flat=True)
        .first()
    )
    return revision or 0


def current_scheme_versions() -> list[SchemeVersion]:
    """The current version of every scheme, by scheme id (one query)."""
    return list(SchemeVersion.objects.filter(is_current=True).order_by("scheme_id"))


def feedback_counts() -> dict[str, int]:
    """How many feedback entries each scheme has (one query)."""
    rows = (
        Feedback.objects.values("procedure__scheme_version__scheme_id")
        .annotate(count=Count("pk"))
        .values_list("procedure__scheme_version__scheme_id", "count")
    )
    return dict(rows)
