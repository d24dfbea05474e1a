"""Who may see and change invoices, tried by those who may not: another organisation's
manager, the procedure's own assessor, the secretariat of another operator, anonymous visitors,
and the organisation's manager on the invoice to the ministry or on the secretariat's forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.invoices.models import Invoice
from clusterlabel.schemes.models import Operator
from tests.factories import UserFactory
from tests.helpers import login
from tests.invoices.helpers import contracted, invoices_of

pytestmark = pytest.mark.django_db

READS = ("invoices:detail", "invoices:pdf", "invoices:xml")
WRITES = {
    "invoices:mark_paid": {"paid_on": "2026-12-20", "reason": "paid"},
    "invoices:cancel": {"reason": "cancel"},
}


@pytest.fixture
def bw():
    return contracted()


def other_operators_secretariat():
    """A secretariat granted for ESCA (the ECEI labels), not for VDI/VDE-IT (BW)."""
    user = UserFactory()
    esca = Operator.objects.get(
        scheme_versions__scheme_id="ecei-bronze", scheme_versions__is_current=True
    )
    Grant.objects.create(user=user, role=Role.SECRETARIAT, operator=esca)
    return user


def assert_refused_everywhere(client, invoice: Invoice, *, found: bool = False) -> None:
    """Every read and write on ``invoice`` is refused (404, or 403 for a write when the
    person may see it), the list does not show it, and nothing changed."""
    for name in READS:
        assert client.get(reverse(name, args=[invoice.pk])).status_code == 404, name
    for name, data in WRITES.items():
        response = client.post(reverse(name, args=[invoice.pk]), data)
        assert response.status_code == (403 if found else 404), name
    page = client.get(reverse("invoices:list"))
    assert page.status_code == 200
    assert invoice.number not in page.content.decode()
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.status, stored.gross) == (invoice.status, invoice.gross)
    assert not AuditEvent.objects.filter(
        action__in=["invoice.mark_paid", "invoice.cancel"]
    ).exists()
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_another_organisations_manager_sees_none_of_them(client, bw) -> None:
    other = contracted("ecei-bronze")
    login(client, other.manager)
    for invoice in invoices_of(bw):
        assert_refused_everywhere(client, invoice)


def test_the_procedures_own_assessor_sees_no_invoice(client, bw) -> None:
    login(client, bw.assessors[0])
    for invoice in invoices_of(bw):
        assert_refused_everywhere(client, invoice)


def test_the_authority_and_the_board_see_no_invoice(client, bw) -> None:
    for person in (bw.authority, bw.board[0]):
        login(client, person)
        for invoice in invoices_of(bw):
            assert_refused_everywhere(client, invoice)


def test_the_secretariat_of_another_operator_sees_none_of_them(client, bw) -> None:
    login(client, other_operators_secretariat())
    for invoice in invoices_of(bw):
        assert_refused_everywhere(client, invoice)


def test_anonymous_visitors_are_sent_to_sign_in(client, bw) -> None:
    for invoice in invoices_of(bw):
        for name in READS:
            response = client.get(reverse(name, args=[invoice.pk]))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for name, data in WRITES.items():
            response = client.post(reverse(name, args=[invoice.pk]), data)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("invoices:list"))
    assert response.status_code == 302
    assert set(Invoice.objects.values_list("status", flat=True)) == {"open"}


def test_the_manager_sees_the_organisations_invoice_not_the_ministrys(client, bw) -> None:
    ministry, own = invoices_of(bw)
    login(client, bw.manager)
    assert_refused_everywhere(client, ministry)
    page = client.get(reverse("invoices:detail", args=[own.pk]))
    assert page.status_code == 200
    assert "2.960,12" in page.content.decode()
    assert 'action="/invoices/' not in page.content.decode()  # no forms
    assert client.get(reverse("invoices:pdf", args=[own.pk])).status_code == 200
    assert client.get(reverse("invoices:xml", args=[own.pk])).status_code == 200
    # ... but may not mark it paid or cancel it
    for name, data in WRITES.items():
        assert client.post(reverse(name, args=[own.pk]), data).status_code == 403
    own.refresh_from_db()
    assert (own.status, own.gross) == ("open", Decimal("2960.12"))
    listed = client.get(reverse("invoices:list")).content.decode()
    assert own.number in listed and ministry.number not in listed
