"""The ``clusterlabel`` command.

``clusterlabel demo`` sets up and serves the demo; every other subcommand is a Django
management command (``clusterlabel migrate``, ``clusterlabel schemes check FILE``, ...).
"""

from __future__ import annotations

import os
import secrets
import sys

# Command names with a dash; a Python module (the Django command) cannot have one.
COMMAND_ALIASES = {
    "send-reminders": "send_reminders",
    "import-labels": "import_labels",
    "import-assessments": "import_assessments",
    "generate-pool": "generate_pool",
    "backfill-pool": "backfill_pool",
}


def _command_name(args: list[str]) -> list[str]:
    """``send-reminders ...`` -> ``send_reminders ...``; also after ``help``."""
    position = 1 if args[:1] == ["help"] else 0
    if len(args) > position and args[position] in COMMAND_ALIASES:
        args = [*args[:position], COMMAND_ALIASES[args[position]], *args[position + 1 :]]
    return args


def main(argv: list[str] | None = None) -> None:
    args = _command_name(list(sys.argv[1:] if argv is None else argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlabel.settings")
    if args[:1] == ["demo"]:
        # The demo is a local, single-user installation: development defaults unless the
        # operator says otherwise.
        os.environ.setdefault("DEBUG", "1")
    if args[:1] == ["verify"]:
        # A third party verifying a credential offline has no installation: the command uses no
        # database, no session and no signing, so any key lets the settings load.
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clusterlabel", *args])


if __name__ == "__main__":
    main()
