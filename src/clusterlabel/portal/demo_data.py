"""Demo organisations and procedures: the seed cases and a few more, one procedure in every
state, so that every demo account finds work waiting.

The four seed organisations are real (their labels are public, see the press releases); the
procedures here are illustrations built through the real services, not their real files. The
other organisations are invented and carry "(Demo)" in their legal names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from clusterlabel.access.services import ScopeChoice, grant_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.schemes import Scheme
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.organisations.models import Organisation, Programme, name_search_key
from clusterlabel.portal.demo_benchmarks import demo_benchmarks_load, realistic_values
from clusterlabel.portal.demo_reports import demo_assessment_with_report, demo_feedback_give
from clusterlabel.portal.demo_schedule import demo_appointment_load, demo_availability_load
from clusterlabel.procedures import services
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.results import score_values
from clusterlabel.procedures.walkthrough import Walkthrough, excellent_values
from clusterlabel.schemes.models import SchemeVersion


@dataclass(frozen=True)
class DemoOrganisation:
    legal_name: str
    cluster_name: str
    region: str
    city: str
    sector: str
    founding_year: int
    website: str
    members: tuple[int, int, int, int, int]  # companies, SMEs, research, public, civil society
    staff_fte: str
    budget: str
    country: str = "DE"
    listed: bool | None = True
    programmes: tuple[str, ...] = ()


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "Medizintechnologie-Cluster Mannheim",
        "Medizintechnologie-Cluster Mannheim",
        "DE-BW",
        "Mannheim",
        "health_medical",
        2013,
        "https://www.mannheim.de",
        (80, 62, 14, 6, 3),
        "4.5",
        "1200000",
    ),
    DemoOrganisation(
        "mg: mannheimer gründungszentren gmbh",
        "Clustermanagement Musikwirtschaft Mannheim & Region",
        "DE-BW",
        "Mannheim",
        "creative_industries",
        2007,
        "https://www.musikpark-mannheim.de",
        (95, 90, 6, 4, 12),
        "2.0",
        "420000",
    ),
    DemoOrganisation(
        "BioCon Valley GmbH",
        "BioCon Valley",
        "DE-MV",
        "Greifswald",
        "health_medical",
        1996,
        "https://www.bioconvalley.org",
        (140, 118, 30, 20, 15),
        "12.0",
        "2500000",
        listed=None,
        programmes=("go-cluster",),
    ),
    DemoOrganisation(
        "TechnologyMountains e. V.",
        "TechnologyMountains",
        "DE-BW",
        "Tuttlingen",
        "micro_nano_optics",
        2005,
        "https://www.technologymountains.de",
        (130, 104, 14, 6, 4),
        "3.0",
        "650000",
    ),
    DemoOrganisation(
        "Netzwerk Wasserstoff Oberrhein e. V. (Demo)",
        "H2 Oberrhein",
        "DE-BW",
        "Freiburg im Breisgau",
        "energy_environment",
        2016,
        "https://h2-oberrhein.example.org",
        (38, 30, 8, 5, 2),
        "2.5",
        "380000",
    ),
    DemoOrganisation(
        "Automotive Cluster Ostwürttemberg e. V. (Demo)",
        "ACO Ostwürttemberg",
        "DE-BW",
        "Aalen",
        "automotive_mobility",
        2010,
        "https://aco.example.org",
        (70, 55, 6, 4, 1),
        "3.0",
        "540000",
    ),
    DemoOrganisation(
        "Digitalcluster Neckar-Alb GmbH (Demo)",
        "Digital Neckar-Alb",
        "DE-BW",
        "Reutlingen",
        "ict",
        2018,
        "https://digital-neckar-alb.example.org",
        (45, 40, 5, 3, 2),
        "1.5",
        "300000",
    ),
    DemoOrganisation(
        "Lebensmittelcluster Hohenlohe e. V. (Demo)",
        "Food Hohenlohe",
        "DE-BW",
        "Schwäbisch Hall",
        "agriculture_food",
        2011,
        "https://food-hohenlohe.example.org",
        (52, 48, 4, 3, 2),
        "2.0",
        "310000",
    ),
    DemoOrganisation(
        "Photonics Cluster Jena e. V. (Demo)",
        "Photonics Jena",
        "DE-TH",
        "Jena",
        "micro_nano_optics",
        2004,
        "https://photonics-jena.example.org",
        (90, 70, 20, 5, 3),
        "5.0",
        "900000",
        listed=None,
        programmes=("go-cluster",),
    ),
    DemoOrganisation(
        "Holzbau-Cluster Schwarzwald e. V. (Demo)",
        "Holzbau Schwarzwald",
        "DE-BW",
        "Freudenstadt",
        "construction",
        2009,
        "https://holzbau-schwarzwald.example.org",
        (64, 60, 5, 6, 3),
        "2.5",
        "450000",
    ),
    DemoOrganisation(
        "Kreativwirtschaft Nord e. V. (Demo)",
        "Kreativ Nord",
        "DE-HH",
        "Hamburg",
        "creative_industries",
        2012,
        "",
        (9, 9, 1, 0, 0),
        "0.3",
        "90000",
        listed=None,
    ),
)


@dataclass(frozen=True)
class DemoProcedure:
    organisation: str  # cluster name
    scheme_id: str
    target: str  # the state to walk to
    level_id: str | None = None
    award: bool = True
    note: str = ""
    realistic: bool = False  # scored with a plausible mix instead of excellent values
    # the panel writes the structured report (findings per category) during the assessment,
    # and the organisation gives its feedback once decided (``demo_reports``)
    report: bool = False


PROCEDURES: tuple[DemoProcedure, ...] = (
    # The seed cases, decided.
    DemoProcedure(
        "Medizintechnologie-Cluster Mannheim", "bw-cluster-excellence", "awarded", report=True
    ),
    DemoProcedure(
        "Clustermanagement Musikwirtschaft Mannheim & Region",
        "ecei-bronze",
        "awarded",
        realistic=True,
        report=True,
    ),
    DemoProcedure("BioCon Valley", "ecei-bronze", "awarded"),
    # Work waiting for every role.
    DemoProcedure(
        "Clustermanagement Musikwirtschaft Mannheim & Region",
        "ecei-gold",
        "contracted",
        note="Nach dem Bronze-Label streben wir als nächste Stufe Gold an.",
    ),
    DemoProcedure("TechnologyMountains", "bw-cluster-excellence", "board_review"),
    DemoProcedure("H2 Oberrhein", "bw-cluster-excellence", "applied"),
    DemoProcedure("ACO Ostwürttemberg", "bw-cluster-excellence", "self_assessment_submitted"),
    DemoProcedure("Digital Neckar-Alb", "bw-cluster-excellence", "assessment_in_progress"),
    DemoProcedure("Food Hohenlohe", "bw-cluster-excellence", "awaiting_decision"),
    DemoProcedure("Photonics Jena", "ecei-gold", "assessors_assigned"),
    # A Gold panel to compose from the expert pool's suggestion (one national, one foreign).
    DemoProcedure("TechnologyMountains", "ecei-gold", "self_assessment_submitted"),
    DemoProcedure("Holzbau Schwarzwald", "bw-cluster-excellence", "report_submitted"),
    DemoProcedure("Photonics Jena", "ecei-bronze", "draft"),
    DemoProcedure("Kreativ Nord", "ecei-bronze", "changes_requested"),
    DemoProcedure("ACO Ostwürttemberg", "ecei-gold", "refused", award=False),
    DemoProcedure("Food Hohenlohe", "ecei-bronze", "withdrawn"),
)


# An operator's earlier register, imported with the real importer (messy on purpose: German
# headers, semicolons, a legal-form variant). BioCon Valley's Silver 2017 -> 2019 -> 2022
# follows seed 002; TechnologyMountains' state label of 3 July 2015 follows seed 003; the
# dates are the scheme rules applied to the years the press releases give.
HISTORICAL_REGISTER = "\n".join(
    [
        "Organisation;Land;Branche;Label;Stufe;Gültig ab;Gültig bis;Zertifikatsnummer",
        "BioCon Valley GmbH;Deutschland;Gesundheit;ECEI;Silber;"
        "01.10.2017;30.09.2019;ESCA-S-2017-0412",
        "BioCon Valley GmbH;Deutschland;Gesundheit;ECEI;Silber;"
        "01.10.2019;30.09.2022;ESCA-S-2019-0655",
        "BioCon Valley GmbH;DE;Gesundheit;ECEI;Silber;01.10.2022;30.09.2025;ESCA-S-2022-0931",
        "TechnologyMountains e.V.;DE;Mikrosystemtechnik;Cluster-Exzellenz Baden-Württemberg;;"
        "03.07.2015;02.07.2017;BW-2015-0008",
        "",
    ]
)


def _organisation(spec: DemoOrganisation, manager: User) -> Organisation:
    companies, smes, research, public, civil = spec.members
    organisation, _created = Organisation.objects.get_or_create(
        legal_name=spec.legal_name,
        defaults={
            "cluster_name": spec.cluster_name,
            "country": spec.country,
            "region": spec.region,
            "city": spec.city,
            "sector": spec.sector,
            "founding_year": spec.founding_year,
            "website": spec.website,
            "members_companies": companies,
            "members_smes": smes,
            "members_research_education": research,
            "members_public_bodies": public,
            "members_civil_society": civil,
            "staff_fte": Decimal(spec.staff_fte),
            "annual_budget": Decimal(spec.budget),
            "listed_in_cluster_database": spec.listed,
            "name_search_key": name_search_key(spec.legal_name, spec.cluster_name),
        },
    )
    if not organisation.managers.filter(pk=manager.pk).exists():
        grant_create(
            actor=None,
            user=manager,
            role=Role.CLUSTER_MANAGER,
            scope=ScopeChoice(organisation=organisation),
        )
    for slug in spec.programmes:
        organisation.programmes.add(demo_programme(slug))
    return organisation


def demo_programme(slug: str) -> Programme:
    """The demo's programme ``slug`` (go-cluster, the federal programme), made once."""
    programme, _ = Programme.objects.get_or_create(
        slug=slug,
        defaults={
            "name": "go-cluster",
            "owner": "Bundesministerium für Wirtschaft und Energie",
            # Since 2016 members go through the Silver process unless they hold a valid Gold.
            "rule": {
                "any_of": [
                    {"label": "ecei-gold"},
                    {"label": "ecei-silver"},
                    {"procedure": "ecei-silver"},
                ]
            },
        },
    )
    return programme


