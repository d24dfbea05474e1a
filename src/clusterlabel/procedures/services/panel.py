"""The assessors' panel and its scoring: the secretariat proposes the panel, assessors declare
conflicts, score and confirm the indicators, agree on the report and submit it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.assessors.reasons import describe_all as describe_pool_reasons
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import access as access_rules
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues
from clusterlabel.domain.scoring import IndicatorValue, validate_values
from clusterlabel.procedures.agreement import AgreementToReport, report_agreement_checks
from clusterlabel.procedures.models import (
    AssessorAssignment,
    IndicatorScore,
    Procedure,
    ScoreConfirmation,
)
from clusterlabel.procedures.panel_pool import exclusions as pool_exclusions
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.services.transition import (
    _locked,
    _notify_panel_after_commit,
    _refuse,
    _require,
    procedure_transition,
)
from clusterlabel.procedures.values import to_json

# States in which the secretariat may (re)compose the panel: the policy's table, named here
# for the views.
PANEL_OPEN = access_rules.PANEL_OPEN


class ScoreConflict(Exception):
    """Somebody saved this score since the form was loaded; nothing was overwritten.

    ``score`` is the score as it stands now, or ``None`` when the indicator has no score yet
    (a save based on a revision that never existed)."""

    def __init__(self, *, indicator_id: str, score: IndicatorScore | None) -> None:
        self.indicator_id = indicator_id
        self.score = score
        revision = score.revision if score is not None else 0
        super().__init__(f"score {indicator_id} is at revision {revision}")


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

    Refused with a ``ValidationError`` naming every refused assessor with every reason, and
    nothing saved, when one of them may not assess this procedure: no qualification for the
    scheme and level that the secretariat confirmed and that is valid on ``assessment_date``,
    a conflict of interest with the organisation declared on their profile, or a profile that
    does not cover the organisation's country (``panel_pool.exclusions``). The
    ``assign_assessors`` step checks the same again when the panel is confirmed.
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
    refused = pool_exclusions(
        procedure,
        [u.pk for u in assessors],
        today=timezone.localdate(),
        assessment_date=assessment_date,
    )
    if refused:
        # Every refused assessor with every reason, and nothing saved.
        raise ValidationError(
            {
                "assessors": [
                    _("%(name)s cannot assess this procedure: %(reasons)s")
                    % {
                        "name": user.get_full_name() or user.username,
                        "reasons": " ".join(describe_pool_reasons(refused[user.pk])),
                    }
                    for user in assessors
                    if user.pk in refused
                ]
            }
        )
    with transaction.atomic():
        locked = _locked(procedure)
        if locked.state not in PANEL_OPEN:
            raise _refuse("panel_closed", state=locked.state)
        if assessment_mode and assessment_mode not in locked.scheme.procedure.assessment_modes:
            raise ValidationError(
                {"assessment_mode": _("This scheme does not offer that assessment mode.")}
            )
        _refuse_moving_a_fixed_appointment(locked, assessment_date, assessment_mode)
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


def _refuse_moving_a_fixed_appointment(
    procedure: Procedure, assessment_date: date, assessment_mode: str | None
) -> None:
    """Once the secretariat has fixed the appointment (``clusterlabel.scheduling``, read here
    through the reverse relation: that app sits above this one), its date and mode change only
    there, as a new version with its reason, so the panel page cannot move them apart."""
    moved = assessment_date != procedure.assessment_date or (
        assessment_mode and assessment_mode != procedure.assessment_mode
    )
    if moved and procedure.appointments.exists():
        raise ValidationError(
            {
                "assessment_date": _(
                    "The appointment is fixed: change its date or mode on the schedule page, "
                    "with the reason, so that everyone gets the new invitation."
                )
            }
        )


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
        record_confirmation(score=score, actor=actor, procedure=locked)
    return score


def record_confirmation(*, score: IndicatorScore, actor: User, procedure: Procedure) -> None:
    """``actor`` agrees with ``score`` as it stands now (its current revision), audited. The
    caller holds the procedure's and the score's row locks and has checked the revision."""
    ScoreConfirmation.objects.update_or_create(
        score=score, assessor=actor, defaults={"revision": score.revision}
    )
    audit_record(
        actor=actor,
        action="score.confirm",
        target=score,
        procedure_id=procedure.pk,
        after={"indicator": score.indicator_id, "value": score.value, "revision": score.revision},
    )


def report_agree(
    *, procedure: Procedure, actor: User, summary: str, report_revision: int | None = None
) -> Procedure:
    """Write or confirm the assessment report. Changing the text withdraws the other assessors'
    agreement; the author agrees to what they wrote.

    ``report_revision`` is the revision of the structured report the assessor read (``None``
    from the summary form); the apps that keep parts of the report check it
    (``procedures.agreement.report_agreement_checks``) before the agreement is recorded, and
    refuse by raising."""
    if not summary.strip():
        raise ValidationError({"summary": _("The report needs a summary.")})
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.AGREE_REPORT, locked, "assessment_not_in_progress")
        assignment = locked.assignments.select_for_update().get(assessor=actor)
        report_agreement_checks.run(
            AgreementToReport(procedure=locked, assessor=actor, report_revision=report_revision)
        )
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
