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
    "erase-person": "erase_person",
    "apply-retention": "apply_retention",
}


def _command_name(args: list[str]) -> list[str]:
    """``send-reminders ...`` -> ``send_reminders ...``; also after ``help``."""
    position = 1 if args[:1] == ["help"] else 0
    if len(args) > position and args[position] in COMMAND_ALIASES:
        args = [*args[:position], COMMAND_ALIASES[args[position]], *args[position + 1 :]]
    return args


# Exit status for a configuration the settings refuse (as for a usage error: the command did
# not start).
CONFIGURATION_ERROR = 2

HELP_WORDS = {"help", "-h", "--help"}


def _asks_for_help(args: list[str]) -> bool:
    """``clusterlabel``, ``clusterlabel help [COMMAND]``, ``clusterlabel COMMAND --help``."""
    return not args or args[0] in HELP_WORDS or "-h" in args or "--help" in args


def _configuration_error() -> str | None:
    """The settings' one sentence when they refuse the environment, else ``None``."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting imports the settings module
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> None:
    args = _command_name(list(sys.argv[1:] if argv is None else argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlabel.settings")
    if args[:1] == ["demo"]:
        # The demo is a local, single-user installation: development defaults unless the
        # operator says otherwise.
        os.environ.setdefault("DEBUG", "1")
    if args[:1] == ["verify"] or _asks_for_help(args):
        # A third party verifying a credential offline has no installation, and help reads no
        # data: neither uses a database, a session or signing, so any key lets the settings
        # load, and a person can read what to configure before configuring it.
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    problem = _configuration_error()
    if problem is not None:
        # One sentence saying what to set, not a traceback through the settings module.
        print(f"clusterlabel: {problem}", file=sys.stderr)
        raise SystemExit(CONFIGURATION_ERROR)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clusterlabel", *args])


if __name__ == "__main__":
    main()
