"""``clusterlabel import-assessments FILE.csv``: import historical assessments into the pool.

All or nothing: every row is checked first; any bad row (named with its line, column and the
reason, on standard error) means nothing is written and the exit status is 1. Importing the
same file again changes nothing. The format is described in ``docs/assessment-import.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterlabel.benchmarks.importing import AssessmentImportResult, assessments_import


class Command(BaseCommand):
    help = (
        "Import historical assessments (one row per assessment: organisation, country, sector, "
        "founding year, members, scheme, date, one column per indicator id) into the "
        "benchmarking pool. Either every row is imported or none; bad rows are listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", help="The list; - reads standard input.")
        parser.add_argument(
            "--scheme",
            metavar="ID",
            help="The scheme of every row (e.g. ecei-bronze); the scheme column may then be left "
            "out.",
        )
        parser.add_argument(
            "--encoding", help="The file's encoding (default: UTF-8, else Windows-1252)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would be imported; write nothing.",
        )

    def handle(self, *args: object, **options: object) -> None:
        name = str(options["file"])
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": name, "reason": exc.strerror}
            ) from exc
        result = assessments_import(
            data=data,
            actor=None,
            source_name=Path(name).name if name != "-" else "stdin",
            encoding=str(options["encoding"]) if options["encoding"] else None,
            scheme_id=str(options["scheme"]) if options["scheme"] else None,
            dry_run=bool(options["dry_run"]),
        )
        self._report(result, verbose=int(str(options.get("verbosity", 1))) >= 2)
        if result.errors:
            raise CommandError(
                ngettext(
                    "%(count)s problem; nothing was imported.",
                    "%(count)s problems; nothing was imported.",
                    len(result.errors),
                )
                % {"count": len(result.errors)}
            )

    def _report(self, result: AssessmentImportResult, *, verbose: bool) -> None:
        out = self.stdout.write
        if result.encoding:
            delimiter = "tab" if result.delimiter == "\t" else result.delimiter
            out(
                _("Read %(rows)s rows from %(file)s (encoding %(encoding)s, delimiter “%(d)s”).")
                % {
                    "rows": result.rows,
                    "file": result.source_name,
                    "encoding": result.encoding,
                    "d": delimiter,
                }
            )
        for problem in result.warnings:
            out(self.style.WARNING(_("warning: %(problem)s") % {"problem": problem}))
        for problem in result.errors:
            self.stderr.write(str(problem))
        if result.errors or result.outcome is None:
            return
        if verbose:
            for plan in result.assessments:
                entry = plan.entry
                who = f"#{entry.organisation.pk}" if entry.organisation else entry.external_key
                out(
                    f"line {plan.line}: {entry.name} ({who}) {entry.scheme_version.scheme_id} "
                    f"{entry.assessed_on:%Y-%m-%d}"
                )
        outcome = result.outcome
        matched = sum(1 for plan in result.assessments if plan.entry.organisation is not None)
        counts = {
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "kept": outcome.kept_own,
            "matched": matched,
            "outside": len(result.assessments) - matched,
            "warnings": len(result.warnings),
        }
        if result.dry_run:
            summary = _(
                "Assessments: %(created)s would be created, %(updated)s updated, %(unchanged)s "
                "unchanged, %(kept)s kept (assessed in this system)."
            )
        else:
            summary = _(
                "Assessments: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(kept)s kept (assessed in this system)."
            )
        out(
            _("Organisations: %(matched)s rows of ours, %(outside)s rows of outside ones.") % counts
        )
        out(self.style.SUCCESS(summary % counts))
        out(_("Warnings: %(warnings)s.") % counts)
        if result.dry_run:
            out(_("Dry run: nothing was written."))
