"""ECEI Silver's own steps: the improvement areas the application names, the check of the
previous benchmarking when applying, and the on-site review of each area.

The rules are the domain's (:func:`clusterlabel.domain.award.silver_application_reasons`,
the improvement part of :func:`~clusterlabel.domain.award.decide_level`); the previous
benchmarking is found by :mod:`clusterlabel.procedures.benchmarkings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.award import silver_application_reasons
from clusterlabel.domain.schemes import Scheme, process_of
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.benchmarkings import (
    EarlierBenchmarking,
    application_day,
    previous_benchmarking,
)
from clusterlabel.procedures.models import ImprovementArea, Procedure
from clusterlabel.procedures.services.transition import _require
from clusterlabel.procedures.stored_files import file_stored
from clusterlabel.procedures.uploads import check_upload, upload_size


@dataclass(frozen=True)
class ImprovementAreaInput:
    """One improvement area as the applicant typed it."""

    category_id: str
    description: str
    evidence_reference: str = ""
    upload: UploadedFile | None = None


def silver_application_check(
    *,
    organisation: Organisation,
    scheme: Scheme,
    level_id: str,
    process: str,
    on: date,
    areas: Sequence[ImprovementAreaInput],
    exclude: Procedure | None = None,
) -> tuple[EarlierBenchmarking | None, tuple[str, ...]]:
    """The previous benchmarking found for an application made on ``on``, and why the
    application cannot be made (messages in the active language; empty when it can). A level
    without an improvement rule has no conditions here (and no benchmarking is looked up)."""
    if scheme.level(level_id).award.improvement is None:
        return None, ()
    found = previous_benchmarking(
        organisation=organisation, scheme=scheme, on_or_before=on, exclude=exclude
    )
    reasons = silver_application_reasons(
        scheme,
        level_id,
        process=process_of(process),
        application_date=on,
        previous_date=found.assessed_on if found else None,
        area_categories=[area.category_id for area in areas],
    )
    return found, tuple(describe_all(reasons))


def _area_problems(areas: Sequence[ImprovementAreaInput]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for position, area in enumerate(areas, start=1):
        if not area.category_id:
            continue
        if not area.description.strip():
            errors.setdefault(f"area_{position}_description", []).append(
                _("Please describe what was improved.")
            )
        if not area.evidence_reference.strip() and area.upload is None:
            errors.setdefault(f"area_{position}_evidence", []).append(
                _("Please upload evidence or say where it can be found.")
            )
    return errors


def improvement_areas_validate(
    *,
    organisation: Organisation,
    scheme: Scheme,
    level_id: str,
    process: str,
    on: date,
    areas: Sequence[ImprovementAreaInput],
) -> EarlierBenchmarking | None:
    """Refuse a Silver application (``ValidationError``: the reasons above the form, each
    area's own problems at its fields, every upload's size and type) or return the previous
    benchmarking it will be compared with."""
    found, reasons = silver_application_check(
        organisation=organisation,
        scheme=scheme,
        level_id=level_id,
        process=process,
        on=on,
        areas=areas,
    )
    if scheme.level(level_id).award.improvement is None:
        return None
    errors: dict[str, list[str]] = _area_problems(areas)
    for position, area in enumerate(areas, start=1):
        if area.upload is not None:
            try:
                check_upload(area.upload)
            except ValidationError as exc:
                errors.setdefault(f"area_{position}_file", []).extend(exc.messages)
    if reasons:
        errors.setdefault("__all__", []).extend(reasons)
    if errors:
        raise ValidationError(errors)
    return found


def improvement_areas_store(
    *, procedure: Procedure, areas: Sequence[ImprovementAreaInput], actor: User
) -> list[ImprovementArea]:
    """Store the named areas of a new application (call it inside the creating transaction,
    within ``files_removed_unless_committed``, after :func:`improvement_areas_validate`)."""
    stored: list[ImprovementArea] = []
    for position, area in enumerate((a for a in areas if a.category_id), start=1):
        row = ImprovementArea(
            procedure=procedure,
            position=position,
            category_id=area.category_id,
            description=area.description.strip(),
            evidence_reference=area.evidence_reference.strip(),
        )
        if area.upload is not None:
            content_type, digest = check_upload(area.upload)
            row.evidence_name = (area.upload.name or "")[:255]
            row.evidence_content_type = content_type
            row.evidence_size = upload_size(area.upload)
            row.evidence_sha256 = digest
            row.evidence_file.save(area.upload.name or "evidence", area.upload, save=False)
            file_stored(row.evidence_file)
        row.full_clean(exclude=["procedure"])
        row.save()
        stored.append(row)
    if stored:
        audit_record(
            actor=actor,
            action="procedure.improvement_areas",
            target=procedure,
            after={
                "areas": [
                    {
                        "category": row.category_id,
                        "description": row.description,
                        "evidence": row.evidence_reference or row.evidence_name,
                    }
                    for row in stored
                ]
            },
        )
    return stored


def silver_submission_refusals(procedure: Procedure) -> tuple[flow.Blocked, ...]:
    """Why a Silver application cannot be submitted on its application day (today): the
    previous benchmarking and the areas are checked again, as time passed since the draft."""
    scheme = procedure.scheme
    if procedure.level.award.improvement is None:
        return ()
    found = previous_benchmarking(
        organisation=procedure.organisation,
        scheme=scheme,
        on_or_before=application_day(procedure),
        exclude=procedure,
    )
    reasons = silver_application_reasons(
        scheme,
        procedure.level_id,
        process=process_of(procedure.process),
        application_date=application_day(procedure),
        previous_date=found.assessed_on if found else None,
        area_categories=[area.category_id for area in procedure.improvement_areas.all()],
    )
    return tuple(flow.Blocked(reason.code, reason.params) for reason in reasons)


def improvement_area_review(
    *,
    area: ImprovementArea,
    validated: bool,
    comment: str,
    actor: User,
) -> ImprovementArea:
    """Record the on-site review of one improvement area: validated (or not) against the Gold
    criteria the scheme maps to its category, with a comment.

    Guarantees: only an assessor of the procedure's panel, while the assessment is in progress
    (the policy's ``SCORE`` activity; anybody else ``PermissionDenied``, the right assessor at
    the wrong time ``ActionRefused``); the Gold criteria are stored with the review as they
    were; the audit event records the verdict before and after.
    """
    with transaction.atomic():
        procedure = (
            Procedure.objects.select_for_update()
            .select_related("organisation", "scheme_version")
            .get(pk=area.procedure_id)
        )
        _require(actor, Activity.SCORE, procedure, "assessment_not_in_progress")
        locked = ImprovementArea.objects.select_for_update().get(pk=area.pk)
        rule = procedure.level.award.improvement
        if rule is None:  # an area on a level without improvement rule cannot exist
            raise PermissionDenied
        before = {"validated": locked.validated, "comment": locked.review_comment}
        locked.validated = validated
        locked.gold_criteria = list(rule.gold_criteria(locked.category_id))
        locked.review_comment = comment.strip()
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.full_clean()
        locked.save(
            update_fields=[
                "validated",
                "gold_criteria",
                "review_comment",
                "reviewed_by",
                "reviewed_at",
            ]
        )
        audit_record(
            actor=actor,
            action="procedure.improvement_area_review",
            target=procedure,
            before=before,
            after={
                "category": locked.category_id,
                "validated": validated,
                "gold_criteria": locked.gold_criteria,
                "comment": locked.review_comment,
            },
        )
    return locked
