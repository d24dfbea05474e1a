"""Contracted procedures with their invoices, through the real services."""

from __future__ import annotations

from clusterlabel.invoices.models import Invoice
from clusterlabel.procedures.choices import ProcedureState
from tests.procedures.builders import ProcedureBuilder


def contracted(scheme_id: str = "bw-cluster-excellence", **organisation: str) -> ProcedureBuilder:
    """A procedure of ``scheme_id`` accepted by the secretariat (which issues the invoices),
    its organisation changed by ``organisation`` (country, region, vat_id) first."""
    builder = ProcedureBuilder(scheme_id=scheme_id)
    if organisation:
        for field, value in organisation.items():
            setattr(builder.organisation, field, value)
        builder.organisation.save()
    builder.advance_to(ProcedureState.CONTRACTED)
    return builder


def invoices_of(builder: ProcedureBuilder) -> list[Invoice]:
    return list(Invoice.objects.filter(procedure=builder.procedure).order_by("pk"))
