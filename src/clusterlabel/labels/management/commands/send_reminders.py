"""``clusterlabel send-reminders``: e-mail the holders of labels that are about to expire, and
whoever must act on a procedure step whose deadline is near or past.

Meant for a daily cron job; running it twice sends nothing twice (see
``clusterlabel.labels.issuing.reminders`` and ``clusterlabel.procedures.deadline_reminders``
for the rules). Each output line starts with ``[expiry]`` or ``[deadline]``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone

from clusterlabel.core.daily import DailyRun, daily_jobs
from clusterlabel.labels.issuing.reminders import reminder_offsets, reminders_send
from clusterlabel.procedures import deadline_reminders


class _Result(Protocol):
    """A reminder's result as the command writes it (expiry and deadline reminders)."""

    @property
    def outcome(self) -> str: ...

    def line(self) -> str: ...


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
        days = ", ".join(str(d) for d in reminder_offsets()) or "none"
        self._report(
            "expiry",
            "reminders",
            reminders_send(today=today, dry_run=dry_run),
            today=today,
            dry_run=dry_run,
            offsets=f"days before expiry: {days}",
        )
        self._deadline_reminders(today, dry_run)
        # The apps above labels add theirs (the overdue-invoice reminders): core.daily.
        daily_jobs.run(DailyRun(today=today, dry_run=dry_run, write=self.stdout.write))

    def _deadline_reminders(self, today: date, dry_run: bool) -> None:
        """Reminders of procedure steps' deadlines, and their summary line."""
        days = ", ".join(str(d) for d in deadline_reminders.deadline_reminder_offsets()) or "none"
        self._report(
            "deadline",
            "deadline reminders",
            deadline_reminders.deadline_reminders_send(today=today, dry_run=dry_run),
            today=today,
            dry_run=dry_run,
            offsets=f"days before the due date: {days}",
        )

    def _report(
        self,
        tag: str,
        noun: str,
        results: Sequence[_Result],
        *,
        today: date,
        dry_run: bool,
        offsets: str,
    ) -> None:
        """One line per reminder and a summary, each starting with ``[tag]``."""
        counts = Counter(str(result.outcome) for result in results)
        for result in results:
            style = self.style.ERROR if result.outcome == "failed" else (lambda s: s)
            self.stdout.write(style(f"[{tag}] {result.line()}"))
        if dry_run:
            summary = f"{counts['would send']} {noun} would be sent"
        else:
            summary = f"{counts['sent']} {noun} sent"
        details = [
            f"{counts[outcome]} {outcome}"
            for outcome in ("failed", "already sent", "no recipients")
            if counts[outcome]
        ]
        if details:
            summary += f" ({', '.join(details)})"
        self.stdout.write(self.style.SUCCESS(f"[{tag}] {summary} on {today:%Y-%m-%d} ({offsets})."))
