"""E-mail reminders before a label expires, and one after it has expired.

``clusterlabel send-reminders`` runs this once a day from cron. The rules:

* Reminders go out ``settings.REMINDER_DAYS_BEFORE_EXPIRY`` days before ``valid_until``
  (default 180, 90 and 30) and once more after expiry (the ``"expired"`` reminder, from the day
  after ``valid_until`` for ``EXPIRED_REMINDER_DAYS`` days; a label that expired longer ago,
  e.g. imported history, gets none).
* A reminder of a kind is *due* once its day has come and it has not been recorded. Only the
  most urgent due kind is sent: after a cron outage of three months a label 50 days before
  expiry gets the 90-day reminder, not the 180- and the 90-day one at once. A kind that was
  skipped that way is never sent later.
* Labels that are suspended, revoked or superseded get none, nor do labels that already have a
  renewal (a label pointing at them as ``previous``, or a later label of the same organisation,
  scheme and level) or whose organisation has applied for the same scheme again (an open
  procedure that is past the draft; for a recognised label, the scheme it was recognised with).
* Recipients: the organisation's active managers and the secretariat of the label's scheme,
  each in their ``preferred_language``. Nobody to write to means nothing is recorded (it is
  due again).



Idempotent and safe to run twice at once: the ``LabelReminder`` row (unique per label and kind)
is inserted and committed *before* the mail goes out, so a second run finds it or fails on the
constraint and sends nothing. If every recipient's mail fails, the row is deleted again so the
next run retries; if some got it, the row stays with those who did (no one gets it twice).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse

from clusterlabel.access.policy import holders
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.core.daily import Outcome
from clusterlabel.core.mail import mail_text
from clusterlabel.domain.validity import renewal_window_end
from clusterlabel.labels.models import Label, LabelReminder, LabelState
from clusterlabel.procedures.models import TERMINAL_STATES, Procedure

logger = logging.getLogger(__name__)

EXPIRED = LabelReminder.EXPIRED
#: For how many days after expiry the "expired" reminder may still go out (a missed cron run).
EXPIRED_REMINDER_DAYS = 30


def reminder_offsets() -> list[int]:
    """The configured days before expiry, largest first, without duplicates."""
    return sorted({int(days) for days in settings.REMINDER_DAYS_BEFORE_EXPIRY}, reverse=True)


def due_kind(
    *,
    valid_until: date,
    today: date,
    offsets: Sequence[int],
    expired_days: int = EXPIRED_REMINDER_DAYS,
) -> str | None:
    """The most urgent reminder kind whose day has come for a label valid until ``valid_until``.

    Up to and including ``valid_until`` it is the smallest offset with
    ``today >= valid_until - offset``; from the day after, ``"expired"`` for ``expired_days``
    days; otherwise ``None``.
    """
    if today > valid_until:
        return EXPIRED if (today - valid_until).days <= expired_days else None
    reached = [days for days in offsets if today >= valid_until - timedelta(days=days)]
    return str(min(reached)) if reached else None


@dataclass
class DueReminder:
    """A reminder that is due today, with the people it goes to."""

    label: Label
    kind: str
    recipients: list[User]


@dataclass
class ReminderResult:
    """What happened to one due reminder."""

    label: Label
    kind: str
    outcome: Outcome
    sent_to: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line of command output."""
        label = self.label
        what = "expired" if self.kind == EXPIRED else f"{self.kind} days"
        text = (
            f"{self.outcome.value}: {label.certificate_number} {label.organisation.cluster_name} "
            f"({label.scheme_id} {label.level_id}, valid until {label.valid_until:%Y-%m-%d}), "
            f"reminder {what}"
        )
        if self.sent_to:
            text += f" -> {', '.join(self.sent_to)}"
        if self.failed:
            text += f"; could not send to {', '.join(self.failed)}"
        return text


def _candidates(today: date, offsets: Sequence[int]) -> list[Label]:
    """Active labels without a renewal whose expiry lies inside the reminder period."""
    newer = Label.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        scheme_id=OuterRef("scheme_id"),
        level_id=OuterRef("level_id"),
        valid_until__gt=OuterRef("valid_until"),
    ).exclude(state=LabelState.REVOKED)
    # A recognised label (ECEI Gold from a BW award) is renewed by applying for its source.
    applied_again = Procedure.objects.filter(
        Q(scheme_version__scheme_id=OuterRef("scheme_id"))
        | Q(scheme_version__scheme_id=OuterRef("recognised_with__scheme_id")),
        organisation_id=OuterRef("organisation_id"),
        applied_at__isnull=False,
    ).exclude(state__in=TERMINAL_STATES)
    managers = User.objects.filter(is_active=True).exclude(email="")
    return list(
        Label.objects.filter(
            state=LabelState.ACTIVE,
            renewal__isnull=True,
            valid_until__gte=today - timedelta(days=EXPIRED_REMINDER_DAYS),
            valid_until__lte=today + timedelta(days=max(offsets, default=0)),
        )
        .exclude(Exists(newer))
        .exclude(Exists(applied_again))
        .select_related("organisation", "scheme_version")
        .prefetch_related(
            Prefetch("organisation__managers", queryset=managers, to_attr="reminder_managers")
        )
        .order_by("valid_until", "certificate_number")
    )


