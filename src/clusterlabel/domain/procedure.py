"""The labelling procedure as a state machine: who may do what, when, and what happens next.

One ``Procedure`` per application. The Django layer persists its ``state``, builds a
``ProcedureFacts`` snapshot and asks this module two questions: "may this actor do this action
now?" (``available_actions`` for the buttons, ``check`` before the write) and "which state
follows?" (``next_state``). The rules live in exactly one place, the ``TRANSITIONS`` table;
every function here reads it. Pure Python, standard library only: no Django, no ORM, no I/O.

State diagram::

    draft
      |  submit_application
      v
    applied  <---------------------------------------------------.
      |   '-- request_changes --> changes_requested --------------'
      |                                           resubmit_application
      |  accept_application
      v
    contracted  <-------------------------------------------.
      |  submit_self_assessment                             |
      v                                                     |  reopen_self_assessment
    self_assessment_submitted  -----------------------------+
      |  assign_assessors                                   |
      v                                                     |
    assessors_assigned  ------------------------------------'
      |  start_assessment                    (reassign_assessors: stays)
      v
    assessment_in_progress  <-------------------------------.
      |                  |                                  |
      |  submit_report   |  submit_report                   |  return_report
      |  [board]         |  [no board]                      |
      v                  |                                  |
    report_submitted  ---|----------------------------------+
      |  send_to_board   |                                  |
      v                  |                                  |
    board_review  <------|---------------------.            |  (record_board_vote: stays)
      |  close_board_    |                     |            |
      |  review          |                     |  return_to_board [board]
      v                  v                     |            |
    awaiting_decision  ------------------------+------------'
      |            |
      |  award     |  refuse
      v            v
    awarded      refused

    withdraw (cluster manager): every non-terminal state --> withdrawn

Terminal states: ``awarded``, ``refused``, ``withdrawn``; nothing leaves them.

Guarantees
----------
* ``TRANSITIONS`` is checked on import: for every (action, state, scheme with/without advisory
  board) at most one row applies, no row leaves a terminal state, every row names at least one
  role. So ``check`` is deterministic.
* ``check`` refuses in a fixed order, and the first reason is the exception's ``code``:
  ``wrong_state`` (the action is not possible in this state), ``no_advisory_board`` (a board
  step in a scheme without a board), ``wrong_role``, the object-level actor check
  (``not_member_of_organisation``, ``not_scheme_secretariat``, ``not_assigned_assessor``,
  ``not_board_member``, ``not_awarding_authority``), the row's guards, and last
  ``reason_required``. The exception carries every reason found in ``blocked``.
* The public functions take the enums or their string values (as stored in the database); an
  unknown value raises ``ValueError``.
* Guards are pure functions of ``ProcedureFacts``; they return ``None`` or a ``Blocked`` with a
  stable, machine-readable ``code`` and ``params`` for the translated message.

Decisions the Django layer relies on
------------------------------------
* A user acts in one role per call. A user holding several roles for a procedure (rare: say a
  secretariat member who also sits on the board) is asked about once per role and the UI
  merges the options; the audit event records the role used.
* The *administrator* has no procedural powers: no row names it. Administrators manage users,
  schemes and the platform; whoever moves a procedure must hold the procedural role for it
  (e.g. the secretariat of the scheme), so the audit trail says in which capacity they acted.
* Only the *awarding authority* awards and refuses. It cannot award against the computed result
  (``award_rules_not_met``) nor against the advisory board's recommendation
  (``board_recommended_against``); it may refuse with a reason whatever the result, send the
  report back to the assessors (``return_report``) or ask the board to reconsider
  (``return_to_board``). After ``return_to_board`` the Django layer starts a new round of
  votes (``facts.board_votes`` holds the current round only).
* With an advisory board, ``submit_report`` leads to ``report_submitted`` (the secretariat
  checks the report and sends it to the board); without one it leads straight to
  ``awaiting_decision`` and the board actions are refused with ``no_advisory_board``. The
  authority can decide only in ``awaiting_decision``, which a scheme with a board reaches only
  through ``close_board_review``.
* A board member may vote while the review is open; recording again replaces the member's vote
  (one vote per member is the Django layer's constraint). A *no* vote needs a reason: the
  review cannot be closed while one lacks it (``votes_without_reason``); the vote form should
  ask for it up front.
* A board member votes only after declaring, for the current round, that they have no conflict
  of interest (``board_conflict_not_declared_none``); a member who declares a conflict sits the
  round out. The quorum stays the scheme's number of votes: when too few members are left to
  reach it, the secretariat has to find more.
* Sending the self-assessment back (``reopen_self_assessment``) returns to ``contracted``. The
  assessor assignments stay, but after resubmission the secretariat confirms them again with
  ``assign_assessors``, which re-checks the panel and the date.
* The self-assessment is not blocked when late. Instead the assessment date must leave the
  assessors the scheme's preparation time: when assigning or reassigning, the assessment date
  must be at least ``self_assessment_due_days_before_assessment`` days after today (the date the
  assessors receive the self-assessment), i.e. ``self_assessment_due_date(assessment_date)``
  must not lie in the past. Scoring starts on or after the assessment date.
* Eligibility is decided when the secretariat accepts the application, not when it is
  submitted. So is the organisation's registration: a self-registered organisation's
  application cannot be accepted until the secretariat has confirmed the organisation
  (``organisation_not_confirmed``).
* An assessor counts as "assigned" (``actor_is_assigned_assessor``) from the moment the
  secretariat proposes them, so a proposed assessor may already send the self-assessment back
  in ``self_assessment_submitted``. ``start_assessment`` and ``submit_report`` re-check the
  panel, so a change of assessors made without ``reassign_assessors`` cannot slip through.
* Changing the panel or the date after assignment is ``reassign_assessors`` (a reason is
  required); it re-checks everything ``assign_assessors`` checks, the preparation time
  included, so a late replacement means a later assessment date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol, TypeAlias


class State(StrEnum):
    """Where a procedure stands. The values are what the database stores."""

    DRAFT = "draft"
    APPLIED = "applied"  # submitted, waiting for the secretariat
    CHANGES_REQUESTED = "changes_requested"  # the secretariat sent the application back
    CONTRACTED = "contracted"  # accepted, fee agreed; self-assessment open
    SELF_ASSESSMENT_SUBMITTED = "self_assessment_submitted"
    ASSESSORS_ASSIGNED = "assessors_assigned"  # panel confirmed, assessment scheduled
    ASSESSMENT_IN_PROGRESS = "assessment_in_progress"  # the assessors score
    REPORT_SUBMITTED = "report_submitted"  # with an advisory board only
    BOARD_REVIEW = "board_review"
    AWAITING_DECISION = "awaiting_decision"  # the awarding authority decides
    AWARDED = "awarded"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


TERMINAL_STATES: frozenset[State] = frozenset({State.AWARDED, State.REFUSED, State.WITHDRAWN})
NON_TERMINAL_STATES: frozenset[State] = frozenset(State) - TERMINAL_STATES


class Role(StrEnum):
    """The capacity in which a user acts on a procedure."""

    CLUSTER_MANAGER = "cluster_manager"  # the applying organisation's staff
    SECRETARIAT = "secretariat"  # the scheme operator's staff
    ASSESSOR = "assessor"
    BOARD_MEMBER = "board_member"  # member of the scheme's advisory board
    AUTHORITY = "authority"  # the awarding authority
    ADMINISTRATOR = "administrator"  # runs the platform; no procedural powers


class Action(StrEnum):
    """What a user can do to a procedure, in the order the procedure normally runs."""

    SUBMIT_APPLICATION = "submit_application"
    REQUEST_CHANGES = "request_changes"
    RESUBMIT_APPLICATION = "resubmit_application"
    ACCEPT_APPLICATION = "accept_application"
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    REOPEN_SELF_ASSESSMENT = "reopen_self_assessment"
    ASSIGN_ASSESSORS = "assign_assessors"
    REASSIGN_ASSESSORS = "reassign_assessors"
    START_ASSESSMENT = "start_assessment"
    SUBMIT_REPORT = "submit_report"
    RETURN_REPORT = "return_report"
    SEND_TO_BOARD = "send_to_board"
    RECORD_BOARD_VOTE = "record_board_vote"
    CLOSE_BOARD_REVIEW = "close_board_review"
    RETURN_TO_BOARD = "return_to_board"
    AWARD = "award"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"


# --- facts -----------------------------------------------------------------------------------


class SchemeProcedure(Protocol):
    """The fields of a scheme's ``procedure:`` block this module reads (structural type, so
    this module needs no import of the scheme model)."""

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


@dataclass(frozen=True, kw_only=True)
class ProcedureRules:
    """The ``procedure:`` block of the scheme version the procedure runs under.

    Guarantees on construction: ``assessors >= 1``; ``national_and_foreign`` only with at least
    two assessors; ``board_quorum >= 1`` when there is an advisory board (``>= 0`` otherwise);
    ``0 <= board_majority_percent < 100`` as an exact ``Decimal``;
    ``self_assessment_due_days_before_assessment >= 0``.
    """

    assessors: int
    national_and_foreign: bool
    advisory_board: bool
    board_quorum: int
    board_majority_percent: Decimal
    self_assessment_due_days_before_assessment: int

    @classmethod
    def from_scheme(cls, procedure: SchemeProcedure) -> ProcedureRules:
        """Build the rules from a scheme's ``procedure:`` block (any object with its fields, such
        as ``clusterlabel.domain.schemes.ProcedureRules``). Optional values the scheme leaves out
        become: no board quorum without a board (0), a simple majority (more than 50 %), no
        preparation time (0 days)."""
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


@dataclass(frozen=True, kw_only=True)
class AssessorFacts:
    """One assessor assigned to the procedure."""

    nationality: str  # ISO 3166-1 alpha-2
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
    self_assessment_missing: int  # indicators without an answer (or required evidence)
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


@dataclass(frozen=True)
class Blocked:
    """A machine-readable reason why an action is not possible; the UI translates ``code``.

    ``params`` holds plain values (int, str, date, tuple of str) for the message placeholders;
    it is read-only, and a ``Blocked`` is hashable (params do not take part in the hash).
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


