"""Every write to a procedure.

Each service runs in one transaction, locks the procedure row, asks the domain whether the step
is allowed (``clusterlabel.domain.procedure``), saves with ``update_fields``, writes the audit
event in the same transaction and sends the e-mails only after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import access as access_rules
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues
from clusterlabel.domain.fees import quote_fee
from clusterlabel.domain.schemes import assessment_mode_of, process_of
from clusterlabel.domain.scoring import IndicatorValue, validate_values
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures import decided
from clusterlabel.procedures.choices import Decision
from clusterlabel.procedures.facts import procedure_facts
from clusterlabel.procedures.models import (
    AssessorAssignment,
    BoardConflictDeclaration,
    BoardVote,
    Evidence,
    IndicatorScore,
    Procedure,
    ScoreConfirmation,
    SelfAssessmentAnswer,
)
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.uploads import check_upload, upload_size
from clusterlabel.procedures.values import to_json
from clusterlabel.schemes.models import SchemeVersion

# States in which the organisation may still edit its self-assessment, and in which the
# secretariat may (re)compose the panel: the policy's tables, named here for the views.
SELF_ASSESSMENT_OPEN = access_rules.SELF_ASSESSMENT_OPEN
PANEL_OPEN = access_rules.PANEL_OPEN


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


class ScoreConflict(Exception):
    """Somebody saved this score since the form was loaded; nothing was overwritten.

    ``score`` is the score as it stands now, or ``None`` when the indicator has no score yet
    (a save based on a revision that never existed)."""

    def __init__(self, *, indicator_id: str, score: IndicatorScore | None) -> None:
        self.indicator_id = indicator_id
        self.score = score
        revision = score.revision if score is not None else 0
        super().__init__(f"score {indicator_id} is at revision {revision}")


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
    from clusterlabel.procedures.notifications import notify_step

    procedure_id = procedure.pk
    transaction.on_commit(lambda: notify_step(procedure_id=procedure_id, action=action))


def _notify_panel_after_commit(procedure: Procedure) -> None:
    from clusterlabel.procedures.notifications import notify_panel

    procedure_id = procedure.pk
    transaction.on_commit(lambda: notify_panel(procedure_id=procedure_id))


def procedure_create(
    *,
    organisation: Organisation,
    scheme_version: SchemeVersion,
    level_id: str,
    process: str,
    assessment_mode: str,
    actor: User,
    previous_procedure: Procedure | None = None,
    note: str = "",
) -> Procedure:
    """Open a draft application. Only a manager of the organisation (or the secretariat on its
    behalf) may; the level and the assessment mode must exist in the scheme version."""
    if not policy.can_apply(actor, organisation, scheme_version):
        raise PermissionDenied
    scheme = scheme_version.scheme
    errors: dict[str, str] = {}
    if level_id not in {level.id for level in scheme.levels}:
        errors["level_id"] = _("This scheme has no such level.")
    if assessment_mode not in scheme.procedure.assessment_modes:
        errors["assessment_mode"] = _("This scheme does not offer that assessment mode.")
    if previous_procedure is not None and previous_procedure.organisation_id != organisation.pk:
        errors["previous_procedure"] = _("The previous assessment belongs to another organisation.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        procedure = Procedure(
            organisation=organisation,
            scheme_version=scheme_version,
            level_id=level_id,
            process=process,
            assessment_mode=assessment_mode,
            previous_procedure=previous_procedure,
            application_note=note,
            created_by=actor,
        )
        procedure.full_clean()
        procedure.save()
        prefilled = _prefill_from_previous(procedure, actor=actor)
        audit_record(
            actor=actor,
            action="procedure.create",
            target=procedure,
            after={
                "organisation": organisation.cluster_name,
                "scheme": f"{scheme.id} {scheme.version}",
                "level": level_id,
                "process": process,
                "assessment_mode": assessment_mode,
                "state": procedure.state,
                "prefilled_answers": prefilled,
            },
        )
    return procedure


def _prefill_from_previous(procedure: Procedure, *, actor: User) -> int:
    """A renewal starts from the last cycle: the previous self-assessment's answers are copied
    for every indicator the new scheme version still has (the organisation updates them)."""
    previous = procedure.previous_procedure
    if previous is None:
        return 0
    indicators = {indicator.id for indicator in procedure.scheme.indicators}
    copied = [
        SelfAssessmentAnswer(
            procedure=procedure,
            indicator_id=answer.indicator_id,
            value=answer.value,
            comment=answer.comment,
            updated_by=actor,
        )
        for answer in previous.answers.all()
        if answer.indicator_id in indicators
    ]
    SelfAssessmentAnswer.objects.bulk_create(copied)
    return len(copied)


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


# --- the applicant ----------------------------------------------------------------------------


def procedure_submit_application(*, procedure: Procedure, actor: User) -> Procedure:
    def apply(locked: Procedure) -> list[str]:
        locked.applied_at = timezone.now()
        return ["applied_at"]

    return procedure_transition(
        procedure=procedure, actor=actor, action=flow.Action.SUBMIT_APPLICATION, apply=apply
    )


def self_assessment_save(
    *,
    procedure: Procedure,
    actor: User,
    values: Mapping[str, IndicatorValue],
    comments: Mapping[str, str] | None = None,
) -> int:
    """Save the organisation's answers (a draft: incomplete answers are fine).

    Guarantees: only a manager of the organisation, only while the self-assessment is open;
    every value is checked against the scheme first and, if any is invalid,
    ``InvalidIndicatorValues`` names each one and nothing is saved. Returns how many answers
    changed; one audit event lists them before and after.
    """
    comments = comments or {}
    scheme = procedure.scheme
    problems = validate_values(scheme, values)
    if problems:
        raise InvalidIndicatorValues(problems)
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.EDIT_SELF_ASSESSMENT, locked, "self_assessment_closed")
        existing = {a.indicator_id: a for a in locked.answers.select_for_update()}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for indicator in scheme.indicators:
            if indicator.id not in values and indicator.id not in comments:
                continue
            answer = existing.get(indicator.id)
            new_value = (
                to_json(indicator, values.get(indicator.id))
                if indicator.id in values
                else (answer.value if answer else None)
            )
            new_comment = comments.get(indicator.id, answer.comment if answer else "").strip()
            if answer is not None and answer.value == new_value and answer.comment == new_comment:
                continue
            if answer is None and new_value is None and not new_comment:
                continue
            before[indicator.id] = answer.value if answer else None
            after[indicator.id] = new_value
            if answer is None:
                SelfAssessmentAnswer.objects.create(
                    procedure=locked,
                    indicator_id=indicator.id,
                    value=new_value,
                    comment=new_comment,
                    updated_by=actor,
                )
            else:
                answer.value, answer.comment, answer.updated_by = new_value, new_comment, actor
                answer.save(update_fields=["value", "comment", "updated_by", "updated_at"])
        if after:
            audit_record(
                actor=actor,
                action="self_assessment.save",
                target=locked,
                before=before,
                after=after,
            )
    return len(after)


def evidence_upload(
    *, procedure: Procedure, actor: User, indicator_id: str, upload: UploadedFile
) -> Evidence:
    """Store a document as evidence for one indicator.

    Guarantees: the file's size and type are checked (``ValidationError`` with the reason,
    nothing stored); managers of the organisation upload while the self-assessment is open,
    assigned assessors while they assess.
    """
    scheme = procedure.scheme
    scheme.indicator(indicator_id)  # UnknownId for an indicator the scheme does not have
    content_type, digest = check_upload(upload)
    with transaction.atomic():
        locked = _locked(procedure)
        roles = policy.roles_on(actor, locked)
        closed = (
            "self_assessment_closed"
            if Role.CLUSTER_MANAGER in roles
            else "assessment_not_in_progress"
        )
        _require(actor, Activity.UPLOAD_EVIDENCE, locked, closed)
        evidence = Evidence(
            procedure=locked,
            indicator_id=indicator_id,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload_size(upload),
            sha256=digest,
            uploaded_by=actor,
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence.upload",
            target=evidence,
            procedure_id=locked.pk,
            after={
                "indicator": indicator_id,
                "file": evidence.original_name,
                "size": evidence.size,
                "sha256": digest,
            },
        )
    return evidence


# --- the secretariat --------------------------------------------------------------------------


def procedure_accept(*, procedure: Procedure, actor: User) -> Procedure:
    """Accept the application: the fee from the scheme's table becomes the contract."""

    def apply(locked: Procedure) -> list[str]:
        applied_on = (
            timezone.localdate(locked.applied_at) if locked.applied_at else timezone.localdate()
        )
        quote = quote_fee(
            locked.scheme,
            process=process_of(locked.process),
            mode=assessment_mode_of(locked.assessment_mode),
            application_date=applied_on,
        )
        locked.fee_currency = quote.currency
        locked.fee_net = quote.net
        locked.fee_vat = quote.vat
        locked.fee_gross = quote.gross
        locked.fee_subsidy = quote.subsidy.amount if quote.subsidy else None
        locked.fee_subsidy_payer = quote.subsidy.payer.name if quote.subsidy else ""
        locked.fee_payable_gross = quote.payable_gross
        locked.contracted_at = timezone.now()
        return [
            "fee_currency",
            "fee_net",
            "fee_vat",
            "fee_gross",
            "fee_subsidy",
            "fee_subsidy_payer",
            "fee_payable_gross",
            "contracted_at",
        ]

    return procedure_transition(
        procedure=procedure, actor=actor, action=flow.Action.ACCEPT_APPLICATION, apply=apply
    )


