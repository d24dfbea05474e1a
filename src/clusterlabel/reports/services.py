"""Every write of the structured report and the feedback.

Each service runs in one transaction, locks the procedure's row (the panel's writes to the
report, the scores and the summary serialise on it), asks the policy and
``clusterlabel.domain.report``, and records the audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity, GrantRole
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import access as access_rules
from clusterlabel.domain import report as rules
from clusterlabel.domain.report import FeedbackRefused, ReportError
from clusterlabel.procedures.agreement import AgreementToReport
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.services import report_agree
from clusterlabel.reports.models import (
    RATING_FIELDS,
    CategoryFinding,
    Feedback,
    ReportAgreement,
    StructuredReport,
)
from clusterlabel.reports.selectors import findings_of


def _locked(procedure: Procedure) -> Procedure:
    return (
        Procedure.objects.select_for_update()
        .select_related("organisation", "scheme_version")
        .get(pk=procedure.pk)
    )


def _require(actor: User, activity: Activity, procedure: Procedure) -> None:
    """The policy's answer: the right person at the wrong time gets ``report_closed``; anyone
    else ``PermissionDenied``."""
    decision = policy.decide(actor, activity, procedure)
    if decision:
        return
    if decision.reason == "wrong_state":
        raise ReportError("report_closed", state=procedure.state)
    raise PermissionDenied


def _report_locked(procedure: Procedure) -> StructuredReport:
    report, _created = StructuredReport.objects.get_or_create(procedure=procedure)
    return StructuredReport.objects.select_for_update().get(pk=report.pk)


def findings_save(
    *,
    procedure: Procedure,
    actor: User,
    category_id: str,
    strengths: Sequence[str],
    weaknesses: Sequence[str],
    recommendations: Sequence[str],
    based_on_revision: int,
) -> StructuredReport:
    """Save the panel's findings for one category.

    Guarantees: only an assessor of the panel while the assessment is in progress
    (``PermissionDenied`` / ``ReportError("report_closed")``); the category is one of the
    scheme's (``ReportError("unknown_category")``); the texts are cleaned by the domain
    (``finding_too_long``, ``too_many_findings``); ``based_on_revision`` must be the report's
    current revision, otherwise ``ReportError("report_revision_conflict")`` and nothing is
    written. A change raises the revision by one and withdraws every assessor's agreement to
    the report, so ``submit_report`` waits until the whole panel has agreed again. Saving what
    is already stored changes nothing (no new revision, no event).
    """
    cleaned = {
        "strengths": list(rules.findings_clean(strengths)),
        "weaknesses": list(rules.findings_clean(weaknesses)),
        "recommendations": list(rules.findings_clean(recommendations)),
    }
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.AGREE_REPORT, locked)
        if category_id not in {c.id for c in locked.scheme.categories}:
            raise ReportError("unknown_category", category=category_id)
        report = _report_locked(locked)
        rules.check_revision(current=report.revision, based_on=based_on_revision)
        row = CategoryFinding.objects.filter(report=report, category_id=category_id).first()
        before = (
            {k: getattr(row, k) for k in cleaned}
            if row
            else {"strengths": [], "weaknesses": [], "recommendations": []}
        )
        if before == cleaned:
            return report
        if row is None:
            row = CategoryFinding(report=report, category_id=category_id, **cleaned)
            row.full_clean()
            row.save()
        else:
            for key, value in cleaned.items():
                setattr(row, key, value)
            row.full_clean()
            row.save(update_fields=list(cleaned))
        report.revision = rules.next_revision(report.revision)
        report.updated_by = actor
        report.save(update_fields=["revision", "updated_by", "updated_at"])
        locked.assignments.update(report_agreed=False)
        audit_record(
            actor=actor,
            action="report.findings",
            target=locked,
            before={"category": category_id, **before},
            after={"category": category_id, **cleaned, "revision": report.revision},
        )
    return report


def structured_report_agree(
    *, procedure: Procedure, actor: User, summary: str, based_on_revision: int
) -> StructuredReport:
    """An assessor of the panel agrees to the report: the summary (written or confirmed, as
    ``procedures.services.report_agree``) and the structured findings at the revision they saw.

    Guarantees (through ``agreement_check``, which ``report_agree`` runs): refused
    (``ReportError``) unless ``based_on_revision`` is the current revision
    (``report_revision_conflict``) and every category of the scheme has findings
    (``categories_lack_findings``); the agreement is recorded for that revision
    (``ReportAgreement``) and sets the assessor's ``report_agreed``, which the next change of
    the findings, the summary or a score withdraws. One transaction: the summary and the
    agreement are written together or not at all.
    """
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.AGREE_REPORT, locked)
        report = _report_locked(locked)
        report_agree(
            procedure=locked, actor=actor, summary=summary, report_revision=based_on_revision
        )
        audit_record(
            actor=actor,
            action="report.agree_findings",
            target=locked,
            after={"revision": report.revision},
        )
    return report


def agreement_check(event: AgreementToReport) -> None:
    """Subscribed to ``procedures.agreement.report_agreement_checks``: an agreement to the report
    binds to the structured report's current revision.

    Once the panel has written findings, an agreement from the summary form (which shows none:
    ``report_revision`` is ``None``) is refused with a ``ValidationError`` on ``summary`` that
    sends the assessor to the findings page; an agreement at another revision, or while a
    category lacks findings, is refused (``ReportError``); an accepted one is recorded for the
    revision. Without any finding (a scheme's panel that writes only the summary) the summary
    form agrees as before."""
    procedure = event.procedure
    report = StructuredReport.objects.select_for_update().filter(procedure=procedure).first()
    current = report.revision if report is not None else 0
    if event.report_revision is None:
        if current == 0:
            return
        raise ValidationError(
            {
                "summary": _(
                    "The panel has written findings per category: please agree to the report on "
                    "the Findings page, where you read the version you agree to."
                )
            }
        )
    findings = findings_of(report)
    rules.may_agree(
        current=current,
        based_on=event.report_revision,
        category_ids=[c.id for c in procedure.scheme.categories],
        findings=findings,
    )
    assert report is not None  # may_agree refuses a report without findings
    ReportAgreement.objects.update_or_create(
        report=report, assessor=event.assessor, defaults={"revision": current}
    )


# --- feedback -----------------------------------------------------------------------------------


def feedback_give(
    *, procedure: Procedure, actor: User, ratings: Mapping[str, object], comment: str = ""
) -> Feedback:
    """The organisation's feedback on a decided procedure.

    Guarantees: only a manager of the procedure's organisation (``FeedbackRefused``
    ``not_manager``), only once the authority has decided (``not_decided``), once per procedure
    (``feedback_already_given``, also when two managers submit at the same moment: the
    database's unique constraint decides); every rating a whole number from 1 to 5
    (``rating_invalid``). Audited without the ratings (they are read only in aggregate).
    """
    cleaned = rules.ratings_clean(ratings)
    with transaction.atomic():
        locked = _locked(procedure)
        refusal = rules.feedback_refusal(
            decided=locked.state in access_rules.DECIDED,
            is_manager=GrantRole.CLUSTER_MANAGER in policy.roles_on(actor, locked),
            already_given=Feedback.objects.filter(procedure=locked).exists(),
        )
        if refusal is not None:
            raise FeedbackRefused(refusal)
        if not policy.can(actor, Activity.GIVE_FEEDBACK, locked):
            raise PermissionDenied
        feedback = Feedback(
            procedure=locked,
            given_by=actor,
            comment=comment.strip(),
            **{question.value: value for question, value in cleaned.items()},
        )
        feedback.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                feedback.save()
        except IntegrityError as exc:
            raise FeedbackRefused("feedback_already_given") from exc
        audit_record(
            actor=actor,
            action="feedback.give",
            target=locked,
            after={"rating_fields": RATING_FIELDS},
        )
    return feedback
