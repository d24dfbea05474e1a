"""The invoices of a contract (``clusterlabel.domain.invoicing``): one per payer, adding up to
the contract in net, VAT and gross; credit notes, numbers, due dates and the overdue status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.fees import quote_fee
from clusterlabel.domain.invoicing import (
    ContractError,
    InvoiceAmounts,
    PaymentStatus,
    credit_amounts,
    due_date,
    invoice_number,
    may_cancel,
    may_mark_paid,
    number_prefix,
    payment_status,
    split_contract,
)
from clusterlabel.domain.schemes import Scheme, load_scheme_dir
from tests.domain.conftest import SHIPPED_DIR

D = Decimal


def test_the_bw_contract_splits_into_the_ministrys_and_the_organisations_invoice() -> None:
    ministry, organisation = split_contract(
        net=D("4975.00"), vat=D("945.25"), gross=D("5920.25"), shares=(D("2960.13"), D("2960.12"))
    )
    assert ministry == InvoiceAmounts(net=D("2487.50"), vat=D("472.63"), gross=D("2960.13"))
    assert organisation == InvoiceAmounts(net=D("2487.50"), vat=D("472.62"), gross=D("2960.12"))


def test_the_split_follows_quote_fee() -> None:
    schemes: dict[str, Scheme] = {s.id: s for s in load_scheme_dir(SHIPPED_DIR)}
    quote = quote_fee(
        schemes["bw-cluster-excellence"],
        process="new",
        mode="on_site",
        application_date=date(2026, 3, 1),
    )
    invoices = split_contract(
        net=quote.net,
        vat=quote.vat,
        gross=quote.gross,
        shares=tuple(share.amount for share in quote.shares),
    )
    assert [i.gross for i in invoices] == [share.amount for share in quote.shares]
    assert sum(i.net for i in invoices) == quote.net
    assert sum(i.vat for i in invoices) == quote.vat


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: D(c) / 100)


@given(
    net=cents,
    rate=st.sampled_from([D(0), D(7), D(19), D("20.5")]),
    percents=st.lists(st.integers(min_value=0, max_value=100), max_size=3),
)
def test_the_invoices_always_add_up_to_the_contract(net, rate, percents) -> None:
    vat = (net * rate / 100).quantize(D("0.01"))
    gross = net + vat
    third = [(gross * p / 100).quantize(D("0.01")) for p in percents]
    if sum(third) > gross:
        return
    shares = (*third, gross - sum(third, D(0)))
    invoices = split_contract(net=net, vat=vat, gross=gross, shares=shares)
    assert sum(i.net for i in invoices) == net
    assert sum(i.vat for i in invoices) == vat
    assert [i.gross for i in invoices] == list(shares)
    assert all(i.net + i.vat == i.gross for i in invoices)


@pytest.mark.parametrize(
    ("net", "vat", "gross", "shares"),
    [
        (D("100.00"), D("19.00"), D("120.00"), (D("120.00"),)),
        (D("100.00"), D("19.00"), D("119.00"), (D("50.00"), D("60.00"))),
    ],
)
def test_a_contract_that_does_not_add_up_is_refused(net, vat, gross, shares) -> None:
    with pytest.raises(ContractError):
        split_contract(net=net, vat=vat, gross=gross, shares=shares)


def test_a_credit_note_negates_every_amount() -> None:
    assert credit_amounts(InvoiceAmounts(D("2487.50"), D("472.62"), D("2960.12"))) == (
        InvoiceAmounts(D("-2487.50"), D("-472.62"), D("-2960.12"))
    )


def test_numbers_prefix_and_due_date() -> None:
    assert invoice_number("VDIVDE", 2026, 1) == "VDIVDE-2026-00001"
    assert invoice_number("ESCA", 2026, 123456) == "ESCA-2026-123456"
    assert number_prefix("VDI/VDE Innovation + Technik GmbH") == "VDIVDE"
    assert number_prefix("European Secretariat for Cluster Analysis (ESCA)") == "ESCA"
    assert number_prefix("Ministère (Île-de-France) Agence régionale") == "MINISTERE"
    assert number_prefix("Württembergische Clusteragentur") == "WURTTEMBERGI"
    assert number_prefix("") == "INV"
    with pytest.raises(ValueError):
        invoice_number("X", 2026, 0)
    assert due_date(date(2026, 12, 15), 30) == date(2027, 1, 14)


@pytest.mark.parametrize(
    ("stored", "today", "shown"),
    [
        ("open", date(2027, 1, 14), PaymentStatus.OPEN),
        ("open", date(2027, 1, 15), PaymentStatus.OVERDUE),
        ("paid", date(2027, 3, 1), PaymentStatus.PAID),
        ("cancelled", date(2027, 3, 1), PaymentStatus.CANCELLED),
    ],
)
def test_an_open_invoice_is_overdue_from_the_day_after_its_due_date(stored, today, shown) -> None:
    assert payment_status(stored, due_on=date(2027, 1, 14), today=today) == shown


def test_what_may_happen_to_an_invoice() -> None:
    assert may_mark_paid("open", is_credit_note=False)
    assert not may_mark_paid("paid", is_credit_note=False)
    assert not may_mark_paid("cancelled", is_credit_note=False)
    assert not may_mark_paid("settled", is_credit_note=True)
    assert may_cancel("open", is_credit_note=False)
    assert may_cancel("paid", is_credit_note=False)
    assert not may_cancel("cancelled", is_credit_note=False)
    assert not may_cancel("settled", is_credit_note=True)
