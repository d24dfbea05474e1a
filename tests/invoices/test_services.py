"""Issuing invoices with the contract, gap-free numbers, immutability, payment and cancellation
by credit note (``clusterlabel.invoices.services``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.test import override_settings

from clusterlabel.audit.models import AuditEvent
from clusterlabel.invoices import services
from clusterlabel.invoices.models import IMMUTABLE_FIELDS, Invoice, InvoiceLine
from clusterlabel.invoices.services import InvoiceRefused
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.contracted import contract_made
from clusterlabel.procedures.models import Procedure
from tests.invoices.helpers import contracted, invoices_of
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db
D = Decimal
MINISTRY = "Ministerium für Wirtschaft, Arbeit und Tourismus Baden-Württemberg"
SELLERS = {
    "vdivde-innovation-technik-gmbh": {
        "prefix": "VDIVDE",
        "address": "Steinplatz 1",
        "postcode": "10623",
        "city": "Berlin",
        "vat_id": "DE136575402",
        "iban": "DE02120300000000202051",
        "contact": "rechnung@vdivde-it.example",
    }
}


@override_settings(INVOICE_SELLERS=SELLERS)
def test_accepting_the_bw_application_invoices_the_ministry_and_the_organisation() -> None:
    builder = contracted()
    ministry, organisation = invoices_of(builder)
    year = ministry.issued_on.year
    assert (ministry.number, organisation.number) == (
        f"VDIVDE-{year}-00001",
        f"VDIVDE-{year}-00002",
    )
    assert (ministry.buyer_name, ministry.payer_kind) == (MINISTRY, "third_party")
    assert (ministry.net, ministry.vat, ministry.gross) == (D("2487.50"), D("472.63"), D("2960.13"))
    assert (organisation.buyer_name, organisation.payer_kind) == (
        builder.organisation.legal_name,
        "organisation",
    )
    assert (organisation.net, organisation.vat, organisation.gross) == (
        D("2487.50"),
        D("472.62"),
        D("2960.12"),
    )
    procedure = builder.refresh()
    assert ministry.gross + organisation.gross == procedure.fee_gross
    assert ministry.vat + organisation.vat == procedure.fee_vat
    assert (ministry.seller_name, ministry.seller_vat_id, ministry.seller_address) == (
        "VDI/VDE Innovation + Technik GmbH",
        "DE136575402",
        "Steinplatz 1\n10623 Berlin",
    )
    assert ministry.buyer_is_public and not organisation.buyer_is_public
    assert (ministry.vat_treatment, ministry.vat_percent) == ("domestic", D("19"))
    assert (organisation.due_on - organisation.issued_on).days == 30
    assert organisation.status == "open"
    line = organisation.lines.get()
    assert line.net == D("2487.50")
    assert "Begutachtung (Erstzertifizierung)" in line.description
    assert procedure.reference in line.description
    ministry_line = ministry.lines.get().description
    assert "Kostenbeteiligung des Landes (50 % der Begutachtungskosten)" in ministry_line
    assert builder.organisation.legal_name in ministry_line
    events = AuditEvent.objects.filter(action="invoice.issue").order_by("sequence")
    assert [e.after["number"] for e in events] == [ministry.number, organisation.number]
    assert all(e.procedure_id == procedure.pk for e in events)


def test_numbers_run_on_per_operator_without_gaps_and_the_default_prefix() -> None:
    first = invoices_of(contracted())
    second = invoices_of(contracted())
    bronze = invoices_of(contracted("ecei-bronze"))
    numbers = [i.number for i in first + second]
    year = first[0].issued_on.year
    assert numbers == [f"VDIVDE-{year}-{n:05d}" for n in range(1, 5)]
    assert [i.number for i in bronze] == [f"ESCA-{year}-00001"]


def test_an_english_speaking_manager_gets_an_english_invoice() -> None:
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    builder.manager.preferred_language = "en"
    builder.manager.save()
    builder.advance_to(ProcedureState.CONTRACTED)
    (invoice,) = invoices_of(builder)
    assert invoice.language == "en"
    assert invoice.lines.get().description.startswith("Benchmarking")


def test_a_business_in_austria_is_invoiced_under_the_reverse_charge() -> None:
    builder = contracted("ecei-bronze", country="AT", region="AT-9", vat_id="ATU12345678")
    (invoice,) = invoices_of(builder)
    assert (invoice.vat_treatment, invoice.vat_percent, invoice.vat) == (
        "reverse_charge",
        D("0"),
        D("0.00"),
    )
    assert (invoice.buyer_country, invoice.buyer_vat_id, invoice.gross) == (
        "AT",
        "ATU12345678",
        D("2250.00"),
    )


def test_an_organisation_in_switzerland_pays_no_german_vat() -> None:
    (invoice,) = invoices_of(contracted("ecei-bronze", country="CH", region="CH-ZH"))
    assert (invoice.vat_treatment, invoice.vat, invoice.gross) == (
        "outside_eu",
        D("0.00"),
        D("2250.00"),
    )


def test_a_failing_invoice_rolls_the_acceptance_back() -> None:
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.APPLIED)

    def broken(event) -> None:
        raise RuntimeError("no invoices today")

    contract_made.subscribe("tests.broken", broken)
    try:
        with pytest.raises(RuntimeError):
            builder.step()
    finally:
        del contract_made.subscribers["tests.broken"]
    procedure = Procedure.objects.get(pk=builder.procedure.pk)
    assert (procedure.state, procedure.fee_gross) == (ProcedureState.APPLIED, None)
    assert not Invoice.objects.filter(procedure=procedure).exists()
    assert not AuditEvent.objects.filter(action="procedure.accept_application").exists()


def test_invoices_are_issued_once() -> None:
    builder = contracted()
    with pytest.raises(InvoiceRefused) as refused:
        services.invoices_issue(procedure=builder.procedure, actor=builder.secretariat)
    assert refused.value.code == "already_issued"
    with pytest.raises(PermissionDenied):
        services.invoices_issue(procedure=builder.procedure, actor=builder.manager)


def test_the_database_refuses_to_change_an_issued_invoice() -> None:
    (invoice,) = invoices_of(contracted("ecei-bronze"))
    for field, value in [("gross", D("1.00")), ("number", "X-1"), ("buyer_name", "Someone")]:
        with pytest.raises(DatabaseError), transaction.atomic():
            Invoice.objects.filter(pk=invoice.pk).update(**{field: value})
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(description="changed")
    Invoice.objects.filter(pk=invoice.pk).update(status_note="a note may change")
    invoice.refresh_from_db()
    assert (invoice.gross, invoice.status_note) == (D("2677.50"), "a note may change")


def test_the_trigger_covers_every_content_field() -> None:
    from importlib import import_module

    migration = import_module("clusterlabel.invoices.migrations.0002_immutable")
    assert tuple(migration.COLUMNS) == IMMUTABLE_FIELDS


def test_the_secretariat_marks_an_invoice_paid_once() -> None:
    builder = contracted("ecei-bronze")
    (invoice,) = invoices_of(builder)
    paid = services.invoice_mark_paid(
        invoice=invoice,
        paid_on=date(2026, 12, 20),
        reason="Bank statement 12/2026",
        actor=builder.secretariat,
    )
    assert (paid.status, paid.paid_on, paid.status_note) == (
        "paid",
        date(2026, 12, 20),
        "Bank statement 12/2026",
    )
    event = AuditEvent.objects.get(action="invoice.mark_paid")
    assert (event.reason, event.before, event.after["status"]) == (
        "Bank statement 12/2026",
        {"status": "open"},
        "paid",
    )
    with pytest.raises(InvoiceRefused) as refused:
        services.invoice_mark_paid(
            invoice=invoice, paid_on=date(2026, 12, 21), reason="again", actor=builder.secretariat
        )
    assert refused.value.code == "not_open"


def test_marking_paid_needs_a_reason_and_the_secretariat() -> None:
    builder = contracted("ecei-bronze")
    (invoice,) = invoices_of(builder)
    with pytest.raises(InvoiceRefused):
        services.invoice_mark_paid(
            invoice=invoice, paid_on=date(2026, 12, 20), reason="  ", actor=builder.secretariat
        )
    for outsider in (builder.manager, builder.authority, builder.assessors[0]):
        with pytest.raises(PermissionDenied):
            services.invoice_mark_paid(
                invoice=invoice, paid_on=date(2026, 12, 20), reason="paid", actor=outsider
            )
    invoice.refresh_from_db()
    assert invoice.status == "open"


@override_settings(INVOICE_SELLERS=SELLERS)
def test_a_cancellation_is_a_credit_note_with_its_own_number_and_negated_amounts() -> None:
    builder = contracted()
    ministry, organisation = invoices_of(builder)
    credit = services.invoice_cancel(
        invoice=organisation, reason="Wrong legal name", actor=builder.secretariat
    )
    year = credit.issued_on.year
    assert (credit.kind, credit.number, credit.cancels) == (
        "credit_note",
        f"VDIVDE-{year}-00003",
        organisation,
    )
    assert (credit.net, credit.vat, credit.gross, credit.status) == (
        D("-2487.50"),
        D("-472.62"),
        D("-2960.12"),
        "settled",
    )
    assert credit.buyer_name == organisation.buyer_name
    assert credit.lines.get().net == D("-2487.50")
    assert organisation.number in credit.lines.get().description
    organisation.refresh_from_db()
    assert (organisation.status, organisation.status_note) == ("cancelled", "Wrong legal name")
    event = AuditEvent.objects.get(action="invoice.cancel")
    assert (event.reason, event.after["credit_note"]) == ("Wrong legal name", credit.number)
    with pytest.raises(InvoiceRefused):
        services.invoice_cancel(invoice=organisation, reason="twice", actor=builder.secretariat)
    with pytest.raises(InvoiceRefused):
        services.invoice_cancel(invoice=credit, reason="credit", actor=builder.secretariat)
    with pytest.raises(InvoiceRefused):
        services.invoice_mark_paid(
            invoice=organisation, paid_on=date(2026, 12, 1), reason="x", actor=builder.secretariat
        )
    ministry.refresh_from_db()
    assert ministry.status == "open"
