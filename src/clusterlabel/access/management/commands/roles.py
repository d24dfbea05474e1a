"""``clusterlabel roles grant|revoke|list``: grants from the command line.

The command line acts as the system (``actor=None``); the scope must still fit the role, and
every change is audited by ``clusterlabel.access.services``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils.translation import gettext as _

from clusterlabel.access.choices import GrantRole
from clusterlabel.access.management.commands.users import account_find, table
from clusterlabel.access.selectors import grant_find, grants_list, scope_choice_find
from clusterlabel.access.services import (
    AccessRefused,
    GrantInvalid,
    ScopeChoice,
    grant_create,
    grant_revoke,
)


def _scope_arguments(parser: CommandParser) -> None:
    parser.add_argument("username")
    parser.add_argument("role", help="One of: " + ", ".join(GrantRole.values) + ".")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--scheme", default="", help="A scheme ID, e.g. ecei-gold.")
    scope.add_argument("--operator", default="", help="An operator's key (slug).")
    scope.add_argument("--organisation", default=None, help="An organisation's ID.")
    scope.add_argument("--programme", default="", help="A programme's key (slug).")
    parser.add_argument("--reason", default="")


def _role(value: str) -> str:
    if value not in GrantRole.values:
        raise CommandError(
            _("Unknown role “%(role)s”. Roles: %(roles)s.")
            % {"role": value, "roles": ", ".join(GrantRole.values)}
        )
    return value


class Command(BaseCommand):
    help = "Grant or revoke a role for a scope, or list who holds which role."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        _scope_arguments(
            sub.add_parser(
                "grant",
                help="Grant a role: administrator for the installation (no scope option) or an "
                "operator; secretariat, assessor, board_member, authority for a scheme or an "
                "operator; cluster_manager for an organisation; programme for a programme.",
            )
        )
        _scope_arguments(sub.add_parser("revoke", help="Revoke a role held for a scope."))
        listing = sub.add_parser("list", help="List the grants, of everybody or of one person.")
        listing.add_argument("username", nargs="?")

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["username"])
            return
        user = account_find(options["username"])
        role = _role(options["role"])
        try:
            scope = scope_choice_find(
                scheme_id=options["scheme"],
                operator_slug=options["operator"],
                organisation_id=options["organisation"],
                programme_slug=options["programme"],
            )
            if options["action"] == "grant":
                grant = grant_create(
                    actor=None, user=user, role=role, scope=scope, reason=options["reason"]
                )
                self.stdout.write(_("Granted: %(grant)s") % {"grant": grant})
            else:
                self._revoke(user, role, scope, options["reason"])
        except (GrantInvalid, AccessRefused) as error:
            raise CommandError(str(error)) from error

    def _revoke(self, user: Any, role: str, scope: ScopeChoice, reason: str) -> None:
        grant = grant_find(user=user, role=role, scope=scope)
        if grant is None:
            raise CommandError(
                _("%(user)s does not hold the role %(role)s for this scope.")
                % {"user": user, "role": GrantRole(role).label}
            )
        label = str(grant)
        grant_revoke(actor=None, grant=grant, reason=reason)
        self.stdout.write(_("Revoked: %(grant)s") % {"grant": label})

    def _list(self, username: str | None) -> None:
        user = account_find(username) if username else None
        rows = [
            (grant.user.username, str(grant.get_role_display()), grant.scope_label)
            for grant in grants_list(user=user)
        ]
        if not rows:
            self.stdout.write(_("No grants."))
            return
        self.stdout.write(table([(_("user"), _("role"), _("scope")), *rows]))
