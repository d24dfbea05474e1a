"""Every write to invoices: issuing them from a contract, marking one paid, cancelling one by a
credit note.

Guarantees:

* The invoices of a contract are issued once, in one transaction with the acceptance of the
  application (``procedures.contracted.contract_made``): one per payer with a share above
  zero, the third parties first, adding up to the contract in net, VAT and gross
  (``clusterlabel.domain.invoicing.split_contract``). A procedure whose scheme version has no
  operator (a row from before operators existed) has no seller and gets none.
* Numbers are gap-free per operator and year (``InvoiceSequence`` under ``select_for_update``;
  a rolled-back issue gives its number back with the rollback).
* Only the secretariat of the scheme (directly or through its operator) marks an invoice paid
  or cancels it (``Activity.MANAGE_INVOICE``); an invoice is marked paid only while open, and
  cancelled once, by a credit note with its own number, the amounts negated, referencing it.
  A reason is required for both.
* Each write records its audit event in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.formatting import scheme_and_level
from clusterlabel.domain import invoicing
from clusterlabel.domain.schemes import FeeItem, Scheme
from clusterlabel.invoices.choices import InvoiceKind, PayerKind, PaymentStatus
from clusterlabel.invoices.models import Invoice, InvoiceLine, InvoiceSequence
from clusterlabel.invoices.parties import (
    Buyer,
    Seller,
    organisation_buyer,
    seller_of,
    third_party_buyer,
)
from clusterlabel.procedures.contracted import Contracted
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import Operator


class InvoiceRefused(Exception):
    """A write the rules do not allow; ``code`` says why (``no_contract``,
    ``already_issued``, ``not_open``, ``not_cancellable``, ``reason_required``)."""

    MESSAGES = {
        "no_contract": _("The procedure has no contract yet."),
        "already_issued": _("The invoices of this contract have been issued already."),
        "not_open": _("Only an open invoice can be marked paid."),
        "not_cancellable": _("This document cannot be cancelled."),
        "reason_required": _("Please give a reason."),
    }

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


def _next_number(operator: Operator, prefix: str, year: int) -> str:
    """The next number of ``operator`` in ``year``, under the counter's row lock."""
    try:
        with transaction.atomic():
            InvoiceSequence.objects.get_or_create(operator=operator, year=year)
    except IntegrityError:  # created meanwhile by another issuer: lock theirs
        pass
    sequence = InvoiceSequence.objects.select_for_update().get(operator=operator, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return invoicing.invoice_number(prefix, year, sequence.last)


def _fee_item(scheme: Scheme, process: str, mode: str) -> FeeItem | None:
    items = [item for item in scheme.fees.items if item.process == process]
    for wanted in (mode, "any"):
        for item in items:
            if item.mode == wanted:
                return item
    return None


def _line_text(procedure: Procedure, payer_kind: str, language: str, subsidy_name: str) -> str:
    """What the line says, in the invoice's language: the fee item, the label applied for and
    the procedure; for a subsidy payer also the subsidy and the organisation."""
    scheme = procedure.scheme
    item = _fee_item(scheme, procedure.fee_process or procedure.process, procedure.assessment_mode)
    with translation.override(language):
        item_name = getattr(item.name, language) if item else str(_("Assessment fee"))
        text = str(
            _("%(item)s: %(label)s (procedure %(reference)s)")
            % {
                "item": item_name,
                "label": scheme_and_level(procedure),
                "reference": procedure.reference,
            }
        )
        if payer_kind == PayerKind.THIRD_PARTY:
            subsidy = next(
                (
                    getattr(s.name, language)
                    for s in scheme.fees.subsidies
                    if s.payer.name == subsidy_name
                ),
                subsidy_name,
            )
            text += "\n" + str(
                _("%(subsidy)s for %(organisation)s")
                % {"subsidy": subsidy, "organisation": procedure.organisation.legal_name}
            )
    return text


def _create(
    *,
    procedure: Procedure,
    operator: Operator,
    seller: Seller,
    buyer: Buyer,
    payer_kind: str,
    amounts: invoicing.InvoiceAmounts,
    line_text: str,
    issued_on: date,
    actor: User | None,
    kind: str = InvoiceKind.INVOICE,
    cancels: Invoice | None = None,
    vat_treatment: str,
    vat_percent: Decimal,
) -> Invoice:
    is_credit = kind == InvoiceKind.CREDIT_NOTE
    invoice = Invoice(
        kind=kind,
        number=_next_number(operator, seller.prefix, issued_on.year),
        operator=operator,
        scheme_id=procedure.scheme_version.scheme_id,
        procedure=procedure,
        payer_kind=payer_kind,
        cancels=cancels,
        language=buyer.language,
        currency=procedure.fee_currency or "EUR",
        seller_name=seller.name,
        seller_address=seller.address,
        seller_country=seller.country,
        seller_vat_id=seller.vat_id,
        seller_contact=seller.contact,
        seller_bank_account=seller.bank_account,
        buyer_name=buyer.name,
        buyer_address=buyer.address,
        buyer_city=buyer.city,
        buyer_country=buyer.country,
        buyer_vat_id=buyer.vat_id,
        buyer_reference=buyer.reference,
        buyer_is_public=buyer.is_public,
        vat_treatment=vat_treatment,
        vat_percent=vat_percent,
        net=amounts.net,
        vat=amounts.vat,
        gross=amounts.gross,
        issued_on=issued_on,
        due_on=issued_on
        if is_credit
        else invoicing.due_date(issued_on, settings.INVOICE_PAYMENT_DAYS),
        issued_by=actor,
        status=PaymentStatus.SETTLED if is_credit else PaymentStatus.OPEN,
    )
    invoice.full_clean()
    invoice.save()
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description=line_text,
        quantity=Decimal("1.00"),
        unit_net=amounts.net,
        net=amounts.net,
    )
    return invoice


