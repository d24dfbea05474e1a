"""``clusterlabel erase-person USER``: carry out a person's erasure (``privacy.services``).

Run by whoever administers the installation, as the installation (no person), like the other
commands. Refused, with the list of what stands in the way, while the person is needed on a
procedure under way. ``--check`` only lists that and writes nothing; ``--requests`` lists the
open erasure requests people made on ``/privacy/erasure/``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.accounts.models import User
from clusterlabel.privacy.models import ErasureRequest, ErasureStatus
from clusterlabel.privacy.selectors import erasure_blockers
from clusterlabel.privacy.services import ErasureRefused, person_erase


class Command(BaseCommand):
    help = (
        "Erase a person (username or e-mail address): deactivate and pseudonymise the account, "
        "revoke grants and tokens, end sessions; refused while they are needed on a procedure "
        "under way."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", metavar="USER", nargs="?", help="Username or e-mail address.")
        parser.add_argument(
            "--requests", action="store_true", help="List the open erasure requests."
        )
        parser.add_argument("--reason", default="", help="Why (recorded in the audit trail).")
        parser.add_argument(
            "--check", action="store_true", help="Only say whether the erasure can be done."
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        if options["requests"]:
            self._list_requests()
            return
        if not options["user"]:
            raise CommandError("Name the person (USER), or ask for --requests.")
        name = str(options["user"])
        user = (
            User.objects.filter(username=name).first()
            or User.objects.filter(email__iexact=name).first()
        )
        if user is None:
            raise CommandError(f"There is no account {name!r}.")
        if options["check"]:
            blockers = erasure_blockers(user=user)
            for blocker in blockers:
                self.stdout.write(f"blocked: {blocker.what}")
            if not blockers:
                self.stdout.write(f"Account #{user.pk} can be erased.")
            return
        try:
            erasure = person_erase(user=user, actor=None, reason=str(options["reason"]))
        except ErasureRefused as refused:
            lines = [f"Refused: account #{user.pk} cannot be erased now."]
            lines += [f"  - {blocker.what}" for blocker in refused.blockers]
            raise CommandError("\n".join(lines)) from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased account #{erasure.user.pk}: now {erasure.user.get_full_name()!r}; "
                f"{erasure.grants_revoked} grant(s) and {erasure.tokens_revoked} token(s) "
                f"revoked, {erasure.sessions_ended} session(s) ended, "
                f"{erasure.events_relabelled} audit event(s) relabelled."
            )
        )

    def _list_requests(self) -> None:
        requests = ErasureRequest.objects.filter(status=ErasureStatus.OPEN).select_related("user")
        for request in requests.order_by("requested_at"):
            blockers = erasure_blockers(user=request.user)
            state = f"blocked ({len(blockers)})" if blockers else "can be erased"
            self.stdout.write(
                f"{request.requested_at:%Y-%m-%d} account #{request.user.pk} "
                f"{request.user.username}: {state}"
            )
        if not requests.exists():
            self.stdout.write("No open erasure requests.")
