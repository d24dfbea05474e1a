"""``clusterlabel verify FILE --jwks JWKS.json [--status-list FILE ...] [--now ISO]``.

Checks a downloaded label credential offline: against the issuer's published keys (the JWKS
saved from ``/.well-known/jwks.json``) and, when given, the signed status lists saved from
``/status/revocation/`` and ``/status/suspension/``. Prints five lines (signature, key, dates,
status, verdict) and exits with the verdict's code (0 valid, 1 signature invalid, 2 unknown key,
3 expired, 4 not yet valid, 5 revoked, 6 suspended, 7 malformed, 8 status not checked, 9 status
list unusable, 10 unreadable input; see ``clusterlabel.credentials.vcjwt.Verdict``). A usage
error exits 64 (``EX_USAGE``), so it is never mistaken for a verdict.

It needs neither a database nor a network connection.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.credentials.cli import verify_file

EXIT_USAGE = 64


class _UsageErrorParser(CommandParser):
    """A parser whose errors exit 64 instead of argparse's 2 (which is "unknown key")."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")
        raise CommandError(f"Error: {message}", returncode=EXIT_USAGE)


def moment(value: str) -> datetime:
    """An ISO 8601 date or date-time; without a time zone it is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date-time: {value!r} (e.g. 2026-03-31T12:00:00Z)"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Verify a label credential (VC-JWT) offline against the issuer's JWKS and, optionally, "
        "the signed status lists. Exit status: the verdict (0 = valid); 64 = usage error."
    )
    requires_system_checks: list[str] = []  # offline, no database

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _UsageErrorParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The credential (a .jwt file).")
        parser.add_argument(
            "--jwks",
            required=True,
            metavar="JWKS.json",
            help="The issuer's public keys, saved from /.well-known/jwks.json.",
        )
        parser.add_argument(
            "--status-list",
            action="append",
            default=[],
            metavar="FILE",
            dest="status_lists",
            help="A signed status list saved from /status/revocation/ or /status/suspension/ "
            "(repeat for both); URL=FILE for a raw list. Without them the status is not "
            "checked (exit 8).",
        )
        parser.add_argument(
            "--now",
            type=moment,
            metavar="ISO",
            help="Check as of this moment (default: now); without a zone it is UTC.",
        )

    # The verdict lines are the same in every language, like the verifier's exit codes.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        now = options["now"] or datetime.now(UTC)
        assert isinstance(now, datetime)
        code, lines = verify_file(
            str(options["file"]),
            str(options["jwks"]),
            [str(item) for item in options["status_lists"]],  # type: ignore[attr-defined]
            now=now,
        )
        for line in lines:
            self.stdout.write(line)
        if code:
            raise SystemExit(code)
