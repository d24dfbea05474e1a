"""Reads of procedures, with the prefetches their pages need."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone

from clusterlabel.access.policy import (
    Activity,
    GrantRole,
    board_declaration,
    held_roles,
    holders,
    procedure_roles,
    restrict,
)
from clusterlabel.accounts.models import User
from clusterlabel.core.text import search_key
from clusterlabel.domain import procedure as flow
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.models import (
    AssessorAssignment,
    BoardConflictDeclaration,
    IndicatorScore,
    Procedure,
)

# A procedure's reference as letters and e-mails print it: P-2026-0042 (the year it was opened,
# its number); "p 2026 42" and "2026-0042" are understood too.
_REFERENCE = re.compile(r"^\s*(?:p[\s-]*)?(\d{4})[\s-]+(\d+)\s*$", re.IGNORECASE)


def procedure_search(query: str) -> Q:
    """The procedures that ``query`` names: by reference (``P-2026-0042``) or number, by the
    certificate number of a label it issued, or by a part of the organisation's legal or
    cluster name (folded as the organisation search folds it). Filters by subqueries, so a
    procedure with several labels is listed once."""
    query = query.strip()
    if not query:
        return Q()
    condition = Q(pk__in=[])
    reference = _REFERENCE.match(query)
    if reference:
        condition |= Q(pk=int(reference.group(2)), created_at__year=int(reference.group(1)))
    elif query.isdigit():
        condition |= Q(pk=int(query))
    # The labels app sits above this one: its model is reached through the relation.
    label_model = Procedure._meta.get_field("labels").related_model
    if isinstance(label_model, type) and issubclass(label_model, Model):
        issued = label_model._default_manager.filter(
            certificate_number=query.upper(), procedure_id__isnull=False
        )
        condition |= Q(pk__in=issued.values("procedure_id"))
    folded = search_key(query)
    if folded:
        condition |= Q(organisation__name_search_key__contains=folded)
    return condition


def procedure_list(
    *, user: User, state: str | None = None, search: str = ""
) -> QuerySet[Procedure]:
    """The procedures ``user`` may see, newest first, in ``state`` and matching ``search``
    (``procedure_search``) when given; one query whatever their number."""
    queryset = restrict(
        Procedure.objects.select_related("organisation", "scheme_version"),
        user,
        Activity.VIEW_PROCEDURE,
    )
    if state:
        queryset = queryset.filter(state=state)
    if search.strip():
        queryset = queryset.filter(procedure_search(search))
    return queryset.order_by("-state_entered_at", "-pk")


def procedures_of_organisation(*, organisation: Organisation, viewer: User) -> QuerySet[Procedure]:
    """The organisation's procedures ``viewer`` may see, newest first, with their scheme
    versions."""
    return restrict(
        Procedure.objects.filter(organisation=organisation).select_related("scheme_version"),
        viewer,
        Activity.VIEW_PROCEDURE,
    ).order_by("-created_at", "-pk")


def procedure_get(*, pk: int) -> Procedure:
    """One procedure with everything its detail page and the transition table read."""
    return (
        Procedure.objects.select_related(
            "organisation", "scheme_version", "previous_procedure", "decided_by"
        )
        .prefetch_related(
            "organisation__managers",
            "answers",
            "evidence__uploaded_by",
            Prefetch(
                "assignments",
                queryset=AssessorAssignment.objects.select_related("assessor").order_by("pk"),
            ),
            Prefetch(
                "scores",
                queryset=IndicatorScore.objects.select_related("updated_by").prefetch_related(
                    "confirmations"
                ),
            ),
            "board_votes__member",
            Prefetch(
                "board_conflict_declarations",
                queryset=BoardConflictDeclaration.objects.select_related("member").order_by(
                    "round", "declared_at", "pk"
                ),
            ),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class BoardDeclarations:
    """The board's conflict-of-interest declarations for the current round of a review:
    ``declared`` (by time), the members of the scheme's board who have not declared yet, and
    whether enough members are left without a conflict to reach the quorum."""

    round: int
    declared: list[BoardConflictDeclaration]
    undeclared: list[User]
    may_vote: int  # members of the board without a declared conflict
    quorum: int

    @property
    def quorum_reachable(self) -> bool:
        return self.may_vote >= self.quorum


def board_declarations(procedure: Procedure) -> BoardDeclarations:
    """The declarations of the current round (from the prefetched
    ``board_conflict_declarations``) against the people who hold the board-member role for
    the procedure's scheme; one query for those."""
    version = procedure.scheme_version
    members = list(
        holders(GrantRole.BOARD_MEMBER, version.scheme_id, version.operator_id).order_by(
            "last_name", "first_name", "username"
        )
    )
    declared = [
        d for d in procedure.board_conflict_declarations.all() if d.round == procedure.board_round
    ]
    declared_ids = {d.member_id for d in declared}
    conflicted = {d.member_id for d in declared if not d.no_conflict}
    return BoardDeclarations(
        round=procedure.board_round,
        declared=declared,
        undeclared=[m for m in members if m.pk not in declared_ids],
        may_vote=len({m.pk for m in members} - conflicted),
        quorum=procedure.scheme.procedure.board_quorum or 0,
    )