def _partial(values: dict, share: float) -> dict:
    keys = list(values)[: int(len(values) * share)]
    return {key: values[key] for key in keys}


def demo_procedures_load(*, accounts: dict[str, User]) -> int:
    """Create the demo organisations and, once, their procedures. Returns how many procedures
    were created (0 when the demo data was loaded before)."""
    if Organisation.objects.filter(legal_name=ORGANISATIONS[0].legal_name).exists():
        return 0
    versions = {v.scheme_id: v for v in SchemeVersion.objects.filter(is_current=True)}
    manager = accounts["manager"]
    created = 0
    benchmarked: dict[str, dict] = {}
    reported: list[Procedure] = []
    with transaction.atomic():
        organisations = {spec.cluster_name: _organisation(spec, manager) for spec in ORGANISATIONS}
        demo_availability_load(assessors=accounts)
        for spec in PROCEDURES:
            version = versions[spec.scheme_id]
            scheme = version.scheme
            procedure = services.procedure_create(
                organisation=organisations[spec.organisation],
                scheme_version=version,
                level_id=spec.level_id or scheme.levels[-1].id,
                process="new",
                assessment_mode=scheme.procedure.assessment_modes[0],
                actor=manager,
                note=spec.note,
            )
            created += 1
            assessors = [accounts["assessor"], accounts["assessor2"]][: scheme.procedure.assessors]
            walk = Walkthrough(
                procedure=procedure,
                manager=manager,
                secretariat=accounts["secretariat"],
                assessors=assessors,
                board=[accounts["board"], accounts["board2"], accounts["board3"]],
                authority=accounts["authority"],
                award=spec.award,
                scores=_scores(spec, scheme),
            )
            _walk_demo(walk, spec)
            if spec.target == "assessors_assigned" and spec.scheme_id == "ecei-gold":
                demo_appointment_load(procedure=procedure, secretariat=accounts["secretariat"])
            if spec.report:
                reported.append(walk.refresh())
            if spec.scheme_id == "ecei-bronze" and spec.target == "awarded":
                benchmarked[spec.organisation] = score_values(procedure)
        result = labels_import(
            data=HISTORICAL_REGISTER.encode("utf-8"),
            actor=accounts["secretariat"],
            file_name="register-2012-2024.csv",
        )
        if result.errors:
            raise RuntimeError(f"demo register does not import: {result.errors}")
        demo_benchmarks_load(secretariat=accounts["secretariat"], current=benchmarked)
        demo_feedback_give(reported, manager)
    return created


