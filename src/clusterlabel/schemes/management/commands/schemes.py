"""``clusterlabel schemes check|load|list``: validate and load scheme files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.domain.schemes import load_scheme_file
from clusterlabel.schemes.selectors import scheme_versions_current
from clusterlabel.schemes.services import (
    SHIPPED_DIR,
    SchemeVersionConflict,
    scheme_files,
    scheme_version_load,
)


class Command(BaseCommand):
    help = "Check scheme files, load them as scheme versions, or list the loaded ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Validate scheme files; list every problem.")
        check.add_argument("files", nargs="+", type=Path)
        load = sub.add_parser(
            "load",
            help="Load scheme files (default: the shipped ones and CLUSTERLABEL_SCHEMES_DIR). "
            "All or nothing.",
        )
        load.add_argument("paths", nargs="*", type=Path)
        load.add_argument(
            "--keep-current",
            action="store_true",
            help="Do not make newly loaded versions the current ones.",
        )
        sub.add_parser("list", help="List the current scheme versions.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            self._check(options["files"])
        elif action == "load":
            self._load(options["paths"], make_current=not options["keep_current"])
        else:
            for version in scheme_versions_current():
                scheme = version.scheme
                self.stdout.write(
                    f"{version.scheme_id:<24} {version.version:<10} "
                    f"{len(scheme.indicators):>3} indicators  {scheme.name.en}"
                )

    def _check(self, files: list[Path]) -> None:
        failed = 0
        for path in files:
            try:
                scheme = load_scheme_file(path)
            except SchemeFileError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: {len(exc.errors)} problem(s)"))
                for problem in exc.errors:
                    self.stderr.write(f"  {problem}")
                continue
            except OSError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: cannot be read: {exc.strerror}"))
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path}: ok ({scheme.id} {scheme.version}, {len(scheme.indicators)} "
                    f"indicators in {len(scheme.categories)} categories)"
                )
            )
        if failed:
            raise CommandError(f"{failed} of {len(files)} scheme file(s) refused.")

    def _load(self, paths: list[Path], *, make_current: bool) -> None:
        if not paths:
            paths = [SHIPPED_DIR]
            if settings.SCHEMES_DIR.is_dir():
                paths.append(settings.SCHEMES_DIR)
        files: list[Path] = []
        for path in paths:
            files.extend(scheme_files(path) if path.is_dir() else [path])
        try:
            with transaction.atomic():
                results = [
                    scheme_version_load(
                        text=path.read_text(encoding="utf-8"),
                        source_name=path.name,
                        make_current=make_current,
                    )
                    for path in files
                ]
        except SchemeFileError as exc:
            raise CommandError(f"Nothing was loaded.\n{exc}") from exc
        except SchemeVersionConflict as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for result in results:
            state = "loaded" if result.created else "unchanged"
            self.stdout.write(f"{result.scheme_version}: {state}")