class TransitionNotAllowed(Exception):
    """Raised by ``check``: ``code``/``params`` is the first reason, ``blocked`` all of them."""

    def __init__(
        self, code: str, params: Mapping[str, object], blocked: tuple[Blocked, ...] = ()
    ) -> None:
        self.blocked = blocked or (Blocked(code, params),)
        self.code = code
        self.params: Mapping[str, object] = MappingProxyType(dict(params))
        super().__init__(f"{code}: {dict(self.params)}")


# --- board -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    """The advisory board's recommendation from the votes of the current round.

    ``recommended`` is ``None`` until the quorum is reached.
    """

    quorum_reached: bool
    recommended: bool | None
    yes: int
    no: int


def board_recommendation(votes: Iterable[BoardVote], rules: ProcedureRules) -> Recommendation:
    """Count the votes: quorum when at least ``board_quorum`` votes are cast; the board
    recommends the award when the yes votes are MORE than ``board_majority_percent`` % of all
    votes (exact arithmetic: 1 of 2 with 50 % is not a recommendation, 2 of 3 is)."""
    votes = tuple(votes)
    yes = sum(1 for vote in votes if vote.yes)
    no = len(votes) - yes
    if len(votes) < rules.board_quorum:
        return Recommendation(quorum_reached=False, recommended=None, yes=yes, no=no)
    recommended = yes * 100 > rules.board_majority_percent * len(votes)
    return Recommendation(quorum_reached=True, recommended=recommended, yes=yes, no=no)


# --- dates -----------------------------------------------------------------------------------


def self_assessment_due_date(assessment_date: date, rules: ProcedureRules) -> date:
    """The last day the self-assessment is due: ``self_assessment_due_days_before_assessment``
    calendar days before the assessment date."""
    return assessment_date - timedelta(days=rules.self_assessment_due_days_before_assessment)


DEFAULT_DEADLINE_DAYS: Mapping[State, int | None] = MappingProxyType(
    {
        State.DRAFT: None,  # nothing is owed before the application is submitted
        State.APPLIED: 14,  # the secretariat checks the application
        State.CHANGES_REQUESTED: 30,  # the applicant completes the application
        State.CONTRACTED: 60,  # self-assessment; once a date is set, self_assessment_due_date rules
        State.SELF_ASSESSMENT_SUBMITTED: 21,  # the secretariat forms the panel and sets a date
        State.ASSESSORS_ASSIGNED: None,  # the assessment date itself is the deadline
        State.ASSESSMENT_IN_PROGRESS: 28,  # the assessors agree and submit the report
        State.REPORT_SUBMITTED: 14,  # the secretariat checks the report
        State.BOARD_REVIEW: 28,  # the board votes, the secretariat closes the review
        State.AWAITING_DECISION: 28,  # the authority decides
        State.AWARDED: None,
        State.REFUSED: None,
        State.WITHDRAWN: None,
    }
)


def deadline_days(state: State | str) -> int | None:
    """Default number of calendar days, counted from entering ``state``, within which
    ``owner_of(state)`` should act; ``None`` when no day count applies (draft, scheduled
    assessment, terminal states). Used for reminders and the "overdue" marker; it never blocks
    an action."""
    return DEFAULT_DEADLINE_DAYS[State(state)]


_OWNERS: dict[State, Role | None] = {
    State.DRAFT: Role.CLUSTER_MANAGER,
    State.APPLIED: Role.SECRETARIAT,
    State.CHANGES_REQUESTED: Role.CLUSTER_MANAGER,
    State.CONTRACTED: Role.CLUSTER_MANAGER,
    State.SELF_ASSESSMENT_SUBMITTED: Role.SECRETARIAT,
    State.ASSESSORS_ASSIGNED: Role.ASSESSOR,
    State.ASSESSMENT_IN_PROGRESS: Role.ASSESSOR,
    State.REPORT_SUBMITTED: Role.SECRETARIAT,
    State.BOARD_REVIEW: Role.BOARD_MEMBER,
    State.AWAITING_DECISION: Role.AUTHORITY,
    State.AWARDED: None,
    State.REFUSED: None,
    State.WITHDRAWN: None,
}


def owner_of(state: State | str) -> Role | None:
    """The role the procedure waits for in ``state`` (for "waiting for ..." and e-mails);
    ``None`` in a terminal state. The owner always has an action there other than withdrawal."""
    return _OWNERS[State(state)]


# --- guards ----------------------------------------------------------------------------------

Guard: TypeAlias = Callable[[ProcedureFacts], Blocked | None]


def organisation_confirmed(facts: ProcedureFacts) -> Blocked | None:
    """The secretariat has confirmed the organisation's registration (a self-registered
    organisation may prepare and submit its application before, but it is not accepted)."""
    if not facts.organisation_confirmed:
        return Blocked("organisation_not_confirmed", {})
    return None


def organisation_eligible(facts: ProcedureFacts) -> Blocked | None:
    """The organisation meets every eligibility criterion of the scheme."""
    if facts.eligibility_failures:
        return Blocked("not_eligible", {"criteria": tuple(facts.eligibility_failures)})
    return None


def self_assessment_complete(facts: ProcedureFacts) -> Blocked | None:
    """Every indicator of the self-assessment is answered."""
    if not facts.self_assessment_complete:
        return Blocked("self_assessment_incomplete", {"missing": facts.self_assessment_missing})
    return None


def assessor_count_matches(facts: ProcedureFacts) -> Blocked | None:
    """Exactly as many assessors as the scheme says score."""
    need, have = facts.rules.assessors, len(facts.assessors)
    if have < need:
        return Blocked("too_few_assessors", {"need": need, "have": have})
    if have > need:
        return Blocked("too_many_assessors", {"need": need, "have": have})
    return None


def national_and_foreign_assessors(facts: ProcedureFacts) -> Blocked | None:
    """Where the scheme asks for it: at least one assessor from the assessed organisation's
    country and at least one from another country."""
    if not facts.rules.national_and_foreign:
        return None
    country = facts.home_country.upper()
    national = sum(1 for a in facts.assessors if a.nationality.upper() == country)
    foreign = len(facts.assessors) - national
    if national == 0 or foreign == 0:
        return Blocked(
            "national_and_foreign_assessors_required",
            {"country": country, "national": national, "foreign": foreign},
        )
    return None


def conflicts_of_interest_declared(facts: ProcedureFacts) -> Blocked | None:
    """Every assessor has declared that there is no conflict of interest."""
    count = sum(1 for a in facts.assessors if not a.conflict_declared_none)
    if count:
        return Blocked("conflict_of_interest_not_declared", {"count": count})
    return None


def assessment_leaves_preparation_time(facts: ProcedureFacts) -> Blocked | None:
    """The assessment is scheduled at least ``self_assessment_due_days_before_assessment`` days
    from today, so the assessors get the scheme's preparation time with the self-assessment."""
    if facts.assessment_date is None:
        return Blocked("assessment_not_scheduled", {})
    days = facts.rules.self_assessment_due_days_before_assessment
    if self_assessment_due_date(facts.assessment_date, facts.rules) < facts.today:
        return Blocked(
            "assessment_too_soon",
            {
                "assessment_date": facts.assessment_date,
                "earliest": facts.today + timedelta(days=days),
                "days": days,
            },
        )
    return None