def _buyer(invoice: Invoice) -> Buyer:
    return Buyer(
        name=invoice.buyer_name,
        address=invoice.buyer_address,
        city=invoice.buyer_city,
        country=invoice.buyer_country,
        vat_id=invoice.buyer_vat_id,
        reference=invoice.buyer_reference,
        is_public=invoice.buyer_is_public,
        language=invoice.language,
    )


def _seller(invoice: Invoice, prefix: str) -> Seller:
    return Seller(
        name=invoice.seller_name,
        address=invoice.seller_address,
        country=invoice.seller_country,
        vat_id=invoice.seller_vat_id,
        contact=invoice.seller_contact,
        bank_account=invoice.seller_bank_account,
        prefix=prefix,
    )


def _audit_after(invoice: Invoice) -> dict[str, object]:
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "buyer": invoice.buyer_name,
        "net": invoice.net,
        "vat": invoice.vat,
        "gross": invoice.gross,
        "vat_treatment": invoice.vat_treatment,
        "due_on": invoice.due_on,
        "status": invoice.status,
    }


def _issue(*, procedure: Procedure, actor: User | None, today: date | None = None) -> list[Invoice]:
    """Issue the contract's invoices (module docstring); the caller checked the permission."""
    with transaction.atomic():
        locked = (
            # Only the procedure's row is locked: PostgreSQL refuses FOR UPDATE on the nullable
            # side of the outer join to the operator.
            Procedure.objects.select_for_update(of=("self",))
            .select_related("organisation", "scheme_version__operator")
            .get(pk=procedure.pk)
        )
        if locked.fee_gross is None or locked.fee_net is None or locked.fee_vat is None:
            raise InvoiceRefused("no_contract")
        if locked.invoices.exists():
            raise InvoiceRefused("already_issued")
        operator = locked.scheme_version.operator
        if operator is None:
            return []
        issued_on = today or timezone.localdate()
        seller = seller_of(operator)
        subsidy = locked.fee_subsidy or Decimal("0.00")
        payers: list[tuple[str, Buyer]] = []
        shares: list[Decimal] = []
        if subsidy:
            payers.append(
                (PayerKind.THIRD_PARTY, third_party_buyer(locked, locked.fee_subsidy_payer))
            )
            shares.append(subsidy)
        payers.append((PayerKind.ORGANISATION, organisation_buyer(locked)))
        shares.append(locked.fee_gross - subsidy)
        split = invoicing.split_contract(
            net=locked.fee_net, vat=locked.fee_vat, gross=locked.fee_gross, shares=tuple(shares)
        )
        treatment = locked.fee_vat_treatment or "domestic"
        vat_percent = (
            Decimal(locked.scheme.fees.vat_percent) if treatment == "domestic" else Decimal(0)
        )
        issued = []
        for (payer_kind, buyer), amounts in zip(payers, split, strict=True):
            if not amounts.gross:
                continue
            invoice = _create(
                procedure=locked,
                operator=operator,
                seller=seller,
                buyer=buyer,
                payer_kind=payer_kind,
                amounts=amounts,
                line_text=_line_text(locked, payer_kind, buyer.language, locked.fee_subsidy_payer),
                issued_on=issued_on,
                actor=actor,
                vat_treatment=treatment,
                vat_percent=vat_percent,
            )
            audit_record(
                actor=actor,
                action="invoice.issue",
                target=invoice,
                procedure_id=locked.pk,
                after=_audit_after(invoice),
            )
            issued.append(invoice)
    return issued