def panel_propose(
    *,
    procedure: Procedure,
    actor: User,
    assessors: list[User],
    assessment_date: date,
    assessment_mode: str | None = None,
) -> Procedure:
    """Compose the assessor panel and set the assessment date.

    Assessors who stay keep their declarations; new ones must declare that they have no
    conflict of interest before the secretariat confirms the panel (``assign_assessors``).
    """
    if Role.SECRETARIAT not in policy.roles_on(actor, procedure.scheme_version):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if any(
        Role.ASSESSOR not in policy.roles_on(user, procedure.scheme_version) or not user.is_active
        for user in assessors
    ):
        errors["assessors"] = _(
            "Only active accounts that are assessors for this scheme can be on the panel."
        )
    if len({u.pk for u in assessors}) != len(assessors):
        errors["assessors"] = _("An assessor can be on the panel only once.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(procedure)
        if locked.state not in PANEL_OPEN:
            raise _refuse("panel_closed", state=locked.state)
        if assessment_mode and assessment_mode not in locked.scheme.procedure.assessment_modes:
            raise ValidationError(
                {"assessment_mode": _("This scheme does not offer that assessment mode.")}
            )
        before = {
            "assessors": sorted(a.assessor.username for a in locked.assignments.all()),
            "assessment_date": locked.assessment_date,
            "assessment_mode": locked.assessment_mode,
        }
        wanted = {u.pk: u for u in assessors}
        locked.assignments.exclude(assessor_id__in=wanted).delete()
        present = set(locked.assignments.values_list("assessor_id", flat=True))
        for user_id, user in wanted.items():
            if user_id not in present:
                AssessorAssignment.objects.create(procedure=locked, assessor=user)
        locked.assessment_date = assessment_date
        if assessment_mode:
            locked.assessment_mode = assessment_mode
        locked.save(update_fields=["assessment_date", "assessment_mode"])
        audit_record(
            actor=actor,
            action="panel.propose",
            target=locked,
            before=before,
            after={
                "assessors": sorted(u.username for u in assessors),
                "assessment_date": assessment_date,
                "assessment_mode": locked.assessment_mode,
            },
        )
        _notify_panel_after_commit(locked)
    return locked


def conflict_declare(
    *, procedure: Procedure, actor: User, no_conflict: bool, note: str = ""
) -> AssessorAssignment:
    """An assessor declares whether they have a conflict of interest with the organisation.

    Declaring a conflict removes the assessor from the panel (the secretariat must replace them)
    and is recorded with the note.
    """
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.DECLARE_CONFLICT, locked, "panel_closed")
        assignment = locked.assignments.select_for_update().get(assessor=actor)
        if not no_conflict and not note.strip():
            raise ValidationError({"note": _("Please describe the conflict of interest.")})
        audit_record(
            actor=actor,
            action="panel.declare_conflict",
            target=locked,
            before={"no_conflict_declared": assignment.no_conflict_declared},
            after={"no_conflict_declared": no_conflict},
            reason=note.strip(),
        )
        if not no_conflict:
            assignment.delete()
            return assignment
        assignment.no_conflict_declared = True
        assignment.declared_at = timezone.now()
        assignment.save(update_fields=["no_conflict_declared", "declared_at"])
    return assignment


