"""Procedures with a structured report, walked through the real services."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from clusterlabel.procedures import services as procedure_services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.reports import services
from clusterlabel.reports.selectors import report_revision
from tests.procedures.builders import ProcedureBuilder

STRENGTH = "Starke Verankerung in der Region: über 150 Mitglieder"
WEAKNESS = "Finanzierung überwiegend öffentlich"
RECOMMENDATION = "Bezahlte Leistungen für Mitglieder ausbauen"


def revision(procedure: Procedure) -> int:
    return report_revision(procedure)


def write_findings(builder: ProcedureBuilder, *, by_index: int = 0) -> None:
    """The panel's findings for every category of the scheme (written by one assessor)."""
    procedure = builder.refresh()
    for category in procedure.scheme.categories:
        services.findings_save(
            procedure=procedure,
            actor=builder.assessors[by_index],
            category_id=category.id,
            strengths=[f"{STRENGTH} ({category.id})"],
            weaknesses=[WEAKNESS],
            recommendations=[RECOMMENDATION],
            based_on_revision=revision(procedure),
        )


def agree_all(
    builder: ProcedureBuilder, summary: str = "Ein überzeugendes Clustermanagement."
) -> None:
    procedure = builder.refresh()
    for assessor in builder.assessors:
        services.structured_report_agree(
            procedure=procedure,
            actor=assessor,
            summary=summary,
            based_on_revision=revision(procedure),
        )


def with_report(state: str, scheme_id: str = "bw-cluster-excellence") -> ProcedureBuilder:
    """A procedure whose panel wrote a full structured report during the assessment, walked on
    to ``state`` (at or after the assessment)."""
    builder = ProcedureBuilder(scheme_id=scheme_id)
    builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    write_findings(builder)
    if state != ProcedureState.ASSESSMENT_IN_PROGRESS:
        # The panel's work as the experts do it now: score, agree on the findings page (the
        # walkthrough's summary-only agreement is refused once findings exist), submit.
        builder.score_all()
        builder.walk.review_improvement_areas()
        agree_all(builder)
        procedure_services.procedure_submit_report(
            procedure=builder.refresh(), actor=builder.assessors[0]
        )
        builder.advance_to(state)
    return builder


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
