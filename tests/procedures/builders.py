"""Build procedures in any state through the real services, as the users would.

``ProcedureBuilder(scheme_id="bw-cluster-excellence").advance_to("board_review")`` creates an
organisation with a manager, the secretariat, a panel of assessors, board members and the
authority, and walks the procedure there step by step (``procedures.walkthrough``). In the
board review the board members have declared no conflict of interest (``board_declared``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.benchmarks.services import AssessmentEntry, reference_assessments_record
from clusterlabel.domain.dates import add_months
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.services.improvement import ImprovementAreaInput
from clusterlabel.procedures.walkthrough import USUAL_PATH, Walkthrough, excellent_values
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory
from tests.domain.factories import worst_value
from tests.factories import OrganisationFactory, UserFactory, shipped_schemes

ORDER = list(USUAL_PATH)
__all__ = ["ORDER", "ProcedureBuilder", "excellent_values", "failing_minimum_values"]


def failing_minimum_values(scheme: Scheme) -> dict[str, IndicatorValue]:
    """Excellent everywhere except the first minimum criterion, which is missed."""
    values = excellent_values(scheme)
    indicator = next(i for i in scheme.indicators if i.minimum_criterion)
    if indicator.type == "boolean":
        values[indicator.id] = not indicator.threshold
    elif indicator.type == "choice":
        values[indicator.id] = indicator.choices[0].id
    elif indicator.direction == "lower":
        values[indicator.id] = Decimal(indicator.threshold) + 1
    else:
        values[indicator.id] = Decimal(0)
    return values


# The improvement areas a Silver application of the builders names.
SILVER_AREAS = (
    ("services", "Neues Matchmaking-Format für KMU und Forschung."),
    ("interaction", "Arbeitsgruppen neu aufgestellt, Newsletter monatlich."),
    ("financing", "Mitgliedsbeiträge und bezahlte Leistungen ausgebaut."),
)
SILVER_EVIDENCE = "Jahresbericht 2025, Kapitel 3"
FIRST_BENCHMARKING_MONTHS_AGO = 20


def silver_prerequisites(
    scheme: Scheme, level_id: str, organisation: Organisation
) -> list[ImprovementAreaInput]:
    """For a level with improvement areas (ECEI Silver): the organisation's first benchmarking,
    imported into the pool 20 months ago with values that earn nothing (so every category has
    improved since), and the areas the application names. Nothing for other levels."""
    rule = scheme.level(level_id).award.improvement
    if rule is None or rule.improvement_areas is None:
        return []
    pool_version = ensure_schemes()[scheme.pool_id]
    reference_assessments_record(
        entries=[
            AssessmentEntry(
                scheme_version=pool_version,
                assessed_on=add_months(timezone.localdate(), -FIRST_BENCHMARKING_MONTHS_AGO),
                values={i.id: worst_value(i) for i in pool_version.scheme.indicators},
                name=organisation.cluster_name,
                organisation=organisation,
            )
        ],
        actor=None,
    )
    return [
        ImprovementAreaInput(
            category_id=category_id, description=text, evidence_reference=SILVER_EVIDENCE
        )
        for category_id, text in SILVER_AREAS[: rule.improvement_areas]
    ]


def ensure_schemes() -> dict[str, SchemeVersion]:
    """The current version of every scheme, the shipped files loaded (as
    ``scheme_versions_load_directory`` would; one query when they are already current)."""
    current = {v.scheme_id: v for v in SchemeVersion.objects.filter(is_current=True)}
    if all(
        s.id in current and current[s.id].content_hash == s.content_hash for s in shipped_schemes()
    ):
        return current
    scheme_versions_load_directory(directory=SHIPPED_DIR)
    return {v.scheme_id: v for v in SchemeVersion.objects.filter(is_current=True)}


@dataclass
class ProcedureBuilder:
    scheme_id: str = "bw-cluster-excellence"
    level_id: str | None = None
    process: str = "new"
    assessment_mode: str = "on_site"
    score_values: dict[str, IndicatorValue] | None = None
    award: bool = True
    assessors: list[User] = field(default_factory=list)
    # On reaching the board review its members declare no conflict of interest, so that a
    # test can let them vote at once; ``False`` leaves the declarations to the test.
    board_declared: bool = True

    def __post_init__(self) -> None:
        versions = ensure_schemes()
        self.version = versions[self.scheme_id]
        self.scheme = self.version.scheme
        self.level_id = self.level_id or self.scheme.levels[-1].id
        self.manager = UserFactory(role=Role.CLUSTER_MANAGER)
        self.organisation = OrganisationFactory(managers=[self.manager])
        self.secretariat = UserFactory(role=Role.SECRETARIAT)
        rules = self.scheme.procedure
        if not self.assessors:
            countries = ["DE", "NL", "AT"]
            self.assessors = [
                UserFactory(role=Role.ASSESSOR, country=countries[i % 3])
                for i in range(rules.assessors)
            ]
        self.board = (
            [UserFactory(role=Role.BOARD_MEMBER) for _ in range(rules.board_quorum or 1)]
            if rules.advisory_board
            else []
        )
        self.authority = UserFactory(role=Role.AUTHORITY)
        self.walk = Walkthrough(
            procedure=self.open_procedure(),
            manager=self.manager,
            secretariat=self.secretariat,
            assessors=self.assessors,
            board=self.board,
            authority=self.authority,
            scores=self.score_values,
            award=self.award,
        )

    def open_procedure(self) -> Procedure:
        """The manager opens the draft application (``tests.states.StateBuilder`` writes it);
        a Silver application names its improvement areas after its first benchmarking."""
        return services.procedure_create(
            organisation=self.organisation,
            scheme_version=self.version,
            level_id=self.level_id,
            process=self.process,
            assessment_mode=self.assessment_mode,
            actor=self.manager,
            improvement_areas=silver_prerequisites(self.scheme, self.level_id, self.organisation),
        )

    @property
    def procedure(self) -> Procedure:
        return self.walk.procedure

    def refresh(self) -> Procedure:
        return self.walk.refresh()

    def step(self) -> Procedure:
        return self._declared(self.walk.step())

    def score_all(self) -> None:
        self.walk.score_all()

    def advance_to(self, state: str) -> Procedure:
        return self._declared(self.walk.advance_to(state))

    def declare_board(self) -> None:
        """Every board member declares no conflict for the current round."""
        for member in self.board:
            self.walk.declare_no_board_conflict(member)

    def _declared(self, procedure: Procedure) -> Procedure:
        if self.board_declared and procedure.state == ProcedureState.BOARD_REVIEW:
            self.declare_board()
        return procedure
