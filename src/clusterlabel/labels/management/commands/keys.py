"""``clusterlabel keys init|rotate|show [--issuer KEY]``: the issuers' signing keys.

Each awarding authority signs with its own keys (``--issuer`` and its key, e.g.
``--issuer european-secretariat-for-cluster-analysis-esca``, in
``CLUSTERLABEL_KEYS_DIR/issuers/<key>/``); without ``--issuer`` the command works on the
platform's own key (``CLUSTERLABEL_KEYS_DIR``), which signed the credentials issued before
per-authority issuers and still signs their status lists. ``init`` creates the key directory
with a first key unless there is one; ``rotate`` makes a new signing key and keeps the old one's
public half published, so credentials signed before still verify; ``show`` prints the published
JWKS (for an issuer with its URL kids). Each issuer's keys rotate on their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.credentials.keys import KeyFileError, KeyRing, rotate
from clusterlabel.labels.certificates import credentials


class Command(BaseCommand):
    help = "Manage the issuer's signing keys: init, rotate, show."
    requires_system_checks: list[str] = []  # files only, no database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        commands = [
            sub.add_parser("init", help="Create the key directory with a first key (if none)."),
            sub.add_parser(
                "rotate",
                help="Make a new signing key; the old one stays published (public half only).",
            ),
            sub.add_parser("show", help="Print the published JWKS (public keys only)."),
        ]
        for command in commands:
            command.add_argument(
                "--issuer",
                default="",
                help="The awarding authority's key; without it, the platform's own key.",
            )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        issuer = str(options["issuer"])
        if issuer and not re.fullmatch(r"[-a-zA-Z0-9_]+", issuer):
            raise CommandError(f"{issuer!r} is not an issuer key (letters, digits, - and _)")
        directory = (
            credentials.issuer_keys_dir(issuer) if issuer else Path(settings.CLUSTERLABEL_KEYS_DIR)
        )
        kid_base = credentials.kid_base_for(issuer) if issuer else ""
        try:
            if options["action"] == "init":
                if issuer:
                    created = not (directory / "active.pem").exists()
                    ring = credentials.issuer_keyring_for(issuer)
                else:
                    created = credentials.ensure_keys()
                    ring = credentials.keyring()
                state = "Created" if created else "Kept the existing"
                self.stdout.write(f"{state} key directory {directory}.")
                self.stdout.write(f"Signing key: {ring.active.kid}")
            elif options["action"] == "rotate":
                ring = rotate(directory).with_kid_base(kid_base)
                self.stdout.write(f"New signing key: {ring.active.kid}")
                for key in ring.retired:
                    self.stdout.write(f"Still published (verifies only): {key.kid}")
            else:
                ring = (
                    KeyRing.from_directory(directory).with_kid_base(kid_base)
                    if issuer
                    else credentials.keyring()
                )
                self.stdout.write(json.dumps(ring.public_jwks(), indent=2))
        except KeyFileError as exc:
            raise CommandError(f"{exc} (run `clusterlabel keys init` first?)") from exc
