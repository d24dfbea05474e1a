"""``clusterlabel users create|deactivate|set-password|list``: accounts from the command line.

The command line acts as the system (``actor=None``): whoever runs it operates the
installation. Every change goes through ``clusterlabel.access.services`` and is audited.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.db import transaction
from django.utils.translation import gettext as _

from clusterlabel.access.choices import GrantRole
from clusterlabel.access.models import Grant
from clusterlabel.access.services import (
    user_create,
    user_deactivate,
    user_password_reset_by_staff,
)
from clusterlabel.accounts.choices import Language
from clusterlabel.accounts.invitations import invitation_send
from clusterlabel.accounts.models import User
from clusterlabel.core.countries import parse_country


def account_find(username: str) -> User:
    """The account ``username``, or a ``CommandError`` that says there is none."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("There is no account “%(username)s”.") % {"username": username})
    return user


def password_read(stdin: TextIO) -> str:
    """One line from standard input, without its line break."""
    password = stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError(_("No password on standard input."))
    return password


def one_line(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Create accounts (with an invitation e-mail), deactivate them, set passwords, list."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create",
            help="Create an account without any role. Without --password-stdin the person is "
            "sent an invitation e-mail with a link to set their password.",
        )
        create.add_argument("username")
        create.add_argument("--email", required=True)
        create.add_argument("--name", default="", help='First and last name: "Erika Muster".')
        create.add_argument(
            "--language",
            choices=Language.values,
            default=Language.GERMAN,
            help="The language of the e-mails the person receives (default: de).",
        )
        create.add_argument("--country", default="", help="ISO 3166-1 alpha-2 code, e.g. DE.")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input; no invitation.",
        )
        deactivate = sub.add_parser(
            "deactivate", help="Stop an account from signing in; its roles and history stay."
        )
        deactivate.add_argument("username")
        deactivate.add_argument("--reason", default="")
        password = sub.add_parser(
            "set-password", help="Set a person's password, read from standard input."
        )
        password.add_argument("username")
        password.add_argument("--password-stdin", action="store_true", required=True)
        sub.add_parser("list", help="List the accounts and their roles.")

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        action = options["action"]
        if action == "create":
            self._create(options, stdin)
        elif action == "deactivate":
            user = account_find(options["username"])
            if not user.is_active:
                raise CommandError(
                    _("The account “%(username)s” is deactivated already.")
                    % {"username": user.username}
                )
            user_deactivate(actor=None, user=user, reason=options["reason"])
            self.stdout.write(_("Deactivated %(user)s.") % {"user": user})
        elif action == "set-password":
            user = account_find(options["username"])
            try:
                user_password_reset_by_staff(actor=None, user=user, password=password_read(stdin))
            except ValidationError as error:
                raise CommandError(one_line(error)) from error
            self.stdout.write(_("Password set for %(user)s.") % {"user": user})
        else:
            self._list()

    def _create(self, options: dict[str, Any], stdin: TextIO) -> None:
        first_name, _space, last_name = options["name"].strip().partition(" ")
        # A name ("Deutschland", "Germany") or a code, stored as the ISO code; never cut short.
        typed = options["country"].strip()
        country = parse_country(typed) or "" if typed else ""
        if typed and not country:
            raise CommandError(
                _(
                    "“%(country)s” is not a country: write its name or its ISO 3166-1 code "
                    "(e.g. Germany, Deutschland or DE)."
                )
                % {"country": typed}
            )
        password = password_read(stdin) if options["password_stdin"] else None
        try:
            with transaction.atomic():
                user = user_create(
                    actor=None,
                    username=options["username"],
                    email=options["email"],
                    password=password,
                    first_name=first_name,
                    last_name=last_name.strip(),
                    preferred_language=options["language"],
                    country=country,
                )
                if password is None:
                    invitation_send(user=user)
        except ValidationError as error:
            raise CommandError(one_line(error)) from error
        if password is None:
            self.stdout.write(
                _("Created %(user)s; invitation sent to %(email)s.")
                % {"user": user, "email": user.email}
            )
        else:
            self.stdout.write(_("Created %(user)s.") % {"user": user})

    def _list(self) -> None:
        held: dict[int, set[str]] = {}
        for user_id, role in Grant.objects.values_list("user_id", "role"):
            held.setdefault(user_id, set()).add(role)
        rows = [
            (
                user.username,
                user.get_full_name(),
                user.email,
                _("active") if user.is_active else _("deactivated"),
                ", ".join(str(r.label) for r in GrantRole if r in held.get(user.pk, ())) or "-",
            )
            for user in User.objects.order_by("username")
        ]
        header = (_("username"), _("name"), _("e-mail"), _("status"), _("roles"))
        self.stdout.write(table([header, *rows]))


def table(rows: list[tuple[str, ...]]) -> str:
    """Rows as columns padded to their widest cell."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
