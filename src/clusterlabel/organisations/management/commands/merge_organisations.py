"""``clusterlabel merge-organisations KEEP MERGE``: merge two organisations (by id) into one.

Shows both organisations, then moves every label, procedure, reference assessment, grant,
funding share, programme membership and claim of MERGE onto KEEP, deletes MERGE and records one
audit event (``clusterlabel.organisations.merging``). ``--dry-run`` shows what would move and
writes nothing. Runs as the installation (no person), like the other commands.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.db import transaction

from clusterlabel.organisations.merging import Merge, organisation_merge
from clusterlabel.organisations.models import Organisation


class _DryRun(Exception):
    def __init__(self, merging: Merge) -> None:
        self.merging = merging


class Command(BaseCommand):
    help = (
        "Merge organisation MERGE into organisation KEEP (ids): its labels, procedures, "
        "assessments, grants and the rest move to KEEP, MERGE is deleted, one audit event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keep", type=int, metavar="KEEP", help="Id of the one kept.")
        parser.add_argument("merge", type=int, metavar="MERGE", help="Id of the one merged.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would move; write nothing."
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        out = self.stdout.write
        found = Organisation.objects.in_bulk([options["keep"], options["merge"]])
        for role in ("keep", "merge"):
            pk = options[role]
            if pk not in found:
                raise CommandError(f"There is no organisation #{pk}.")
            organisation = found[pk]
            out(
                f"{role:5} #{pk} {organisation.cluster_name} ({organisation.legal_name}, "
                f"{organisation.country})"
            )
        keep, merge = found[options["keep"]], found[options["merge"]]
        try:
            with transaction.atomic():
                merging = organisation_merge(keep=keep, merge=merge, actor=None)
                if options["dry_run"]:
                    raise _DryRun(merging)
        except _DryRun as dry:
            merging = dry.merging
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "would move" if options["dry_run"] else "moved"
        moved = ", ".join(f"{n} {kind}" for kind, n in sorted(merging.moved.items()) if n)
        out(f"{verb}: {moved or 'nothing'}")
        dropped = ", ".join(f"{n} {kind}" for kind, n in sorted(merging.dropped.items()) if n)
        if dropped:
            verb = "to drop" if options["dry_run"] else "dropped"
            out(f"duplicates of #{keep.pk}'s rows {verb}: {dropped}")
        if options["dry_run"]:
            out("Dry run: nothing was written.")
        else:
            out(self.style.SUCCESS(f"#{merge.pk} merged into #{keep.pk}."))