def assessment_date_reached(facts: ProcedureFacts) -> Blocked | None:
    """Scoring starts on the assessment date or later."""
    if facts.assessment_date is None:
        return Blocked("assessment_not_scheduled", {})
    if facts.today < facts.assessment_date:
        return Blocked("assessment_date_not_reached", {"assessment_date": facts.assessment_date})
    return None


def scores_complete(facts: ProcedureFacts) -> Blocked | None:
    """Every indicator is scored."""
    if not facts.scores_complete:
        return Blocked("scores_incomplete", {"missing": facts.scores_missing})
    return None


def assessor_scores_agree(facts: ProcedureFacts) -> Blocked | None:
    """No indicator where the assessors' scores still differ."""
    if facts.scores_disagreement_count > 0:
        return Blocked("assessor_scores_disagree", {"count": facts.scores_disagreement_count})
    return None


def report_agreed_by_all_assessors(facts: ProcedureFacts) -> Blocked | None:
    """Every assessor of the panel has agreed to the report."""
    count = sum(1 for a in facts.assessors if not a.report_agreed)
    if count:
        return Blocked("report_not_agreed", {"count": count})
    return None


def board_quorum_reached(facts: ProcedureFacts) -> Blocked | None:
    """At least ``board_quorum`` board members have voted."""
    if len(facts.board_votes) < facts.rules.board_quorum:
        return Blocked(
            "board_quorum_not_reached",
            {"need": facts.rules.board_quorum, "have": len(facts.board_votes)},
        )
    return None


