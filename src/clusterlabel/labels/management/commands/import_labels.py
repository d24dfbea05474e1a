"""``clusterlabel import-labels FILE.csv``: import existing label holders from a list.

All or nothing: every row is checked first; any bad row (named with its line and the reason)
means nothing is written and the exit status is 1. Importing the same file again changes
nothing. See ``clusterlabel.labels.issuing.importing`` for what the list may look like.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.labels.issuing.import_result import RowProblem
from clusterlabel.labels.issuing.importing import (
    DEFAULT_TOLERANCE_DAYS,
    ImportResult,
    labels_import,
)

DELIMITERS = {";": ";", ",": ",", "|": "|", "tab": "\t", "\\t": "\t", "\t": "\t"}


class Command(BaseCommand):
    help = (
        "Import existing label holders from a CSV list as operators export it (columns named "
        "in German, English, French or Spanish: organisation or Name, Land/Country, "
        "Bundesland/Region/State, Branche/Sector, Label, Stufe/Level, Gültig bis/Label valid "
        "until; optionally Gültig ab/Valid from, Verliehen am/Awarded, Art/Event/Type, "
        "Zertifikatsnummer/Certificate number, Website/www). UTF-8, UTF-16 or Windows-1252; "
        "title rows and Excel's sep= line are skipped. Either every row is imported or none; "
        "each bad row is listed with its line, the column and what would be accepted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", help="The list; - reads standard input.")
        parser.add_argument(
            "--label",
            metavar="NAME",
            help=(
                "The label of every row without a label cell, for a list without a label "
                "column (ESCA's Bronze export): a name such as 'ECEI Bronze', 'CE-BW' or "
                "'EUCLES Gold'."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would be imported; write nothing.",
        )
        parser.add_argument(
            "--tolerance-days",
            type=int,
            default=DEFAULT_TOLERANCE_DAYS,
            metavar="DAYS",
            help=(
                "A row whose end is at most DAYS off a stored label of the same organisation "
                f"and level corrects that label (default {DEFAULT_TOLERANCE_DAYS}; 0: never)."
            ),
        )
        parser.add_argument(
            "--encoding",
            help="The file's encoding (default: UTF-8, else Windows-1252).",
        )
        parser.add_argument(
            "--delimiter",
            choices=sorted(DELIMITERS),
            help="The column separator (default: guessed from the header line).",
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        name = str(options["file"])
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}") from exc
        delimiter = DELIMITERS.get(str(options["delimiter"])) if options["delimiter"] else None
        result = labels_import(
            data=data,
            actor=None,
            file_name=Path(name).name if name != "-" else "stdin",
            encoding=str(options["encoding"]) if options["encoding"] else None,
            delimiter=delimiter,
            label=str(options["label"]) if options.get("label") else None,
            dry_run=bool(options["dry_run"]),
            tolerance_days=max(0, int(str(options["tolerance_days"]))),
            # A bar per phase (check, write) on a terminal; none in a log or a pipe.
            progress=self._progress if self.stderr.isatty() else None,
        )
        self._report(result, verbose=int(str(options.get("verbosity", 1))) >= 2)
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} problems; nothing was imported. Correct the lines above "
                "and run the import again."
            )

    def _progress(self, phase: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        end = "\n" if done == total else ""
        self.stderr.write(
            f"\r{phase:5} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=end
        )
        self.stderr.flush()

    @staticmethod
    def _where(result: ImportResult, problem: RowProblem) -> str:
        if not problem.line:
            return result.file_name or "file"
        if problem.column:
            return f"line {problem.line}, column “{problem.column}”"
        return f"line {problem.line}"

    def _report(self, result: ImportResult, *, verbose: bool) -> None:
        out = self.stdout.write
        delimiter = "tab" if result.delimiter == "\t" else result.delimiter
        if result.encoding:
            out(
                f"Read {result.rows} rows from {result.file_name} "
                f"(encoding {result.encoding}, delimiter {delimiter!r})."
            )
        for note in result.notes:
            out(f"Note: {note}")
        for problem in result.warnings:
            out(self.style.WARNING(f"{self._where(result, problem)}: warning: {problem.message}"))
        for problem in result.errors:
            out(self.style.ERROR(f"{self._where(result, problem)}: {problem.message}"))
        if result.errors:
            return
        out(
            f"Organisations: {len(result.matched)} matched, "
            f"{len(result.new_organisations)} {'to create' if result.dry_run else 'created'}."
        )
        for match in result.matched:
            names = ", ".join(f"“{name}”" for name in match.names)
            out(f"  matched {names} -> {match.organisation} (#{match.organisation_id})")
        for new in result.new_organisations:
            lines = ", ".join(str(line) for line in new.lines)
            out(f"  new {new.cluster_name} ({new.country}), lines {lines}")
            for similar in new.similar:
                out(
                    f"    resembles #{similar.organisation_id} {similar.organisation} "
                    f"(similarity {similar.score}): if it is the same, put "
                    f"{similar.organisation_id} in the column 'Organisation ID'"
                )
        for line, first in result.duplicates:
            out(f"line {line}: duplicate of line {first}, imported once")
        # The chains, corrections and recognitions are what an operator checks in a dry run.
        for item in result.created:
            if item.renews_line or item.renews:
                renewed = f"line {item.renews_line}" if item.renews_line else item.renews
                out(
                    f"line {item.line}: renews {renewed}, seamless: "
                    f"{item.valid_from:%Y-%m-%d}..{item.valid_until:%Y-%m-%d}"
                )
        for update in result.updated:
            out(
                f"line {update.line}: corrects {update.certificate_number} "
                f"{update.valid_from_before:%Y-%m-%d}..{update.valid_until_before:%Y-%m-%d} "
                f"-> {update.valid_from:%Y-%m-%d}..{update.valid_until:%Y-%m-%d}"
            )
        for item in result.recognised:
            number = f" {item.certificate_number}" if item.certificate_number else ""
            out(
                f"line {item.line}: brings{number} {item.scheme_id} {item.level_id} "
                f"{item.valid_from:%Y-%m-%d}..{item.valid_until:%Y-%m-%d} (recognised)"
            )
        if verbose:
            for item in result.created:
                renews = f", renews {item.renews}" if item.renews else ""
                out(
                    f"line {item.line}: {item.certificate_number or '(new number)'} "
                    f"{item.organisation} {item.scheme_id} {item.level_id} "
                    f"{item.valid_from:%Y-%m-%d}..{item.valid_until:%Y-%m-%d}{renews}"
                )
            for item in result.unchanged:
                out(f"line {item.line}: {item.certificate_number} unchanged")
        verb = "would be imported" if result.dry_run else "imported"
        summary = (
            f"Labels: {len(result.created)} {verb}, {len(result.unchanged)} unchanged, "
            f"{len(result.duplicates)} duplicates, {len(result.updated)} corrected, "
            f"{len(result.recognised)} recognised."
        )
        out(self.style.SUCCESS(summary))
        if result.dry_run:
            out("Dry run: nothing was written.")
