"""Invoices from a contract: one per payer, numbers, due dates and payment status.

Guarantees:

* :func:`split_contract` turns a contract (net, VAT, gross and the payers' shares of the gross,
  as :func:`clusterlabel.domain.fees.quote_fee` splits it) into one invoice amount per payer.
  Each third party's invoice states its share of the net, ``round(net * share / gross)``
  (half up), and its share of the VAT as the rest of its gross share; the applicant, listed
  last, is invoiced the remainder of the net and of the VAT. So the invoices add up to the
  contract to the cent in net, VAT and gross, and each invoice's net plus VAT is its gross.
  The BW contract 4,975.00 + 945.25 = 5,920.25 gives the ministry 2,487.50 + 472.63 = 2,960.13
  and the organisation 2,487.50 + 472.62 = 2,960.12.
* A credit note cancels an invoice with the same amounts negated (:func:`credit_amounts`).
* Invoice numbers are ``<PREFIX>-<YEAR>-<NNNNN>`` (:func:`invoice_number`), gap-free per
  operator and year because the counter is taken under a row lock (the Django layer).
* An invoice is *overdue* when it is still open after its due date (:func:`payment_status`).
Pure Python, standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

_CENT = Decimal("0.01")


class ContractError(ValueError):
    """A contract whose shares do not add up to its gross, or whose net and VAT do not."""


class PaymentStatus(StrEnum):
    """Where an invoice stands. ``overdue`` is never stored: it is an open invoice past its
    due date (:func:`payment_status`). A credit note is ``settled`` from the start."""

    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"
    CANCELLED = "cancelled"
    SETTLED = "settled"


@dataclass(frozen=True)
class InvoiceAmounts:
    """What one payer is invoiced: net, VAT and gross (``net + vat == gross``)."""

    net: Decimal
    vat: Decimal
    gross: Decimal


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def split_contract(
    *, net: Decimal, vat: Decimal, gross: Decimal, shares: tuple[Decimal, ...]
) -> tuple[InvoiceAmounts, ...]:
    """One invoice amount per share of the gross, in the order of ``shares`` (third parties
    first, the applicant last), adding up to the contract (module docstring).

    Raises :class:`ContractError` when ``net + vat != gross`` or the shares do not sum to
    ``gross``."""
    if net + vat != gross:
        raise ContractError(f"net {net} + VAT {vat} is not the gross {gross}")
    if sum(shares, Decimal(0)) != gross:
        raise ContractError(f"the shares {list(shares)} do not add up to the gross {gross}")
    if not shares:
        return ()
    invoices: list[InvoiceAmounts] = []
    for share in shares[:-1]:
        share_net = _cents(net * share / gross) if gross else Decimal("0.00")
        invoices.append(InvoiceAmounts(net=share_net, vat=share - share_net, gross=share))
    rest_net = net - sum((i.net for i in invoices), Decimal(0))
    rest_vat = vat - sum((i.vat for i in invoices), Decimal(0))
    invoices.append(InvoiceAmounts(net=rest_net, vat=rest_vat, gross=shares[-1]))
    return tuple(invoices)


def credit_amounts(amounts: InvoiceAmounts) -> InvoiceAmounts:
    """The amounts of the credit note that cancels an invoice of ``amounts``: all negated."""
    return InvoiceAmounts(net=-amounts.net, vat=-amounts.vat, gross=-amounts.gross)


def number_prefix(operator_name: str) -> str:
    """The default number prefix of an operator, from its name: the short name it gives in
    brackets ("European Secretariat for Cluster Analysis (ESCA)" gives "ESCA"), else its first
    word ("VDI/VDE Innovation + Technik GmbH" gives "VDIVDE"), in upper-case ASCII letters and
    digits, at most 12; "INV" when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", operator_name).encode("ascii", "ignore").decode()
    short = re.search(r"\(([^()]+)\)\s*$", ascii_name)
    word = short.group(1) if short else (ascii_name.split() or [""])[0]
    return re.sub(r"[^A-Za-z0-9]", "", word).upper()[:12] or "INV"


def invoice_number(prefix: str, year: int, sequence: int) -> str:
    """``VDIVDE-2026-00001``: the prefix, the year of issue and the counter, five digits at
    least."""
    if sequence < 1:
        raise ValueError("invoice numbers start at 1")
    return f"{prefix}-{year:04d}-{sequence:05d}"


def due_date(issued_on: date, payment_days: int) -> date:
    """The day by which an invoice issued on ``issued_on`` must be paid."""
    return issued_on + timedelta(days=payment_days)


def payment_status(stored: PaymentStatus | str, *, due_on: date, today: date) -> PaymentStatus:
    """The status as the users see it: an open invoice after its due date is overdue."""
    status = PaymentStatus(stored)
    if status == PaymentStatus.OPEN and today > due_on:
        return PaymentStatus.OVERDUE
    return status


def may_mark_paid(stored: PaymentStatus | str, *, is_credit_note: bool) -> bool:
    """Only an open (or overdue) invoice can be marked paid; never a credit note."""
    return not is_credit_note and PaymentStatus(stored) == PaymentStatus.OPEN


def may_cancel(stored: PaymentStatus | str, *, is_credit_note: bool) -> bool:
    """An invoice, open or paid, is cancelled once, by a credit note; a credit note is not
    cancelled (a new invoice is issued instead)."""
    return not is_credit_note and PaymentStatus(stored) in (PaymentStatus.OPEN, PaymentStatus.PAID)
