"""The organisation's self-assessment: its answers and the evidence it uploads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import access as access_rules
from clusterlabel.domain.errors import InvalidIndicatorValues
from clusterlabel.domain.scoring import IndicatorValue, validate_values
from clusterlabel.procedures.models import Evidence, Procedure, SelfAssessmentAnswer
from clusterlabel.procedures.services.transition import _locked, _require
from clusterlabel.procedures.stored_files import file_stored, files_removed_unless_committed
from clusterlabel.procedures.uploads import check_upload, upload_size
from clusterlabel.procedures.values import to_json

# States in which the organisation may still edit its self-assessment: the policy's table,
# named here for the views.
SELF_ASSESSMENT_OPEN = access_rules.SELF_ASSESSMENT_OPEN


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
    assigned assessors while they assess. The file is deleted again if the transaction it was
    stored in rolls back (``stored_files``).
    """
    scheme = procedure.scheme
    scheme.indicator(indicator_id)  # UnknownId for an indicator the scheme does not have
    content_type, digest = check_upload(upload)
    with files_removed_unless_committed():
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
        file_stored(evidence.file)
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


def self_assessment_save_with_evidence(
    *,
    procedure: Procedure,
    actor: User,
    values: Mapping[str, IndicatorValue],
    comments: Mapping[str, str],
    uploads: Mapping[str, UploadedFile],
) -> tuple[int, int]:
    """The questionnaire's save: the answers and each indicator's new file, all or nothing.

    Guarantees: as ``self_assessment_save`` and ``evidence_upload``; when any part is refused,
    no answer and no evidence row is stored and no file stays on disk. Returns how many answers
    changed and how many files were stored.
    """
    with files_removed_unless_committed():
        changed = self_assessment_save(
            procedure=procedure, actor=actor, values=values, comments=comments
        )
        stored = [
            evidence_upload(
                procedure=procedure, actor=actor, indicator_id=indicator_id, upload=upload
            )
            for indicator_id, upload in uploads.items()
        ]
    return changed, len(stored)
