"""What every write to a procedure shares: refusals the UI can explain, the locked row, the
policy's check, e-mails after the commit, and ``procedure_transition``, one step of the
transition table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.facts import procedure_facts
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.tasks import notify_panel_task, notify_step_task

# Fields a transition changes that the audit event does not repeat (the state is recorded
# anyway, the computed result is stored on the procedure and can be recomputed).
_NOT_AUDITED = frozenset({"state", "state_entered_at", "result"})


class ActionRefused(Exception):
    """The domain refused a step: ``code`` and ``params`` of every reason, for the UI."""

    def __init__(self, blocked: tuple[flow.Blocked, ...]) -> None:
        self.blocked = blocked
        super().__init__(", ".join(b.code for b in blocked))

    @property
    def code(self) -> str:
        return self.blocked[0].code


def _locked(procedure: Procedure) -> Procedure:
    return (
        Procedure.objects.select_for_update()
        .select_related("organisation", "scheme_version")
        .get(pk=procedure.pk)
    )


def _refuse(code: str, **params: Any) -> ActionRefused:
    return ActionRefused((flow.Blocked(code, params),))


def _require(actor: User, activity: Activity, procedure: Procedure, closed: str) -> None:
    """Ask the policy: someone without the role for this procedure is refused
    (``PermissionDenied``); the right person at the wrong time gets ``closed`` with the
    state."""
    decision = policy.decide(actor, activity, procedure)
    if decision:
        return
    if decision.reason == "wrong_state":
        raise _refuse(closed, state=procedure.state)
    raise PermissionDenied


def _notify_after_commit(procedure: Procedure, action: str) -> None:
    procedure_id = procedure.pk
    transaction.on_commit(lambda: notify_step_task.enqueue(procedure_id, str(action)))


def _notify_panel_after_commit(procedure: Procedure) -> None:
    procedure_id = procedure.pk
    transaction.on_commit(lambda: notify_panel_task.enqueue(procedure_id))


def procedure_transition(
    *,
    procedure: Procedure,
    actor: User,
    action: str,
    reason: str = "",
    apply: Callable[[Procedure], list[str]] | None = None,
    today: date | None = None,
) -> Procedure:
    """Move the procedure by one action of the transition table.

    Guarantees: the step happens only if ``flow.check`` allows it for the actor's role now
    (``ActionRefused`` with every reason otherwise, and nothing is written); ``apply`` makes the
    action's own changes on the locked row and returns the fields it changed; the audit event
    records the state before and after and the reason; e-mails go out after the commit.
    """
    with transaction.atomic():
        locked = _locked(procedure)
        facts = procedure_facts(locked, actor=actor, today=today)
        try:
            row, _role = policy.transition_check(actor, action, locked, facts, reason=reason)
        except flow.TransitionNotAllowed as exc:
            raise ActionRefused(exc.blocked) from exc
        before = {"state": locked.state}
        changed = apply(locked) if apply else []
        if row.target != locked.state:
            locked.state = row.target
            locked.state_entered_at = timezone.now()
            changed += ["state", "state_entered_at"]
        if changed:
            locked.full_clean()
            locked.save(update_fields=sorted(set(changed)))
        audit_record(
            actor=actor,
            action=f"procedure.{action}",
            target=locked,
            before=before,
            after={
                "state": locked.state,
                **{f: getattr(locked, f) for f in changed if f not in _NOT_AUDITED},
            },
            reason=reason.strip(),
        )
        _notify_after_commit(locked, action)
    return locked