@dataclass(frozen=True)
class Deadline:
    due: date
    overdue: bool
    days_left: int


def procedure_deadline(procedure: Procedure, *, today: date | None = None) -> Deadline | None:
    """When the current step is due: the assessment date rules while one is set for the
    self-assessment and the assessment itself; otherwise the days per state of the scheme
    version the procedure runs under (its ``procedure.deadlines``, else the defaults)."""
    today = today or timezone.localdate()
    due: date | None = None
    rules = flow.ProcedureRules.from_scheme(procedure.scheme.procedure)
    if procedure.state == flow.State.CONTRACTED and procedure.assessment_date:
        due = flow.self_assessment_due_date(procedure.assessment_date, rules)
    elif procedure.state == flow.State.ASSESSORS_ASSIGNED and procedure.assessment_date:
        due = procedure.assessment_date
    else:
        days = flow.deadline_days(procedure.state, rules)
        if days is not None:
            due = timezone.localdate(procedure.state_entered_at) + timedelta(days=days)
    if due is None:
        return None
    return Deadline(due=due, overdue=today > due, days_left=(due - today).days)


def procedures_waiting_for(*, user: User) -> list[Procedure]:
    """The procedures whose next step is this person's: the state's owner is a role they hold
    for that procedure (their organisation, their panel, their scheme). Assessors are also
    asked for outstanding conflict-of-interest declarations, the secretariat for open board
    reviews to close; a board member who declared a conflict for the current round has
    nothing waiting there (one who has not declared yet has: the declaration). At most 50,
    newest first."""
    if not user.is_authenticated:
        return []
    panel = {flow.State.SELF_ASSESSMENT_SUBMITTED, flow.State.ASSESSORS_ASSIGNED}
    held = {role.value for role in held_roles(user)}
    states = {state for state in flow.State if flow.owner_of(state) in held}
    if flow.Role.ASSESSOR in held:
        states |= panel
    if flow.Role.SECRETARIAT in held:
        states.add(flow.State.BOARD_REVIEW)
    queryset = procedure_list(user=user).filter(state__in=sorted(states))
    candidates = queryset.prefetch_related(
        "assignments", "organisation__programmes", "board_conflict_declarations"
    )
    waiting = []
    for procedure in candidates:
        roles = procedure_roles(user, procedure)
        owner = flow.owner_of(procedure.state)
        declaration_due = (
            flow.Role.ASSESSOR in roles
            and procedure.state in panel
            and any(
                a.assessor_id == user.pk and not a.no_conflict_declared
                for a in procedure.assignments.all()
            )
        )
        closes_review = (
            flow.Role.SECRETARIAT in roles and procedure.state == flow.State.BOARD_REVIEW
        )
        if owner == flow.Role.BOARD_MEMBER and board_declaration(user, procedure) is False:
            # A member with a conflict sits this round out.
            roles = roles - {flow.Role.BOARD_MEMBER}
        if owner in roles or declaration_due or closes_review:
            waiting.append(procedure)
            if len(waiting) == 50:
                break
    return waiting
