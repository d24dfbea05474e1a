"""``clusterlabel send-reminders``: e-mail the holders of labels that are about to expire, and
whoever must act on a procedure step whose deadline is near or past.

Meant for a daily cron job; running it twice sends nothing twice (see
``clusterlabel.labels.issuing.reminders`` and ``clusterlabel.procedures.deadline_reminders``
for the rules). Each output line starts with ``[expiry]`` or ``[deadline]``.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone

from clusterlabel.labels.issuing.reminders import Outcome, reminder_offsets, reminders_send
from clusterlabel.procedures import deadline_reminders


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2026-03-31, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "E-mail the organisation's managers and the secretariat before a label expires (at the "
        "days in REMINDER_DAYS_BEFORE_EXPIRY) and after it has expired; remind whoever must act "
        "on a procedure step of its deadline (at the days in DEADLINE_REMINDER_DAYS). Each "
        "reminder is sent once; run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Act as if today were this day (default: today in TIME_ZONE).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list the reminders that are due (both kinds); send and record nothing.",
        )

    # Operators read (and grep) this output: always in English. The e-mails themselves are in
    # each recipient's language.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        today = _day(str(options["today"])) if options["today"] else timezone.localdate()
        dry_run = bool(options["dry_run"])
        results = reminders_send(today=today, dry_run=dry_run)
        for result in results:
            style = self.style.ERROR if result.outcome is Outcome.FAILED else (lambda s: s)
            self.stdout.write(style(f"[expiry] {result.line()}"))
        counts = {outcome: 0 for outcome in Outcome}
        for result in results:
            counts[result.outcome] += 1
        days = ", ".join(str(d) for d in reminder_offsets()) or "none"
        if dry_run:
            summary = f"{counts[Outcome.WOULD_SEND]} reminders would be sent"
        else:
            summary = f"{counts[Outcome.SENT]} reminders sent"
        details = [
            f"{counts[outcome]} {outcome.value}"
            for outcome in (Outcome.FAILED, Outcome.ALREADY_SENT, Outcome.NO_RECIPIENTS)
            if counts[outcome]
        ]
        if details:
            summary += f" ({', '.join(details)})"
        self.stdout.write(
            self.style.SUCCESS(
                f"[expiry] {summary} on {today:%Y-%m-%d} (days before expiry: {days})."
            )
        )
        self._deadline_reminders(today, dry_run)

    def _deadline_reminders(self, today: date, dry_run: bool) -> None:
        """Reminders of procedure steps' deadlines, and their summary line."""
        Deadline = deadline_reminders.Outcome
        results = deadline_reminders.deadline_reminders_send(today=today, dry_run=dry_run)
        for result in results:
            style = self.style.ERROR if result.outcome is Deadline.FAILED else (lambda s: s)
            self.stdout.write(style(f"[deadline] {result.line()}"))
        counts = {outcome: 0 for outcome in Deadline}
        for result in results:
            counts[result.outcome] += 1
        if dry_run:
            summary = f"{counts[Deadline.WOULD_SEND]} deadline reminders would be sent"
        else:
            summary = f"{counts[Deadline.SENT]} deadline reminders sent"
        details = [
            f"{counts[outcome]} {outcome.value}"
            for outcome in (Deadline.FAILED, Deadline.ALREADY_SENT, Deadline.NO_RECIPIENTS)
            if counts[outcome]
        ]
        if details:
            summary += f" ({', '.join(details)})"
        days = ", ".join(str(d) for d in deadline_reminders.deadline_reminder_offsets()) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"[deadline] {summary} on {today:%Y-%m-%d} (days before the due date: {days})."
            )
        )
