"""``clusterlabel createsuperuser``: Django's command, and then the superuser is known to the
policy too. Rights come from grants, so a superuser without the installation's administrator
grant would pass Django's own checks but no page of ours; this command gives every superuser
it created that grant (with the audit events of both steps).

It overrides ``django.contrib.auth``'s command because ``clusterlabel.access`` comes first in
``INSTALLED_APPS``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.utils import timezone

from clusterlabel.access.services import superuser_adopt
from clusterlabel.accounts.models import User


class Command(createsuperuser.Command):
    def handle(self, *args: object, **options: Any) -> None:
        started = timezone.now()
        super().handle(*args, **options)
        # Django's command does not say whom it created; it is the superuser that joined since
        # we started (interactive input can take a while, so no transaction is held open).
        for user in User.objects.filter(is_superuser=True, date_joined__gte=started):
            superuser_adopt(user=user, reason="createsuperuser")