# The audit action of a board member's declaration (it names the member and any conflict).
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


# --- the assessors ----------------------------------------------------------------------------


def score_save(
    *,
    procedure: Procedure,
    actor: User,
    indicator_id: str,
    value: IndicatorValue,
    comment: str,
    evidence_seen: str,
    based_on_revision: int,
) -> IndicatorScore:
    """Save the panel's score for one indicator.

    Guarantees: only an assessor of the panel while the assessment is in progress; the value is
    checked against the scheme (``InvalidIndicatorValues``); ``based_on_revision`` must be the
    score's current revision (0 when it did not exist), otherwise ``ScoreConflict`` carries the
    other assessor's saved score (``None`` when there is none yet) and nothing is written. The
    saver confirms the new revision; every other assessor must confirm it again, and agreements
    to the report are withdrawn.
    """
    scheme = procedure.scheme
    indicator = scheme.indicator(indicator_id)
    problems = validate_values(scheme, {indicator_id: value})
    if problems:
        raise InvalidIndicatorValues(problems)
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.SCORE, locked, "assessment_not_in_progress")
        score = (
            IndicatorScore.objects.select_for_update()
            .filter(procedure=locked, indicator_id=indicator_id)
            .first()
        )
        current_revision = score.revision if score else 0
        if current_revision != based_on_revision:
            raise ScoreConflict(indicator_id=indicator_id, score=score)
        before = (
            {"value": score.value, "comment": score.comment, "evidence_seen": score.evidence_seen}
            if score
            else None
        )
        stored = to_json(indicator, value)
        if score is None:
            score = IndicatorScore.objects.create(
                procedure=locked,
                indicator_id=indicator_id,
                value=stored,
                comment=comment.strip(),
                evidence_seen=evidence_seen.strip(),
                updated_by=actor,
            )
        else:
            score.value = stored
            score.comment = comment.strip()
            score.evidence_seen = evidence_seen.strip()
            score.revision += 1
            score.updated_by = actor
            score.save(
                update_fields=[
                    "value",
                    "comment",
                    "evidence_seen",
                    "revision",
                    "updated_by",
                    "updated_at",
                ]
            )
        ScoreConfirmation.objects.update_or_create(
            score=score, assessor=actor, defaults={"revision": score.revision}
        )
        locked.assignments.exclude(assessor=actor).update(report_agreed=False)
        locked.assignments.filter(assessor=actor).update(report_agreed=False)
        audit_record(
            actor=actor,
            action="score.change",
            target=score,
            procedure_id=locked.pk,
            before=before,
            after={
                "indicator": indicator_id,
                "value": score.value,
                "comment": score.comment,
                "evidence_seen": score.evidence_seen,
                "revision": score.revision,
            },
        )
    return score


