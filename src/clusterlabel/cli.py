"""The ``clusterlabel`` command.

``clusterlabel demo`` sets up and serves the demo; every other subcommand is a Django
management command (``clusterlabel migrate``, ``clusterlabel schemes check FILE``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlabel.settings")
    if args[:1] == ["demo"]:
        # The demo is a local, single-user installation: development defaults unless the
        # operator says otherwise.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clusterlabel", *args])


if __name__ == "__main__":
    main()