def board_member_declared_no_conflict(facts: ProcedureFacts) -> Blocked | None:
    """The voting member has declared that they have no conflict of interest in this round
    (a member who declared a conflict, or none yet, does not vote)."""
    if not facts.actor_declared_no_board_conflict:
        return Blocked("board_conflict_not_declared_none", {})
    return None


def no_votes_have_reasons(facts: ProcedureFacts) -> Blocked | None:
    """Every *no* vote states its reason (a recommendation against must be justified)."""
    count = sum(1 for v in facts.board_votes if not v.yes and not v.has_reason)
    if count:
        return Blocked("votes_without_reason", {"count": count})
    return None


def award_rules_met(facts: ProcedureFacts) -> Blocked | None:
    """The scheme's award rules, applied to the scores, give a level; the authority cannot
    override the scheme."""
    if not facts.computed_award_possible:
        return Blocked("award_rules_not_met", {})
    return None


def board_recommends_award(facts: ProcedureFacts) -> Blocked | None:
    """Where the scheme has an advisory board, it recommended the award."""
    if not facts.rules.advisory_board:
        return None
    recommendation = board_recommendation(facts.board_votes, facts.rules)
    if not recommendation.quorum_reached:
        return board_quorum_reached(facts)
    if not recommendation.recommended:
        return Blocked(
            "board_recommended_against", {"yes": recommendation.yes, "no": recommendation.no}
        )
    return None


