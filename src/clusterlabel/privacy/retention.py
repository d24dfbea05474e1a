"""Evidence files are kept as long as the scheme says (``retention:`` in the scheme file), then
deleted: ``clusterlabel apply-retention``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from clusterlabel.audit.services import audit_record
from clusterlabel.domain.dates import add_months
from clusterlabel.privacy.models import EvidenceRetention
from clusterlabel.procedures.models import Evidence, Procedure


@dataclass(frozen=True)
class RetentionDue:
    """One decided procedure whose evidence is past its scheme's retention period."""

    procedure: Procedure
    months: int
    files: int


@dataclass
class RetentionReport:
    due: list[RetentionDue] = field(default_factory=list)
    files_deleted: int = 0
    dry_run: bool = False


def retention_due(*, now: datetime | None = None) -> list[RetentionDue]:
    """The decided procedures that still hold evidence files and were decided more than their
    scheme version's ``evidence_months_after_decision`` ago (a scheme without ``retention:``
    keeps its evidence). Reads the procedures with evidence once, then counts per procedure."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = []
    candidates = (
        Procedure.objects.filter(decided_at__isnull=False, evidence__isnull=False)
        .distinct()
        .select_related("scheme_version", "organisation")
        .order_by("pk")
    )
    for procedure in candidates:
        retention = procedure.scheme_version.scheme.retention
        if retention is None:
            continue
        months = retention.evidence_months_after_decision
        decided = timezone.localdate(procedure.decided_at)
        if add_months(decided, months) > today:
            continue
        files = Evidence.objects.filter(procedure=procedure).count()
        due.append(RetentionDue(procedure=procedure, months=months, files=files))
    return due


def retention_apply(*, dry_run: bool = False, now: datetime | None = None) -> RetentionReport:
    """Delete the evidence files (the stored file and its row) of every procedure in
    ``retention_due``, one transaction per procedure: the rows go, an ``EvidenceRetention``
    mark keeps the count and the months for the procedure's page, and
    ``procedure.evidence_retention`` is recorded (by the system) with the files' indicators
    and digests. The stored files are deleted once the transaction commits. Idempotent: a procedure
    with no evidence left is not due again. ``dry_run`` reports what is due and changes
    nothing."""
    now = now or timezone.now()
    report = RetentionReport(due=retention_due(now=now), dry_run=dry_run)
    if dry_run:
        return report
    for item in report.due:
        with transaction.atomic():
            procedure = Procedure.objects.select_for_update().get(pk=item.procedure.pk)
            evidence = list(Evidence.objects.filter(procedure=procedure).order_by("pk"))
            if not evidence:
                continue
            names = [row.file.name for row in evidence if row.file.name]
            Evidence.objects.filter(pk__in=[row.pk for row in evidence]).delete()
            mark, _created = EvidenceRetention.objects.get_or_create(
                procedure=procedure,
                defaults={"months": item.months, "files_deleted": 0, "applied_at": now},
            )
            mark.months, mark.applied_at = item.months, now
            mark.files_deleted += len(evidence)
            mark.save(update_fields=["months", "applied_at", "files_deleted"])
            audit_record(
                actor=None,
                action="procedure.evidence_retention",
                target=procedure,
                before={
                    "evidence": [
                        {"indicator": row.indicator_id, "sha256": row.sha256} for row in evidence
                    ]
                },
                after={"evidence": [], "months_after_decision": item.months},
            )
            storage = Evidence._meta.get_field("file").storage
            transaction.on_commit(partial(_delete, storage, names))
            report.files_deleted += len(evidence)
    return report


def _delete(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