def _scores(spec: DemoProcedure, scheme: Scheme) -> dict | None:
    if not spec.award:
        return _failing(scheme)
    return realistic_values(scheme) if spec.realistic else None


def _failing(scheme: Scheme) -> dict:
    """Below the excellence value on every minimum criterion that is a number."""
    values = excellent_values(scheme)
    for indicator in scheme.indicators:
        if indicator.type in ("number", "percent") and indicator.direction == "higher":
            values[indicator.id] = Decimal(0)
    return values


def _walk_demo(walk: Walkthrough, spec: DemoProcedure) -> None:
    target = spec.target
    p = walk.procedure
    if target == "changes_requested":
        walk.step()  # applied
        services.procedure_transition(
            procedure=p,
            actor=walk.secretariat,
            action=flow.Action.REQUEST_CHANGES,
            reason="Bitte ergänzen Sie die Website und die Zahl der Mitglieder nach Typ.",
        )
        return
    if target == "withdrawn":
        walk.advance_to("contracted")
        services.procedure_transition(
            procedure=p,
            actor=walk.manager,
            action=flow.Action.WITHDRAW,
            reason="Wir stellen den Antrag im nächsten Jahr erneut.",
        )
        return
    if target == "contracted":
        walk.advance_to("contracted")
        services.self_assessment_save(
            procedure=p, actor=walk.manager, values=_partial(walk.answer_values, 0.6)
        )
        return
    if target == "assessors_assigned":
        walk.assessment_in_past = False
        walk.advance_to("assessors_assigned")
        return
    if target == "assessment_in_progress":
        walk.advance_to("assessment_in_progress")
        walk.score_all(only=list(walk.score_values)[: len(walk.score_values) // 2])
        return
    if target == "board_review":
        walk.advance_to("board_review")
        # One member has declared and voted; the others still have to declare.
        walk.declare_no_board_conflict(walk.board[1])
        services.board_vote_record(
            procedure=p, actor=walk.board[1], in_favour=True, reason="Überzeugendes Gutachten."
        )
        return
    if spec.report:
        walk.advance_to("assessment_in_progress")
        demo_assessment_with_report(walk)
    walk.advance_to(target)
