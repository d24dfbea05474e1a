"""``clusterlabel audit verify``: check the audit trail's hash chain."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone

from clusterlabel.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="Recompute every event's hash and check the chain; name the first broken "
            "event. Exit status 1 when the trail is broken.",
        )
        verify.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Events read per database round trip (default: 2000).",
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        batch_size = options["batch_size"]
        if not isinstance(batch_size, int) or batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = verify_chain(batch_size=batch_size)
        if not report.ok:
            event = report.first_broken
            assert event is not None
            when = timezone.localtime(event.occurred_at).isoformat(timespec="seconds")
            target = f"{event.target_type} {event.target_id}".strip() or "no target"
            raise CommandError(
                f"Audit trail BROKEN at event #{event.sequence} "
                f"({when}, {event.action}, {target}): {report.problem}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {report.events_checked} events checked.")
        )
        if report.last is not None:
            self.stdout.write(
                f"Last event: #{report.last.sequence}, hash {report.last.hash}. Keep this line "
                "elsewhere: a later run that ends earlier or differently means events were "
                "removed from the end."
            )
