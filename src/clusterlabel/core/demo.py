"""The demo installation: shipped schemes and one account per role.

Idempotent: running it again creates nothing twice and changes nothing a user changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.accounts.services import user_create
from clusterlabel.core.demo_data import demo_procedures_load
from clusterlabel.labels.credentials import ensure_keys
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

DEMO_PASSWORD = "clusterlabel-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    email: str
    language: str = "de"
    country: str = "DE"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("manager", Role.CLUSTER_MANAGER, "Janina", "Berger", "manager@example.org"),
    DemoAccount("secretariat", Role.SECRETARIAT, "Stefan", "Kramer", "secretariat@example.org"),
    DemoAccount("assessor", Role.ASSESSOR, "Helga", "Winter", "assessor@example.org"),
    DemoAccount(
        "assessor2", Role.ASSESSOR, "Pieter", "de Vries", "assessor2@example.org", "en", "NL"
    ),
    DemoAccount("board", Role.BOARD_MEMBER, "Ulrike", "Hahn", "board@example.org"),
    DemoAccount("board2", Role.BOARD_MEMBER, "Thomas", "Brandt", "board2@example.org"),
    DemoAccount("board3", Role.BOARD_MEMBER, "Selin", "Yilmaz", "board3@example.org"),
    DemoAccount("authority", Role.AUTHORITY, "Markus", "Lehmann", "authority@example.org"),
    DemoAccount("admin", Role.ADMINISTRATOR, "Ada", "Admin", "admin@example.org", "en"),
)


@dataclass(frozen=True)
class DemoReport:
    schemes_created: int
    schemes_total: int
    accounts_created: int
    procedures_created: int


def demo_load() -> DemoReport:
    """Load the shipped schemes (and any in ``SCHEMES_DIR``), the demo accounts and the demo
    organisations with their procedures. The e-mails those steps would send are not sent."""
    ensure_keys()
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet, transaction.atomic():
        results = scheme_versions_load_directory(directory=SHIPPED_DIR)
        if settings.SCHEMES_DIR.is_dir():
            results += scheme_versions_load_directory(directory=settings.SCHEMES_DIR)
        created_accounts = 0
        for account in DEMO_ACCOUNTS:
            if User.objects.filter(username=account.username).exists():
                continue
            user_create(
                username=account.username,
                password=DEMO_PASSWORD,
                role=account.role,
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
                preferred_language=account.language,
                country=account.country,
            )
            created_accounts += 1
        accounts = {
            user.username: user
            for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
        }
        procedures_created = demo_procedures_load(accounts=accounts)
    return DemoReport(
        schemes_created=sum(1 for r in results if r.created),
        schemes_total=len(results),
        accounts_created=created_accounts,
        procedures_created=procedures_created,
    )
