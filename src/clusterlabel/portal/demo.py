"""The demo installation: shipped schemes and one account per role, each with its grants.

Idempotent: running it again creates nothing twice and changes nothing a user changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from clusterlabel.access import services as access_services
from clusterlabel.access.services import ScopeChoice
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.labels.certificates.credentials import ensure_keys
from clusterlabel.portal.demo_data import demo_procedures_load, demo_programme
from clusterlabel.portal.demo_pool import demo_assessors_qualify, demo_pool_load
from clusterlabel.schemes.models import Operator
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

DEMO_PASSWORD = "clusterlabel-demo"


# Where a demo account's grants apply: every operator's schemes, one scheme, the go-cluster
# programme, or the installation.
EVERY_OPERATOR = "every operator"
BW_SCHEME = "bw-cluster-excellence"
GO_CLUSTER = "go-cluster"
INSTALLATION = "installation"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    email: str
    language: str = "de"
    country: str = "DE"
    scope: str = EVERY_OPERATOR

    @property
    def scope_text(self) -> str:
        """For the demo's printout: for what the role is granted."""
        if self.role == Role.CLUSTER_MANAGER:
            return "the demo organisations"
        return {
            EVERY_OPERATOR: "every scheme",
            INSTALLATION: "the installation",
            GO_CLUSTER: "programme go-cluster",
        }.get(self.scope, f"scheme {self.scope}")


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    # The manager's grants are for the demo organisations (made with them).
    DemoAccount("manager", Role.CLUSTER_MANAGER, "Janina", "Berger", "manager@example.org"),
    DemoAccount("secretariat", Role.SECRETARIAT, "Stefan", "Kramer", "secretariat@example.org"),
    DemoAccount(
        "bw-secretariat",
        Role.SECRETARIAT,
        "Lena",
        "Maier",
        "bw-secretariat@example.org",
        scope=BW_SCHEME,
    ),
    DemoAccount("assessor", Role.ASSESSOR, "Helga", "Winter", "assessor@example.org"),
    DemoAccount(
        "assessor2", Role.ASSESSOR, "Pieter", "de Vries", "assessor2@example.org", "en", "NL"
    ),
    DemoAccount("board", Role.BOARD_MEMBER, "Ulrike", "Hahn", "board@example.org"),
    DemoAccount("board2", Role.BOARD_MEMBER, "Thomas", "Brandt", "board2@example.org"),
    DemoAccount("board3", Role.BOARD_MEMBER, "Selin", "Yilmaz", "board3@example.org"),
    DemoAccount("authority", Role.AUTHORITY, "Markus", "Lehmann", "authority@example.org"),
    DemoAccount(
        "programme",
        Role.PROGRAMME,
        "Jonas",
        "Fischer",
        "programme@example.org",
        scope=GO_CLUSTER,
    ),
    DemoAccount(
        "admin", Role.ADMINISTRATOR, "Ada", "Admin", "admin@example.org", "en", scope=INSTALLATION
    ),
)


def _scopes(account: DemoAccount) -> list[ScopeChoice]:
    if account.role == Role.CLUSTER_MANAGER:
        return []
    if account.scope == INSTALLATION:
        return [ScopeChoice()]
    if account.scope == GO_CLUSTER:
        return [ScopeChoice(programme=demo_programme(GO_CLUSTER))]
    if account.scope == EVERY_OPERATOR:
        return [ScopeChoice(operator=operator) for operator in Operator.objects.order_by("slug")]
    return [ScopeChoice(scheme_id=account.scope)]


def _demo_account_create(account: DemoAccount) -> User:
    user = access_services.user_create(
        actor=None,
        username=account.username,
        password=DEMO_PASSWORD,
        email=account.email,
        first_name=account.first_name,
        last_name=account.last_name,
        preferred_language=account.language,
        country=account.country,
    )
    for scope in _scopes(account):
        access_services.grant_create(actor=None, user=user, role=account.role, scope=scope)
    return user


@dataclass(frozen=True)
class DemoReport:
    schemes_created: int
    schemes_total: int
    accounts_created: int
    procedures_created: int


def demo_load() -> DemoReport:
    """Load the shipped schemes (and any in ``SCHEMES_DIR``), the demo accounts (the assessors
    qualified), the demo organisations with their procedures and the expert pool. The e-mails
    those steps would send are not sent."""
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
            _demo_account_create(account)
            created_accounts += 1
        accounts = {
            user.username: user
            for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
        }
        demo_assessors_qualify(accounts=accounts)
        procedures_created = demo_procedures_load(accounts=accounts)
        demo_pool_load(accounts=accounts, password=DEMO_PASSWORD)
    return DemoReport(
        schemes_created=sum(1 for r in results if r.created),
        schemes_total=len(results),
        accounts_created=created_accounts,
        procedures_created=procedures_created,
    )
