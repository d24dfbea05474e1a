"""The procedure page: its step buttons, its audit trail and what of the file the user sees.

The confidentiality rules live here, asked of the policy: the applicant sees its own steps but
not the panel's or the board's work, only who may read the board's votes sees them (and their
audit entries), and a board member of the current review sees no vote button until they have
declared that they have no conflict of interest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.utils.functional import Promise

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.selectors import audit_events_for_procedure
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.facts import procedure_facts, self_assessment_missing
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.next_steps import (
    ActionButton,
    NextStep,
    action_buttons,
    issued_labels,
    next_steps,
)
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.selectors import board_declarations, procedure_deadline

# States in which the advisory board's count means something.
BOARD_AND_AFTER = frozenset(
    {
        ProcedureState.BOARD_REVIEW,
        ProcedureState.AWAITING_DECISION,
        ProcedureState.AWARDED,
        ProcedureState.REFUSED,
    }
)

# Audit actions shown on the procedure page by default (the full trail is one click away).
MILESTONE_PREFIXES = ("procedure.", "panel.", "report.")

# Audit actions a cluster manager sees on their own procedure's trail.
APPLICANT_TRAIL_PREFIXES = ("procedure.", "self_assessment.", "evidence.")

VOTE_EVENT = f"procedure.{flow.Action.RECORD_BOARD_VOTE}"


def visible_trail(
    events: Iterable[AuditEvent],
    *,
    reads_internal: bool,
    reads_votes: bool,
    reads_board_declarations: bool,
) -> list[AuditEvent]:
    """The audit events a reader of the file may see."""
    shown = list(events)
    if not reads_internal:
        # The applicant sees its own steps; the panel's and the board's work is internal.
        shown = [e for e in shown if e.action.startswith(APPLICANT_TRAIL_PREFIXES)]
    if not reads_votes:
        # Each vote's event names the member and the reason.
        shown = [e for e in shown if e.action != VOTE_EVENT]
    if not reads_board_declarations:
        # Each declaration's event names the member and, for a conflict, what it is.
        shown = [e for e in shown if e.action != services.BOARD_DECLARATION_EVENT]
    return shown


def milestones(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """The steps of the procedure; single scores and answers are one click away."""
    return [e for e in events if e.action.startswith(MILESTONE_PREFIXES)]


@dataclass(frozen=True)
class ProcedurePage:
    """Everything the procedure page shows to one user; ``context()`` is the template's."""

    procedure: Procedure
    scheme: Any
    level: Any
    deadline: Any
    owner: flow.Role | None
    owner_label: Promise | str
    options: list[ActionButton]
    next_steps: list[NextStep]
    issued_labels: list[Any]
    board_declaration_due: bool
    own_board_declaration: Any
    board_declarations: Any
    events: list[AuditEvent]
    all_events: int
    full_trail: bool
    answered: int
    indicator_count: int
    assignments: list[Any]
    result: Any
    result_reasons: list[str]
    eligibility_reasons: list[str]
    is_manager: bool
    is_assigned_assessor: bool
    sees_file: bool
    sees_panel: bool
    sees_declarations: bool
    sees_scoring_pages: bool
    board_votes: list[Any]
    sees_scores: bool
    board: Any

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def procedure_page(procedure: Procedure, *, user: User, full_trail: bool) -> ProcedurePage:
    """The procedure page as ``user`` sees it; ``full_trail`` shows every audit event they may
    read instead of the milestones."""
    computed = compute_result(procedure)
    facts = procedure_facts(procedure, actor=user, computed=computed)
    scheme = procedure.scheme
    sees_file = policy.can(user, Activity.VIEW_PROCEDURE_FILE, procedure)
    sees_votes = policy.can(user, Activity.READ_BOARD_VOTES, procedure)
    reads_board_declarations = policy.can(user, Activity.READ_BOARD_DECLARATIONS, procedure)
    events = visible_trail(
        audit_events_for_procedure(procedure_id=procedure.pk) if sees_file else [],
        reads_internal=policy.can(user, Activity.READ_INTERNAL_AUDIT, procedure),
        reads_votes=sees_votes,
        reads_board_declarations=reads_board_declarations,
    )
    sees_scores = policy.can(user, Activity.READ_SCORES, procedure)
    result = computed if sees_scores and procedure.scores.all() else None
    options = action_buttons(user, procedure, facts)
    # A board member of this review: until they declare no conflict they see the header only.
    declares_for_board = policy.can(user, Activity.DECLARE_BOARD_CONFLICT, procedure)
    own_declaration = (
        policy.current_board_declaration(user, procedure) if declares_for_board else None
    )
    if declares_for_board and not (own_declaration and own_declaration.no_conflict):
        options = [o for o in options if o.action != flow.Action.RECORD_BOARD_VOTE]
    steps = next_steps(user, procedure, facts)
    board_stage = bool(scheme.procedure.advisory_board) and procedure.state in BOARD_AND_AFTER
    owner = flow.owner_of(procedure.state)
    return ProcedurePage(
        procedure=procedure,
        scheme=scheme,
        level=procedure.level,
        deadline=procedure_deadline(procedure),
        owner=owner,
        owner_label=Role(owner).label if owner else "",
        options=options,
        next_steps=steps,
        issued_labels=issued_labels(procedure),
        board_declaration_due=declares_for_board and own_declaration is None,
        own_board_declaration=own_declaration,
        board_declarations=board_declarations(procedure)
        if board_stage and reads_board_declarations
        else None,
        events=events if full_trail else milestones(events),
        all_events=len(events),
        full_trail=full_trail,
        answered=len(scheme.indicators) - self_assessment_missing(procedure),
        indicator_count=len(scheme.indicators),
        assignments=list(procedure.assignments.all()),
        result=result,
        result_reasons=describe_all(result.decision.reasons) if result else [],
        eligibility_reasons=describe_all(computed.eligibility.failures),
        is_manager=facts.actor_is_member_of_organisation,
        is_assigned_assessor=facts.actor_is_assigned_assessor,
        sees_file=sees_file,
        sees_panel=facts.actor_is_scheme_secretariat,
        sees_declarations=policy.can(user, Activity.READ_PANEL_DECLARATIONS, procedure),
        sees_scoring_pages=sees_scores and not facts.actor_is_board_member,
        board_votes=[v for v in procedure.board_votes.all() if v.round == procedure.board_round]
        if sees_votes
        else [],
        sees_scores=sees_scores,
        board=flow.board_recommendation(facts.board_votes, facts.rules) if board_stage else None,
    )
