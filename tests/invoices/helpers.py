"""Contracted procedures with their invoices, through the real services."""

from __future__ import annotations

from datetime import date

from clusterlabel.invoices import services
from clusterlabel.invoices.models import Invoice
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.contracted import contract_made
from tests.procedures.builders import ProcedureBuilder


def contracted(
    scheme_id: str = "bw-cluster-excellence", *, issued_on: date | None = None, **organisation: str
) -> ProcedureBuilder:
    """A procedure of ``scheme_id`` accepted by the secretariat (which issues the invoices),
    its organisation changed by ``organisation`` (country, region, vat_id) first. With
    ``issued_on`` the invoices are issued as on that day (the secretariat's service, called
    after the acceptance instead of by it), so that they can be overdue today."""
    builder = ProcedureBuilder(scheme_id=scheme_id)
    if organisation:
        for field, value in organisation.items():
            setattr(builder.organisation, field, value)
        builder.organisation.save()
    if issued_on is None:
        builder.advance_to(ProcedureState.CONTRACTED)
        return builder
    subscriber = contract_made.subscribers.pop("invoices.issue")
    try:
        builder.advance_to(ProcedureState.CONTRACTED)
    finally:
        contract_made.subscribers["invoices.issue"] = subscriber
    services.invoices_issue(procedure=builder.procedure, actor=builder.secretariat, today=issued_on)
    return builder


def invoices_of(builder: ProcedureBuilder) -> list[Invoice]:
    return list(Invoice.objects.filter(procedure=builder.procedure).order_by("pk"))