def score_confirm(
    *, procedure: Procedure, actor: User, indicator_id: str, revision: int
) -> IndicatorScore:
    """An assessor agrees with the panel's score as it stands at ``revision``."""
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.CONFIRM_SCORE, locked, "assessment_not_in_progress")
        score = IndicatorScore.objects.select_for_update().get(
            procedure=locked, indicator_id=indicator_id
        )
        if score.revision != revision:
            raise ScoreConflict(indicator_id=indicator_id, score=score)
        ScoreConfirmation.objects.update_or_create(
            score=score, assessor=actor, defaults={"revision": score.revision}
        )
        audit_record(
            actor=actor,
            action="score.confirm",
            target=score,
            procedure_id=locked.pk,
            after={"indicator": indicator_id, "value": score.value, "revision": revision},
        )
    return score


def report_agree(*, procedure: Procedure, actor: User, summary: str) -> Procedure:
    """Write or confirm the assessment report. Changing the text withdraws the other assessors'
    agreement; the author agrees to what they wrote."""
    if not summary.strip():
        raise ValidationError({"summary": _("The report needs a summary.")})
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.AGREE_REPORT, locked, "assessment_not_in_progress")
        assignment = locked.assignments.select_for_update().get(assessor=actor)
        before = {"summary": locked.report_summary}
        if summary.strip() != locked.report_summary:
            locked.report_summary = summary.strip()
            locked.save(update_fields=["report_summary"])
            locked.assignments.exclude(pk=assignment.pk).update(report_agreed=False)
        assignment.report_agreed = True
        assignment.save(update_fields=["report_agreed"])
        audit_record(
            actor=actor,
            action="report.agree",
            target=locked,
            before=before,
            after={"summary": locked.report_summary},
        )
    return locked


def procedure_submit_report(*, procedure: Procedure, actor: User) -> Procedure:
    def apply(locked: Procedure) -> list[str]:
        locked.report_submitted_at = timezone.now()
        locked.result = compute_result(locked).as_json()
        return ["report_submitted_at", "result"]

    return procedure_transition(
        procedure=procedure, actor=actor, action=flow.Action.SUBMIT_REPORT, apply=apply
    )


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
        decided.publish(
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
