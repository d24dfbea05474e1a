"""``clusterlabel apply-retention [--dry-run]``: delete evidence files past their scheme's
retention period (``privacy.retention``). Idempotent; run daily from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser, no_translations

from clusterlabel.privacy.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Delete the evidence files of procedures decided longer ago than their scheme's "
        "retention: evidence_months_after_decision (audited; --dry-run lists them only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; delete nothing."
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        report = retention_apply(dry_run=bool(options["dry_run"]))
        for item in report.due:
            self.stdout.write(
                f"procedure #{item.procedure.pk} ({item.procedure.organisation}), decided "
                f"{item.procedure.decided_at:%Y-%m-%d}: {item.files} evidence file(s), "
                f"kept {item.months} months"
            )
        if report.dry_run:
            self.stdout.write(f"Dry run: {len(report.due)} procedure(s) due, nothing deleted.")
        else:
            self.stdout.write(
                f"Deleted {report.files_deleted} evidence file(s) of {len(report.due)} "
                "procedure(s)."
            )