_PANEL: tuple[Guard, ...] = (
    assessor_count_matches,
    national_and_foreign_assessors,
    conflicts_of_interest_declared,
)
_REPORT: tuple[Guard, ...] = (
    assessor_count_matches,
    scores_complete,
    assessor_scores_agree,
    report_agreed_by_all_assessors,
)


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One row of the table: ``action`` by one of ``roles`` leads from any state in ``source``
    to ``target`` when every guard passes (and a reason is given where ``requires_reason``).

    ``advisory_board`` restricts the row to schemes with (``True``) or without (``False``) an
    advisory board; ``None`` means every scheme.
    """

    action: Action
    source: frozenset[State]
    target: State
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    requires_reason: bool = False
    advisory_board: bool | None = None

    def applies_to(self, state: State, advisory_board: bool) -> bool:
        return state in self.source and self.advisory_board in (None, advisory_board)


def _row(
    action: Action,
    source: Iterable[State],
    target: State,
    roles: Iterable[Role],
    guards: tuple[Guard, ...] = (),
    *,
    reason: bool = False,
    board: bool | None = None,
) -> Transition:
    return Transition(
        action=action,
        source=frozenset(source),
        target=target,
        roles=frozenset(roles),
        guards=guards,
        requires_reason=reason,
        advisory_board=board,
    )


S, R, A = State, Role, Action
_PANEL_AND_DATE = (*_PANEL, assessment_leaves_preparation_time)

# One row per line (two where guards follow): action, from, to, by whom, guards, flags.
# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    _row(A.SUBMIT_APPLICATION, {S.DRAFT}, S.APPLIED, {R.CLUSTER_MANAGER}),
    _row(A.REQUEST_CHANGES, {S.APPLIED}, S.CHANGES_REQUESTED, {R.SECRETARIAT}, reason=True),
    _row(A.RESUBMIT_APPLICATION, {S.CHANGES_REQUESTED}, S.APPLIED, {R.CLUSTER_MANAGER}),
    _row(A.ACCEPT_APPLICATION, {S.APPLIED}, S.CONTRACTED, {R.SECRETARIAT},
         (organisation_confirmed, organisation_eligible)),
    _row(A.SUBMIT_SELF_ASSESSMENT, {S.CONTRACTED}, S.SELF_ASSESSMENT_SUBMITTED,
         {R.CLUSTER_MANAGER}, (self_assessment_complete,)),
    _row(A.REOPEN_SELF_ASSESSMENT, {S.SELF_ASSESSMENT_SUBMITTED, S.ASSESSORS_ASSIGNED},
         S.CONTRACTED, {R.SECRETARIAT, R.ASSESSOR}, reason=True),
    _row(A.ASSIGN_ASSESSORS, {S.SELF_ASSESSMENT_SUBMITTED}, S.ASSESSORS_ASSIGNED,
         {R.SECRETARIAT}, _PANEL_AND_DATE),
    _row(A.REASSIGN_ASSESSORS, {S.ASSESSORS_ASSIGNED}, S.ASSESSORS_ASSIGNED,
         {R.SECRETARIAT}, _PANEL_AND_DATE, reason=True),
    _row(A.START_ASSESSMENT, {S.ASSESSORS_ASSIGNED}, S.ASSESSMENT_IN_PROGRESS,
         {R.ASSESSOR}, (*_PANEL, assessment_date_reached)),
    _row(A.SUBMIT_REPORT, {S.ASSESSMENT_IN_PROGRESS}, S.REPORT_SUBMITTED,
         {R.ASSESSOR}, _REPORT, board=True),
    _row(A.SUBMIT_REPORT, {S.ASSESSMENT_IN_PROGRESS}, S.AWAITING_DECISION,
         {R.ASSESSOR}, _REPORT, board=False),
    _row(A.RETURN_REPORT, {S.REPORT_SUBMITTED}, S.ASSESSMENT_IN_PROGRESS,
         {R.SECRETARIAT}, reason=True),
    _row(A.RETURN_REPORT, {S.AWAITING_DECISION}, S.ASSESSMENT_IN_PROGRESS,
         {R.AUTHORITY}, reason=True),
    _row(A.SEND_TO_BOARD, {S.REPORT_SUBMITTED}, S.BOARD_REVIEW, {R.SECRETARIAT}, board=True),
    _row(A.RECORD_BOARD_VOTE, {S.BOARD_REVIEW}, S.BOARD_REVIEW, {R.BOARD_MEMBER},
         (board_member_declared_no_conflict,), board=True),
    _row(A.CLOSE_BOARD_REVIEW, {S.BOARD_REVIEW}, S.AWAITING_DECISION, {R.SECRETARIAT},
         (board_quorum_reached, no_votes_have_reasons), board=True),
    _row(A.RETURN_TO_BOARD, {S.AWAITING_DECISION}, S.BOARD_REVIEW, {R.AUTHORITY},
         reason=True, board=True),
    _row(A.AWARD, {S.AWAITING_DECISION}, S.AWARDED, {R.AUTHORITY},
         (award_rules_met, board_recommends_award)),
    _row(A.REFUSE, {S.AWAITING_DECISION}, S.REFUSED, {R.AUTHORITY}, reason=True),
    _row(A.WITHDRAW, NON_TERMINAL_STATES, S.WITHDRAWN, {R.CLUSTER_MANAGER}, reason=True),
)
# fmt: on

del S, R, A


def _validate_table(table: Iterable[Transition]) -> None:
    """Refuse an ambiguous or ill-formed table (run on import)."""
    seen: set[tuple[Action, State, bool]] = set()
    for row in table:
        if not row.source or not row.roles:
            raise ValueError(f"{row.action}: a row needs a source state and a role")
        if row.source & TERMINAL_STATES:
            raise ValueError(f"{row.action}: nothing may leave a terminal state")
        for state in row.source:
            for board in (True, False):
                if row.applies_to(state, board):
                    key = (row.action, state, board)
                    if key in seen:
                        raise ValueError(f"{row.action} from {state} is ambiguous")
                    seen.add(key)


_validate_table(TRANSITIONS)


# --- questions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionOption:
    """An action the role has in this state: ``allowed``, or disabled with ``blocked`` reasons.

    ``requires_reason`` tells the UI to ask for a reason; it is not part of ``allowed``.
    """

    action: Action
    target: State
    allowed: bool
    blocked: tuple[Blocked, ...]
    requires_reason: bool


def _actor_check(role: Role, facts: ProcedureFacts) -> Blocked | None:
    """The object-level check: the actor holds ``role`` for *this* procedure."""
    match role:
        case Role.CLUSTER_MANAGER if not facts.actor_is_member_of_organisation:
            return Blocked("not_member_of_organisation", {})
        case Role.SECRETARIAT if not facts.actor_is_scheme_secretariat:
            return Blocked("not_scheme_secretariat", {})
        case Role.ASSESSOR if not facts.actor_is_assigned_assessor:
            return Blocked("not_assigned_assessor", {})
        case Role.BOARD_MEMBER if not facts.actor_is_board_member:
            return Blocked("not_board_member", {})
        case Role.AUTHORITY if not facts.actor_is_awarding_authority:
            return Blocked("not_awarding_authority", {})
    return None


def _blocked_by(row: Transition, role: Role, facts: ProcedureFacts) -> tuple[Blocked, ...]:
    """Actor check and guards of ``row``, in order; empty when the row may run."""
    reasons = [_actor_check(role, facts), *(guard(facts) for guard in row.guards)]
    return tuple(reason for reason in reasons if reason is not None)


def available_actions(
    state: State | str, role: Role | str, facts: ProcedureFacts
) -> list[ActionOption]:
    """Every action ``role`` has in ``state`` under this scheme, in ``Action`` order, each
    allowed or disabled with all its reasons. Actions of other roles are not listed; a terminal
    state lists nothing. An option is allowed exactly when ``check`` with a reason passes."""
    state, role = State(state), Role(role)  # ValueError for an unknown value
    options: list[ActionOption] = []
    for action in Action:
        for row in TRANSITIONS:
            if (
                row.action == action
                and role in row.roles
                and row.applies_to(state, facts.rules.advisory_board)
            ):
                blocked = _blocked_by(row, role, facts)
                options.append(
                    ActionOption(
                        action=row.action,
                        target=row.target,
                        allowed=not blocked,
                        blocked=blocked,
                        requires_reason=row.requires_reason,
                    )
                )
    return options


def check(
    action: Action | str,
    state: State | str,
    role: Role | str,
    facts: ProcedureFacts,
    *,
    reason: str | None = None,
) -> Transition:
    """Return the row that lets ``role`` do ``action`` in ``state`` now, or raise
    ``TransitionNotAllowed`` (order of checks in the module docstring). ``reason`` is the
    actor's free-text reason; blank counts as none."""
    action, state, role = Action(action), State(state), Role(role)
    rows = [row for row in TRANSITIONS if row.action == action and state in row.source]
    if not rows:
        raise TransitionNotAllowed("wrong_state", {"action": action, "state": state})
    rows = [row for row in rows if row.applies_to(state, facts.rules.advisory_board)]
    if not rows:
        raise TransitionNotAllowed("no_advisory_board", {"action": action})
    (row,) = rows  # _validate_table guarantees one
    if role not in row.roles:
        raise TransitionNotAllowed("wrong_role", {"action": action, "role": role})
    blocked = _blocked_by(row, role, facts)
    if row.requires_reason and not (reason and reason.strip()):
        blocked += (Blocked("reason_required", {"action": action}),)
    if blocked:
        raise TransitionNotAllowed(blocked[0].code, blocked[0].params, blocked)
    return row


def next_state(
    action: Action | str,
    state: State | str,
    role: Role | str,
    facts: ProcedureFacts,
    *,
    reason: str | None = None,
) -> State:
    """The state after ``action``; raises ``TransitionNotAllowed`` exactly when ``check`` does."""
    return check(action, state, role, facts, reason=reason).target
