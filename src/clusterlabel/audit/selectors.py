"""Reads of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from clusterlabel.audit.models import AuditEvent


def audit_events_for_procedure(*, procedure_id: int) -> QuerySet[AuditEvent]:
    """The trail of one procedure in the order it happened; one query, actors included."""
    return (
        AuditEvent.objects.filter(procedure_id=procedure_id)
        .select_related("actor")
        .order_by("sequence")
    )
