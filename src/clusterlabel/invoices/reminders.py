"""The overdue-invoice reminder: once per invoice, to the organisation's managers.

``clusterlabel send-reminders`` runs it daily (``core.daily.daily_jobs``). The rules:

* An invoice is reminded when it is still open the day after its due date or later
  (``clusterlabel.domain.invoicing.payment_status``), is addressed to the organisation (a
  subsidy payer is not e-mailed: the secretariat sees its overdue invoices in the list) and
  has not been reminded yet.
* Recipients: the organisation's active managers with an e-mail address, each in their
  ``preferred_language``. Nobody to write to means nothing is recorded (it is due again).
* Idempotent and safe to run twice at once: the ``InvoiceReminder`` row (one per invoice) and
  its audit event are committed *before* the mail goes out, so a second run finds it or fails
  on the constraint and sends nothing. If every mail fails, the row is deleted again (the next
  run retries); if some went out, it stays with those addresses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.daily import DailyRun
from clusterlabel.core.mail import mail_text
from clusterlabel.invoices.choices import InvoiceKind, PayerKind, PaymentStatus
from clusterlabel.invoices.models import Invoice, InvoiceReminder

logger = logging.getLogger(__name__)


@dataclass
class OverdueResult:
    """What happened to one overdue invoice: ``sent``, ``would send``, ``failed``,
    ``already sent`` or ``no recipients``."""

    invoice: Invoice
    outcome: str
    sent_to: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line of command output (English), starting with ``[invoice]``."""
        invoice = self.invoice
        text = (
            f"[invoice] {self.outcome}: invoice {invoice.number} to {invoice.buyer_name} "
            f"({invoice.gross} {invoice.currency}, due {invoice.due_on:%Y-%m-%d}), overdue reminder"
        )
        if self.sent_to:
            text += f" -> {', '.join(self.sent_to)}"
        return text


def overdue_invoices(*, today: date) -> list[Invoice]:
    """Open invoices to an organisation, past their due date, not reminded yet, with the
    organisation's active managers (``reminder_managers``) prefetched."""
    managers = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    return list(
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE,
            status=PaymentStatus.OPEN,
            payer_kind=PayerKind.ORGANISATION,
            due_on__lt=today,
            reminder__isnull=True,
        )
        .select_related("procedure__organisation")
        .prefetch_related(
            Prefetch(
                "procedure__organisation__managers",
                queryset=managers,
                to_attr="reminder_managers",
            )
        )
        .order_by("due_on", "number")
    )


def _managers(invoice: Invoice) -> list[User]:
    # Set by the Prefetch's to_attr, which the type checker cannot see on Organisation.
    return list(invoice.procedure.organisation.reminder_managers)  # type: ignore[attr-defined]


def _message(invoice: Invoice, user: User, today: date) -> tuple[str, str]:
    """Subject and text for ``user``, in the user's language."""
    url = settings.SITE_URL + reverse("invoices:detail", args=[invoice.pk])
    return mail_text(
        "invoices/email/overdue.txt",
        {
            "invoice": invoice,
            "recipient": user,
            "days_overdue": (today - invoice.due_on).days,
            "url": url,
        },
        language=user.preferred_language or settings.LANGUAGE_CODE,
    )


def overdue_reminder_send(invoice: Invoice, *, today: date) -> OverdueResult:
    """Record the reminder with its audit event, then mail it (module docstring)."""
    recipients = _managers(invoice)
    if not recipients:
        return OverdueResult(invoice, "no recipients")
    emails = [user.email for user in recipients]
    try:
        with transaction.atomic():
            reminder = InvoiceReminder.objects.create(invoice=invoice, recipients=emails)
            audit_record(
                actor=None,
                action="invoice.overdue_reminder",
                target=invoice,
                procedure_id=invoice.procedure_id,
                after={"number": invoice.number, "due_on": invoice.due_on, "to": emails},
            )
    except IntegrityError:
        return OverdueResult(invoice, "already sent")
    sent = []
    for user in recipients:
        subject, text = _message(invoice, user, today)
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # a broken mail server must not stop the other reminders
            logger.exception("Could not send the overdue reminder of %s", invoice.number)
        else:
            sent.append(user.email)
    if not sent:
        reminder.delete()  # nobody got it: the next run tries again
        return OverdueResult(invoice, "failed")
    if sent != emails:
        reminder.recipients = sent
        reminder.save(update_fields=["recipients"])
    return OverdueResult(invoice, "sent", sent_to=sent)


def overdue_reminders_send(*, today: date, dry_run: bool = False) -> list[OverdueResult]:
    """Remind every overdue invoice once; with ``dry_run`` only say what would be sent."""
    results = []
    for invoice in overdue_invoices(today=today):
        if dry_run:
            emails = [user.email for user in _managers(invoice)]
            outcome = "would send" if emails else "no recipients"
            results.append(OverdueResult(invoice, outcome, sent_to=emails))
        else:
            results.append(overdue_reminder_send(invoice, today=today))
    return results


def overdue_reminders_run(run: DailyRun) -> list[OverdueResult]:
    """``core.daily.daily_jobs`` subscriber: send the reminders and write one line each, and a
    summary."""
    results = overdue_reminders_send(today=run.today, dry_run=run.dry_run)
    for result in results:
        run.write(result.line())
    done = sum(1 for r in results if r.outcome in ("sent", "would send"))
    verb = "would be sent" if run.dry_run else "sent"
    run.write(f"[invoice] {done} overdue-invoice reminders {verb} on {run.today:%Y-%m-%d}.")
    return results
