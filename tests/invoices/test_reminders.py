"""The overdue-invoice reminder: once per invoice, to the organisation's managers in their
language, from ``clusterlabel send-reminders``; the ministry is not e-mailed, paid and not yet
due invoices are not reminded."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clusterlabel.audit.models import AuditEvent
from clusterlabel.invoices import services
from clusterlabel.invoices.models import InvoiceReminder
from clusterlabel.invoices.reminders import overdue_reminders_send
from tests.factories import UserFactory
from tests.invoices.helpers import contracted, invoices_of

pytestmark = pytest.mark.django_db


def issued_days_ago(days: int, scheme_id: str = "bw-cluster-excellence"):
    return contracted(scheme_id, issued_on=timezone.localdate() - timedelta(days=days))


def test_an_overdue_invoice_is_reminded_once_to_the_managers_in_their_language() -> None:
    builder = issued_days_ago(31)  # due yesterday (30 days to pay)
    english = UserFactory(preferred_language="en")
    builder.organisation.managers.add(english, through_defaults={"role": "cluster_manager"})
    ministry, organisation = invoices_of(builder)
    today = timezone.localdate()
    results = overdue_reminders_send(today=today)
    assert [(r.invoice, r.outcome) for r in results] == [(organisation, "sent")]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([builder.manager.email, english.email])
    to_english = next(m for m in mail.outbox if m.to == [english.email])
    assert to_english.subject == f"[clusterlabel] Invoice {organisation.number} is overdue"
    assert "was due on" in to_english.body and "is one day overdue" in to_english.body
    assert f"/invoices/{organisation.pk}/" in to_english.body
    reminder = InvoiceReminder.objects.get()
    assert (reminder.invoice, sorted(reminder.recipients)) == (
        organisation,
        sorted([builder.manager.email, english.email]),
    )
    event = AuditEvent.objects.get(action="invoice.overdue_reminder")
    assert event.after["number"] == organisation.number
    assert overdue_reminders_send(today=today + timedelta(days=5)) == []
    assert len(mail.outbox) == 2
    assert not InvoiceReminder.objects.filter(invoice=ministry).exists()


def test_an_invoice_due_today_or_paid_is_not_reminded() -> None:
    due_today = issued_days_ago(30, "ecei-bronze")
    paid = issued_days_ago(40, "ecei-bronze")
    (invoice,) = invoices_of(paid)
    services.invoice_mark_paid(
        invoice=invoice, paid_on=timezone.localdate(), reason="paid", actor=paid.secretariat
    )
    assert overdue_reminders_send(today=timezone.localdate()) == []
    assert invoices_of(due_today)[0].due_on == timezone.localdate()
    assert mail.outbox == []


def test_a_dry_run_sends_and_records_nothing() -> None:
    issued_days_ago(45, "ecei-bronze")
    results = overdue_reminders_send(today=timezone.localdate(), dry_run=True)
    assert [r.outcome for r in results] == ["would send"]
    assert mail.outbox == [] and not InvoiceReminder.objects.exists()


def test_the_daily_command_sends_the_overdue_reminders_once() -> None:
    builder = issued_days_ago(35, "ecei-bronze")
    (invoice,) = invoices_of(builder)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert f"[invoice] sent: invoice {invoice.number}" in out.getvalue()
    assert "[invoice] 1 overdue-invoice reminders sent" in out.getvalue()
    again = StringIO()
    call_command("send_reminders", stdout=again)
    assert "[invoice] 0 overdue-invoice reminders sent" in again.getvalue()
    assert len(mail.outbox) == 1
