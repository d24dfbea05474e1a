"""The advisory board and the decision: members declare conflicts and vote, a review can be
returned to the board, and the awarding authority decides."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import decided
from clusterlabel.procedures.choices import Decision
from clusterlabel.procedures.models import BoardConflictDeclaration, BoardVote, Procedure
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.services.transition import (
    _locked,
    _refuse,
    _require,
    procedure_transition,
)

BOARD_DECLARATION_EVENT = "board.conflict_declare"


def board_conflict_declare(
    *, procedure: Procedure, actor: User, no_conflict: bool, note: str = ""
) -> BoardConflictDeclaration:
    """A board member declares, for the current round of the board review, whether they have
    a conflict of interest with the organisation.

    Guarantees: one declaration per member and round; declaring no conflict again changes
    nothing; a conflict (described in ``note``) may follow a "no conflict" (the member learnt
    of it from the file) and then takes back the member's vote of this round, but a declared
    conflict is never withdrawn (``board_conflict_already_declared``). A member with a
    conflict does not vote in this round and the quorum is not lowered for them.
    """
    note = note.strip()
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.DECLARE_BOARD_CONFLICT, locked, "board_review_closed")
        if not no_conflict and not note:
            raise ValidationError({"note": _("Please describe the conflict of interest.")})
        declaration = (
            BoardConflictDeclaration.objects.select_for_update()
            .filter(procedure=locked, member=actor, round=locked.board_round)
            .first()
        )
        before = None if declaration is None else declaration.no_conflict
        if before is False:
            raise _refuse("board_conflict_already_declared", round=locked.board_round)
        if declaration is not None and before is True and no_conflict:
            return declaration
        if declaration is None:
            declaration = BoardConflictDeclaration(
                procedure=locked, member=actor, round=locked.board_round
            )
        declaration.no_conflict = no_conflict
        declaration.note = "" if no_conflict else note
        declaration.declared_at = timezone.now()
        declaration.full_clean()
        declaration.save()
        withdrawn = 0
        if not no_conflict:
            withdrawn, _deleted = BoardVote.objects.filter(
                procedure=locked, member=actor, round=locked.board_round
            ).delete()
        audit_record(
            actor=actor,
            action=BOARD_DECLARATION_EVENT,
            target=locked,
            before={"no_conflict": before},
            after={
                "no_conflict": no_conflict,
                "round": locked.board_round,
                **({"vote_withdrawn": True} if withdrawn else {}),
            },
            reason=declaration.note,
        )
    return declaration


# --- the advisory board -----------------------------------------------------------------------


def board_vote_record(
    *, procedure: Procedure, actor: User, in_favour: bool, reason: str
) -> BoardVote:
    """Record (or replace) the member's vote in the current round. A vote against the award
    needs a reason."""
    if not in_favour and not reason.strip():
        raise ValidationError({"reason": _("A vote against the award needs a reason.")})
    votes: list[BoardVote] = []

    def apply(locked: Procedure) -> list[str]:
        vote, _created = BoardVote.objects.update_or_create(
            procedure=locked,
            member=actor,
            round=locked.board_round,
            defaults={"in_favour": in_favour, "reason": reason.strip()},
        )
        votes.append(vote)
        return []

    procedure_transition(
        procedure=procedure,
        actor=actor,
        action=flow.Action.RECORD_BOARD_VOTE,
        reason=reason,
        apply=apply,
    )
    return votes[0]


def procedure_return_to_board(*, procedure: Procedure, actor: User, reason: str) -> Procedure:
    def apply(locked: Procedure) -> list[str]:
        locked.board_round += 1
        return ["board_round"]

    return procedure_transition(
        procedure=procedure,
        actor=actor,
        action=flow.Action.RETURN_TO_BOARD,
        reason=reason,
        apply=apply,
    )


# --- the awarding authority -------------------------------------------------------------------


def procedure_decide(*, procedure: Procedure, actor: User, award: bool, reason: str) -> Procedure:
    """Award or refuse. The computed result (scores, the decision per level and the recognised
    labels) is stored with the decision, so it can be shown and recomputed later. The
    decision is published to the subscribers of ``procedures.decided`` in the same transaction
    (an award issues the label and every recognised label; every decision joins the
    benchmarking pool)."""

    def apply(locked: Procedure) -> list[str]:
        locked.decision = Decision.AWARD if award else Decision.REFUSE
        locked.decision_reason = reason.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.result = compute_result(locked).as_json()
        decided.decision_made.run(
            decided.Decided(
                procedure=locked,
                actor=actor,
                award=award,
                decided_on=timezone.localdate(locked.decided_at),
            )
        )
        return ["decision", "decision_reason", "decided_at", "decided_by", "result"]

    return procedure_transition(
        procedure=procedure,
        actor=actor,
        action=flow.Action.AWARD if award else flow.Action.REFUSE,
        reason=reason,
        apply=apply,
    )