def invoices_issue(
    *, procedure: Procedure, actor: User, today: date | None = None
) -> list[Invoice]:
    """Issue the invoices of ``procedure``'s contract (module docstring). Only the scheme's
    secretariat may; raises ``InvoiceRefused`` without a contract or when they exist."""
    if not policy.can(actor, Activity.MANAGE_INVOICE, procedure):
        raise PermissionDenied
    return _issue(procedure=procedure, actor=actor, today=today)


def invoices_issue_for_contract(event: Contracted) -> list[Invoice]:
    """``procedures.contracted.contract_made`` subscriber: the acceptance of the application
    (a step only the secretariat may take) issues the contract's invoices in its transaction.
    A contract whose invoices exist already is left alone (they are cancelled by credit notes,
    never issued twice)."""
    if event.procedure.invoices.exists():
        return []
    return _issue(procedure=event.procedure, actor=event.actor)


def _locked_invoice(invoice: Invoice, actor: User) -> Invoice:
    locked = (
        Invoice.objects.select_for_update()
        .select_related("procedure", "operator")
        .get(pk=invoice.pk)
    )
    if not policy.can(actor, Activity.MANAGE_INVOICE, locked):
        raise PermissionDenied
    return locked


def invoice_mark_paid(*, invoice: Invoice, paid_on: date, reason: str, actor: User) -> Invoice:
    """Record that ``invoice`` was paid on ``paid_on`` (module docstring)."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _locked_invoice(invoice, actor)
        if not invoicing.may_mark_paid(locked.status, is_credit_note=locked.is_credit_note):
            raise InvoiceRefused("not_open")
        if not reason:
            raise InvoiceRefused("reason_required")
        before = {"status": locked.status}
        locked.status = PaymentStatus.PAID
        locked.paid_on = paid_on
        locked.status_note = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor
        locked.full_clean()
        locked.save(
            update_fields=[
                "status",
                "paid_on",
                "status_note",
                "status_changed_at",
                "status_changed_by",
            ]
        )
        audit_record(
            actor=actor,
            action="invoice.mark_paid",
            target=locked,
            procedure_id=locked.procedure_id,
            before=before,
            after={"number": locked.number, "status": locked.status, "paid_on": paid_on},
            reason=reason,
        )
    return locked


def invoice_cancel(
    *, invoice: Invoice, reason: str, actor: User, today: date | None = None
) -> Invoice:
    """Cancel ``invoice`` by a credit note, which is returned: its own number, the same seller
    and buyer, the amounts and the line negated, referencing the invoice (module docstring)."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _locked_invoice(invoice, actor)
        if not invoicing.may_cancel(locked.status, is_credit_note=locked.is_credit_note):
            raise InvoiceRefused("not_cancellable")
        if not reason:
            raise InvoiceRefused("reason_required")
        issued_on = today or timezone.localdate()
        prefix = locked.number.rsplit("-", 2)[0]
        line = locked.lines.order_by("position").first()
        with translation.override(locked.language):
            text = str(
                _("Cancellation of invoice %(number)s of %(date)s")
                % {"number": locked.number, "date": locked.issued_on.isoformat()}
            )
        if line is not None:
            text = f"{text}\n{line.description}"
        credit = _create(
            procedure=locked.procedure,
            operator=locked.operator,
            seller=_seller(locked, prefix),
            buyer=_buyer(locked),
            payer_kind=locked.payer_kind,
            amounts=invoicing.credit_amounts(
                invoicing.InvoiceAmounts(net=locked.net, vat=locked.vat, gross=locked.gross)
            ),
            line_text=text,
            issued_on=issued_on,
            actor=actor,
            kind=InvoiceKind.CREDIT_NOTE,
            cancels=locked,
            vat_treatment=locked.vat_treatment,
            vat_percent=locked.vat_percent,
        )
        before = {"status": locked.status}
        locked.status = PaymentStatus.CANCELLED
        locked.status_note = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor
        locked.save(
            update_fields=["status", "status_note", "status_changed_at", "status_changed_by"]
        )
        audit_record(
            actor=actor,
            action="invoice.cancel",
            target=locked,
            procedure_id=locked.procedure_id,
            before=before,
            after={
                "number": locked.number,
                "status": locked.status,
                "credit_note": credit.number,
                "credit_gross": credit.gross,
            },
            reason=reason,
        )
    return credit
