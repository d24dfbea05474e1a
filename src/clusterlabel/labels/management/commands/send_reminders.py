"""``clusterlabel send-reminders``: e-mail the holders of labels that are about to expire.

Meant for a daily cron job; running it twice sends nothing twice (see
``clusterlabel.labels.issuing.reminders`` for the rules).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone

from clusterlabel.labels.issuing.reminders import Outcome, reminder_offsets, reminders_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2026-03-31, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "E-mail the organisation's managers and the secretariat before a label expires (at the "
        "days in REMINDER_DAYS_BEFORE_EXPIRY) and after it has expired. Each reminder is sent "
        "once; run it daily."
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
            help="Only list the reminders that are due; send and record nothing.",
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
            self.stdout.write(style(result.line()))
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
            self.style.SUCCESS(f"{summary} on {today:%Y-%m-%d} (days before expiry: {days}).")
        )
