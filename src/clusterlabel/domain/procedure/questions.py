"""The questions the procedure answers: which actions a role has, may it act, what follows.

``available_actions`` lists the buttons, ``check`` runs before the write and refuses in the fixed
order the package docstring gives, ``next_state`` names the state that follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from clusterlabel.domain.procedure.facts import ProcedureFacts
from clusterlabel.domain.procedure.guards import Blocked
from clusterlabel.domain.procedure.table import TRANSITIONS, Transition
from clusterlabel.domain.procedure.vocabulary import Action, Role, State


class TransitionNotAllowed(Exception):
    """Raised by ``check``: ``code``/``params`` is the first reason, ``blocked`` all of them."""

    def __init__(
        self, code: str, params: Mapping[str, object], blocked: tuple[Blocked, ...] = ()
    ) -> None:
        self.blocked = blocked or (Blocked(code, params),)
        self.code = code
        self.params: Mapping[str, object] = MappingProxyType(dict(params))
        super().__init__(f"{code}: {dict(self.params)}")


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
    ``TransitionNotAllowed`` (order of checks in the package docstring). ``reason`` is the
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