def _reminder_managers(label: Label) -> list[User]:
    """The organisation's active managers with an address, as ``_candidates`` prefetched them."""
    # Set by the Prefetch's to_attr, which the type checker cannot see on Organisation.
    return label.organisation.reminder_managers  # type: ignore[attr-defined]


def _secretariat(scheme_id: str, operator_id: int | None) -> list[User]:
    """The scheme's secretariat (read once per scheme by ``reminders_due``)."""
    return list(
        holders(Role.SECRETARIAT, scheme_id, operator_id).exclude(email="").order_by("username")
    )


def _unique_by_email(users: Iterable[User]) -> list[User]:
    seen: set[str] = set()
    unique = []
    for user in users:
        key = user.email.casefold()
        if key not in seen:
            seen.add(key)
            unique.append(user)
    return unique


def reminders_due(*, today: date) -> list[DueReminder]:
    """The reminders to send today, one per label at most (the most urgent kind)."""
    offsets = reminder_offsets()
    labels = _candidates(today, offsets)
    recorded: dict[int, set[str]] = defaultdict(set)
    for label_id, sent_kind in LabelReminder.objects.filter(label__in=labels).values_list(
        "label_id", "kind"
    ):
        recorded[label_id].add(sent_kind)
    secretariats: dict[str, list[User]] = {}
    due = []
    for label in labels:
        kind = due_kind(valid_until=label.valid_until, today=today, offsets=offsets)
        if kind is None or kind in recorded[label.pk]:
            continue
        if label.scheme_id not in secretariats:
            secretariats[label.scheme_id] = _secretariat(
                label.scheme_id, label.scheme_version.operator_id
            )
        recipients = _unique_by_email([*_reminder_managers(label), *secretariats[label.scheme_id]])
        due.append(DueReminder(label=label, kind=kind, recipients=recipients))
    return due


def _message(label: Label, kind: str, user: User, today: date) -> tuple[str, str]:
    """Subject and text of the reminder for ``user``, in the user's language."""
    scheme = label.scheme
    grace = scheme.renewal.grace_months_after_expiry
    template = "labels/email/expired.txt" if kind == EXPIRED else "labels/email/reminder.txt"
    url = settings.SITE_URL + reverse("organisations:detail", args=[label.organisation_id])
    return mail_text(
        template,
        {
            "label": label,
            "organisation": label.organisation,
            "scheme": scheme,
            "recipient": user,
            "days_left": (label.valid_until - today).days,
            "grace_months": grace,
            "renewal_until": renewal_window_end(scheme, label.validity),
            "url": url,
        },
        language=user.preferred_language or settings.LANGUAGE_CODE,
    )


def reminder_send(due: DueReminder, *, today: date) -> ReminderResult:
    """Record the reminder, then mail it to each recipient (see the module docstring)."""
    if not due.recipients:
        return ReminderResult(due.label, due.kind, Outcome.NO_RECIPIENTS)
    emails = [user.email for user in due.recipients]
    try:
        with transaction.atomic():
            reminder = LabelReminder.objects.create(
                label=due.label, kind=due.kind, recipients=emails
            )
    except IntegrityError:
        # Another run recorded it between our read and our insert: it sends, we don't.
        return ReminderResult(due.label, due.kind, Outcome.ALREADY_SENT)
    sent, failed = [], []
    for user in due.recipients:
        subject, text = _message(due.label, due.kind, user, today)
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # a broken mail server must not stop the other reminders
            logger.exception(
                "Could not send reminder %s for %s to %s",
                due.kind,
                due.label.certificate_number,
                user.email,
            )
            failed.append(user.email)
        else:
            sent.append(user.email)
    if not sent:
        reminder.delete()  # nobody got it: the next run tries again
        return ReminderResult(due.label, due.kind, Outcome.FAILED, failed=failed)
    if failed:
        reminder.recipients = sent
        reminder.save(update_fields=["recipients"])
    return ReminderResult(due.label, due.kind, Outcome.SENT, sent_to=sent, failed=failed)


def reminders_send(*, today: date, dry_run: bool = False) -> list[ReminderResult]:
    """Send every reminder due on ``today``; with ``dry_run`` only say what would be sent."""
    results = []
    for due in reminders_due(today=today):
        if dry_run:
            outcome = Outcome.WOULD_SEND if due.recipients else Outcome.NO_RECIPIENTS
            results.append(
                ReminderResult(
                    due.label, due.kind, outcome, sent_to=[u.email for u in due.recipients]
                )
            )
        else:
            results.append(reminder_send(due, today=today))
    return results
