"""The demo's structured reports and feedback: the panel's findings on two decided procedures
(written during their assessment, through the real services) and the organisation's feedback
on them, so that the demo organisation can read its report, page and PDF, and the
secretariat sees the aggregate."""

from __future__ import annotations

from clusterlabel.accounts.models import User
from clusterlabel.procedures import services as procedure_services
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.walkthrough import Walkthrough
from clusterlabel.reports import services
from clusterlabel.reports.selectors import report_revision

# Per category: strengths, weaknesses, recommendations. German for the state label (the
# Medizintechnik-Cluster Mannheim, seed 000), English for the ECEI Bronze benchmarking of the
# music-business cluster (seed 001); data, not interface text.
FINDINGS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "bw-cluster-excellence": {
        "structures": (
            ("Klinikum, Hochschule und über 60 Unternehmen aktiv eingebunden",),
            ("Anteil der KMU außerhalb Mannheims noch gering",),
            ("Akteure aus dem Rhein-Neckar-Umland gezielt ansprechen",),
        ),
        "processes": (
            ("Beirat mit Vertretung aller Akteursgruppen; Kennzahlen quartalsweise berichtet",),
            ("Qualitätsmanagement nur teilweise dokumentiert",),
            ("Prozessbeschreibungen für Veranstaltungen und Projekte vervollständigen",),
        ),
        "activities": (
            (
                "Regelmäßige Matchmaking-Formate zwischen Klinik und Industrie",
                "Mehrere gemeinsame Förderprojekte angestoßen",
            ),
            (),
            ("Ergebnisse der Projekte sichtbarer veröffentlichen",),
        ),
        "strategies": (
            ("Strategie gemeinsam mit den Akteuren erarbeitet und fortgeschrieben",),
            ("Finanzierung nach 2027 noch nicht gesichert",),
            (
                "Eigenerlöse durch bezahlte Leistungen erhöhen",
                "Internationale Partnerschaften (Frankreich, Schweiz) ausbauen",
            ),
        ),
    },
    "ecei-bronze": {
        "structure": (
            (
                "A unique network of the music business in the region: labels, venues and the "
                "Popakademie",
            ),
            ("Few research partners beyond the Popakademie",),
            ("Involve the university's digital-media research groups",),
        ),
        "management": (
            ("Experienced team with low staff turnover",),
            ("Governance rules are not written down",),
            ("Adopt written rules of procedure for the steering group",),
        ),
        "financing": (
            ("Membership fees cover a rising share of the budget",),
            ("Public funding still dominates",),
            ("Develop paid services for members",),
        ),
        "services": (
            ("Well-attended workshops and a yearly industry day",),
            ("No systematic member satisfaction survey",),
            ("Survey members once a year and publish the results",),
        ),
        "interaction": (
            ("Frequent contacts; monthly newsletter",),
            (),
            ("Create working groups on streaming and live events",),
        ),
        "achievements": (
            ("The only creative-industries cluster in Germany with an ECEI label",),
            ("Success stories are not collected",),
            ("Document two success stories per year",),
        ),
    },
}
FALLBACK = (
    ("Solide Grundlage in diesem Bereich",),
    ("Noch wenig dokumentiert",),
    ("Nachweise systematisch sammeln",),
)
SUMMARY = {
    "bw-cluster-excellence": (
        "Das Clustermanagement arbeitet professionell und mit klarer Strategie. Die Kriterien des "
        "Qualitätslabels werden erfüllt; Empfehlungen betreffen vor allem die Finanzierung."
    ),
    "ecei-bronze": (
        "A committed cluster management with a clear profile in the music business. The "
        "benchmarking shows strengths in services and interaction; financing and written "
        "governance are the fields to work on."
    ),
}
FEEDBACK = (
    (
        {"process": 5, "communication": 4, "panel_expertise": 5, "panel_fairness": 5},
        "Sehr gut vorbereitetes Gespräch vor Ort, klare Rückmeldungen.",
    ),
    (
        {"process": 4, "communication": 4, "panel_expertise": 4, "panel_fairness": 5},
        "The benchmarking took longer than announced, but the report is very useful.",
    ),
)


def demo_assessment_with_report(walk: Walkthrough) -> Procedure:
    """Take the walk's procedure, in the assessment, through the panel's work as the experts do
    it: score and confirm every indicator, review the improvement areas, write the findings of
    every category, agree (each assessor, at the revision they saw) and submit the report."""
    procedure = walk.refresh()
    walk.score_all()
    walk.review_improvement_areas()
    scheme_id = procedure.scheme_version.scheme_id
    texts = FINDINGS.get(scheme_id, {})
    for category in procedure.scheme.categories:
        strengths, weaknesses, recommendations = texts.get(category.id, FALLBACK)
        services.findings_save(
            procedure=walk.refresh(),
            actor=walk.assessors[0],
            category_id=category.id,
            strengths=strengths,
            weaknesses=weaknesses,
            recommendations=recommendations,
            based_on_revision=report_revision(procedure),
        )
    summary = SUMMARY.get(scheme_id, SUMMARY["bw-cluster-excellence"])
    for assessor in walk.assessors:
        services.structured_report_agree(
            procedure=walk.refresh(),
            actor=assessor,
            summary=summary,
            based_on_revision=report_revision(procedure),
        )
    return procedure_services.procedure_submit_report(
        procedure=walk.refresh(), actor=walk.assessors[0]
    )


def demo_feedback_give(procedures: list[Procedure], manager: User) -> int:
    """The organisation's feedback on the first decided ``procedures`` (one entry each, as many
    as there are demo entries); returns how many were given."""
    given = 0
    for procedure, (ratings, comment) in zip(procedures, FEEDBACK, strict=False):
        services.feedback_give(procedure=procedure, actor=manager, ratings=ratings, comment=comment)
        given += 1
    return given
