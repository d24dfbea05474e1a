"""What the rules look at: the scheme's procedure rules and one snapshot of the facts.

The Django layer fills a :class:`ProcedureFacts` for each question it asks; every guard is a
pure function of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Protocol

from clusterlabel.domain.procedure.deadlines import DEFAULT_DEADLINE_DAYS


class SchemeProcedure(Protocol):
    """The fields of a scheme's ``procedure:`` block the rules read (structural type, so
    this package needs no import of the scheme model)."""

    @property
    def assessors(self) -> int: ...
    @property
    def national_and_foreign(self) -> bool: ...
    @property
    def advisory_board(self) -> bool: ...
    @property
    def board_quorum(self) -> int | None: ...
    @property
    def board_majority_percent(self) -> Decimal | None: ...
    @property
    def self_assessment_due_days_before_assessment(self) -> int | None: ...
    @property
    def step_deadlines(self) -> Mapping[str, int]: ...


@dataclass(frozen=True, kw_only=True)
class ProcedureRules:
    """The ``procedure:`` block of the scheme version the procedure runs under.

    Guarantees on construction: ``assessors >= 1``; ``national_and_foreign`` only with at least
    two assessors; ``board_quorum >= 1`` when there is an advisory board (``>= 0`` otherwise);
    ``0 <= board_majority_percent < 100`` as an exact ``Decimal``;
    ``self_assessment_due_days_before_assessment >= 0``; ``deadlines`` (the scheme's step
    deadlines, state -> days) names only states that have a default day count, each with at
    least one day (:func:`~clusterlabel.domain.procedure.deadlines.deadline_days` fills in the
    defaults).
    """

    assessors: int
    national_and_foreign: bool
    advisory_board: bool
    board_quorum: int
    board_majority_percent: Decimal
    self_assessment_due_days_before_assessment: int
    deadlines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_scheme(cls, procedure: SchemeProcedure) -> ProcedureRules:
        """Build the rules from a scheme's ``procedure:`` block (any object with its fields, such
        as ``clusterlabel.domain.schemes.ProcedureRules``). Optional values the scheme leaves out
        become: no board quorum without a board (0), a simple majority (more than 50 %), no
        preparation time (0 days), the default step deadlines."""
        return cls(
            assessors=procedure.assessors,
            national_and_foreign=procedure.national_and_foreign,
            advisory_board=procedure.advisory_board,
            board_quorum=procedure.board_quorum if procedure.board_quorum is not None else 0,
            board_majority_percent=(
                procedure.board_majority_percent
                if procedure.board_majority_percent is not None
                else Decimal(50)
            ),
            self_assessment_due_days_before_assessment=(
                procedure.self_assessment_due_days_before_assessment or 0
            ),
            deadlines=MappingProxyType(dict(procedure.step_deadlines)),
        )

    def __post_init__(self) -> None:
        if self.assessors < 1:
            raise ValueError("assessors must be at least 1")
        if self.national_and_foreign and self.assessors < 2:
            raise ValueError("national_and_foreign needs at least 2 assessors")
        if self.board_quorum < (1 if self.advisory_board else 0):
            raise ValueError("board_quorum must be at least 1 with an advisory board")
        if not isinstance(self.board_majority_percent, Decimal):
            raise TypeError("board_majority_percent must be a Decimal, never a float")
        if not Decimal(0) <= self.board_majority_percent < Decimal(100):
            raise ValueError("board_majority_percent must be at least 0 and below 100")
        if self.self_assessment_due_days_before_assessment < 0:
            raise ValueError("self_assessment_due_days_before_assessment must not be negative")
        with_days = [str(s) for s, days in DEFAULT_DEADLINE_DAYS.items() if days is not None]
        for state, days in self.deadlines.items():
            if state not in with_days:
                raise ValueError(
                    f"no deadline can be set for state {state!r}; states with a deadline: "
                    + ", ".join(with_days)
                )
            if days < 1:
                raise ValueError(f"the deadline of {state!r} must be at least 1 day, found {days}")


@dataclass(frozen=True, kw_only=True)
class AssessorFacts:
    """One assessor assigned to the procedure.

    ``exclusions`` are codes of ``clusterlabel.domain.panel_suggestion.ExclusionCode``
    that keep this assessor off the panel (no confirmed qualification valid on the assessment
    date, a conflict declared on their profile, a country they do not assess in); empty when
    they may assess. The Django layer reads the profile only while the panel is open.
    """

    name: str  # as the pages show it, for the reasons that name the assessor
    nationality: str  # ISO 3166-1 alpha-2
    exclusions: tuple[str, ...]
    conflict_declared_none: bool  # declared to have no conflict of interest
    report_agreed: bool  # agreed to the report as it stands


@dataclass(frozen=True, kw_only=True)
class BoardVote:
    """One board member's vote in the current round of the board review."""

    yes: bool
    has_reason: bool


@dataclass(frozen=True, kw_only=True)
class ProcedureFacts:
    """Everything the rules look at, as one snapshot filled by the Django layer.

    Every field is required, so a forgotten fact is a ``TypeError``, not a silent default. The
    ``actor_*`` facts describe the user asking, in the role they ask in; they decide the
    object-level check (a cluster manager of another organisation, an assessor not on this
    panel, ...). Completeness is given as counts, so "complete" cannot contradict "missing".
    """

    rules: ProcedureRules
    today: date
    home_country: str  # ISO 3166-1 alpha-2 of the assessed organisation: decides who is "national"
    eligibility_failures: tuple[str, ...]  # codes of the failed eligibility criteria
    self_assessment_missing: int  # indicators without an answer
    # Indicators whose evidence the scheme requires and of which no file is uploaded, in the
    # scheme's order (``evidence_missing``).
    self_assessment_evidence_missing: tuple[str, ...]
    assessors: tuple[AssessorFacts, ...]
    assessment_date: date | None
    scores_missing: int  # indicators not yet scored
    scores_disagreement_count: int  # indicators where the assessors' scores differ, unagreed
    board_votes: tuple[BoardVote, ...]  # current round
    computed_award_possible: bool  # the scheme's award rules give a level
    # A self-registered organisation waits for the secretariat's confirmation; one created by
    # the secretariat or imported from a register is confirmed from the start.
    organisation_confirmed: bool
    actor_is_member_of_organisation: bool
    actor_is_scheme_secretariat: bool
    actor_is_assigned_assessor: bool
    actor_is_board_member: bool
    actor_is_awarding_authority: bool
    # The actor, as a board member, declared no conflict of interest for the current round.
    actor_declared_no_board_conflict: bool

    @property
    def self_assessment_complete(self) -> bool:
        return self.self_assessment_missing == 0

    @property
    def scores_complete(self) -> bool:
        return self.scores_missing == 0


class EvidencedIndicator(Protocol):
    """What ``evidence_missing`` reads of a scheme's indicator."""

    @property
    def id(self) -> str: ...
    @property
    def evidence_required(self) -> bool: ...


def evidence_missing(
    indicators: Iterable[EvidencedIndicator], evidenced: Collection[str]
) -> tuple[str, ...]:
    """The ids of ``indicators`` (in their order) whose evidence the scheme requires and that
    have no uploaded file: ``evidenced`` holds the ids of the indicators that have one."""
    return tuple(
        indicator.id
        for indicator in indicators
        if indicator.evidence_required and indicator.id not in evidenced
    )
