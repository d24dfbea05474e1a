"""``clusterlabel programmes``: list the programmes, or create one and set its rule.

``clusterlabel programmes list`` shows each programme with its members and rule;
``clusterlabel programmes set go-cluster --name go-cluster --owner "BMWE" --rule
'{"any_of": [{"label": "ecei-gold"}, {"label": "ecei-silver"}, {"procedure": "ecei-silver"}]}'``
creates or changes one (``--rule '{}'`` removes the rule). Runs as the installation (no
person), like the other commands; the change is audited (``programme.create`` / ``.update``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.db.models import Count

from clusterlabel.core.commands import refused
from clusterlabel.organisations.models import Programme
from clusterlabel.organisations.services import programme_save


class Command(BaseCommand):
    help = "List the programmes, or create one and set its name, owner and rule for members."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Each programme with its members and rule.")
        change = actions.add_parser("set", help="Create a programme or change it.")
        change.add_argument("slug", metavar="KEY", help="The programme's key, e.g. go-cluster.")
        change.add_argument("--name")
        change.add_argument("--owner")
        change.add_argument(
            "--rule",
            metavar="JSON",
            help='What members must hold: {"any_of": [{"label": SCHEME}, {"procedure": SCHEME}]}.',
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "list":
            listed = Programme.objects.annotate(members=Count("organisation")).order_by("slug")
            for row in listed:
                text = json.dumps(row.rule, ensure_ascii=False) if row.rule else "-"
                self.stdout.write(f"{row.slug}\t{row.name}\t{row.members} members\t{text}")
            return
        rule: dict[str, Any] | None = None
        if options["rule"] is not None:
            try:
                rule = json.loads(str(options["rule"]))
            except json.JSONDecodeError as error:
                raise CommandError(f"--rule is not JSON: {error}") from error
            if not isinstance(rule, dict):
                raise CommandError('--rule must be a JSON object such as {"any_of": [...]}.')
        try:
            programme = programme_save(
                slug=str(options["slug"]),
                name=options["name"],  # type: ignore[arg-type]
                owner=options["owner"],  # type: ignore[arg-type]
                rule=rule,
            )
        except ValidationError as error:
            raise refused(error) from error
        self.stdout.write(f"{programme.slug}: saved")
