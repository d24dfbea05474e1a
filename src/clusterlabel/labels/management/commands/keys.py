"""``clusterlabel keys init|rotate|show``: the issuer's signing keys.

``init`` creates the key directory (``CLUSTERLABEL_KEYS_DIR``) with a first key unless there
is one; ``rotate`` makes a new signing key and keeps the old one's public half published, so
credentials signed before still verify; ``show`` prints the published JWKS.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.credentials.keys import KeyFileError, rotate
from clusterlabel.labels.certificates import credentials


class Command(BaseCommand):
    help = "Manage the issuer's signing keys: init, rotate, show."
    requires_system_checks: list[str] = []  # files only, no database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="Create the key directory with a first key (if none).")
        sub.add_parser(
            "rotate",
            help="Make a new signing key; the old one stays published (public half only).",
        )
        sub.add_parser("show", help="Print the published JWKS (public keys only).")

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        directory = settings.CLUSTERLABEL_KEYS_DIR
        try:
            if options["action"] == "init":
                created = credentials.ensure_keys()
                ring = credentials.keyring()
                state = "Created" if created else "Kept the existing"
                self.stdout.write(f"{state} key directory {directory}.")
                self.stdout.write(f"Signing key: {ring.active.kid}")
            elif options["action"] == "rotate":
                ring = rotate(directory)
                self.stdout.write(f"New signing key: {ring.active.kid}")
                for key in ring.retired:
                    self.stdout.write(f"Still published (verifies only): {key.kid}")
            else:
                jwks = credentials.keyring().public_jwks()
                self.stdout.write(json.dumps(jwks, indent=2))
        except KeyFileError as exc:
            raise CommandError(f"{exc} (run `clusterlabel keys init` first?)") from exc
