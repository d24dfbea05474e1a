"""``clusterlabel webhooks``: register, list and deactivate endpoints; send what is due.

``clusterlabel webhooks add --operator eucles --url https://crm.example.org/hooks`` (or
``--programme go-cluster``; ``--events label.issued,label.revoked``, default all) prints the
new secret once. ``list`` shows every endpoint with its pending and given-up deliveries;
``deactivate ID`` stops one. ``deliver`` is the worker: it sends what is due, then waits for
more (``--once``: send what is due and stop, for a cron job). Runs as the installation (no
person), like the other commands; the changes are audited.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.core.commands import refused
from clusterlabel.organisations.models import Programme
from clusterlabel.schemes.models import Operator
from clusterlabel.webhooks.delivery import deliveries_send_due
from clusterlabel.webhooks.models import DeliveryState, Endpoint, EventChoice
from clusterlabel.webhooks.selectors import endpoint_counts
from clusterlabel.webhooks.services import endpoint_create, endpoint_deactivate

POLL_SECONDS = 5.0


class Command(BaseCommand):
    help = "Register, list and deactivate webhook endpoints; send the deliveries that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Register an endpoint and print its secret once.")
        owner = add.add_mutually_exclusive_group(required=True)
        owner.add_argument("--operator", metavar="KEY", help="An operator's key (e.g. eucles).")
        owner.add_argument("--programme", metavar="KEY", help="A programme's key.")
        add.add_argument("--url", required=True)
        add.add_argument(
            "--events",
            default=",".join(EventChoice.values),
            help=f"Comma-separated, from: {', '.join(EventChoice.values)} (default: all).",
        )
        add.add_argument("--description", default="")
        actions.add_parser("list", help="Every endpoint with its deliveries' counts.")
        deactivate = actions.add_parser("deactivate", help="Stop sending to an endpoint.")
        deactivate.add_argument("id", type=int)
        deliver = actions.add_parser("deliver", help="Send the deliveries that are due.")
        deliver.add_argument(
            "--once", action="store_true", help="Send what is due now and stop (for cron)."
        )
        deliver.add_argument(
            "--poll", type=float, default=POLL_SECONDS, help="Seconds to wait when nothing is due."
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        if action == "add":
            self._add(options)
        elif action == "list":
            self._list()
        elif action == "deactivate":
            endpoint = Endpoint.objects.filter(pk=int(str(options["id"]))).first()
            if endpoint is None:
                raise CommandError(f"No endpoint {options['id']}.")
            endpoint_deactivate(endpoint=endpoint, actor=None)
            self.stdout.write(f"{endpoint.pk}: deactivated")
        else:
            self._deliver(once=bool(options["once"]), poll=float(str(options["poll"])))

    def _add(self, options: dict[str, object]) -> None:
        owner: Operator | Programme | None
        if options["operator"]:
            owner = Operator.objects.filter(slug=options["operator"]).first()
        else:
            owner = Programme.objects.filter(slug=options["programme"]).first()
        if owner is None:
            raise CommandError(
                f"No operator or programme {options['operator'] or options['programme']!r}."
            )
        events = [kind.strip() for kind in str(options["events"]).split(",") if kind.strip()]
        try:
            new = endpoint_create(
                owner=owner,
                url=str(options["url"]),
                events=events,
                description=str(options["description"]),
                actor=None,
            )
        except ValidationError as error:
            raise refused(error) from error
        self.stdout.write(f"{new.endpoint.pk}: {new.endpoint.url} for {owner.name}")
        self.stdout.write(f"secret (shown only now): {new.secret}")

    def _list(self) -> None:
        for endpoint in endpoint_counts():
            state = "active" if endpoint.is_active else "deactivated"
            pending, failed = getattr(endpoint, "pending", 0), getattr(endpoint, "failed", 0)
            self.stdout.write(
                f"{endpoint.pk}\t{endpoint.owner}\t{endpoint.url}\t{state}\t"
                f"{','.join(endpoint.events)}\t{pending} pending\t{failed} given up"
            )

    def _deliver(self, *, once: bool, poll: float) -> None:
        while True:
            for outcome in deliveries_send_due():
                line = f"{outcome.delivery_id} {outcome.state}"
                if outcome.status_code is not None:
                    line += f" HTTP {outcome.status_code}"
                if outcome.error and outcome.state != DeliveryState.DELIVERED:
                    line += f" ({outcome.error})"
                self.stdout.write(line)
            if once:
                return
            time.sleep(poll)
