"""People with grants for the account and grant tests: installation and operator
administrators, the secretariat, and the operators of the shipped schemes."""

from __future__ import annotations

import pytest

from clusterlabel.access.models import Grant
from clusterlabel.access.services import user_flags_sync
from clusterlabel.accounts.choices import Role
from clusterlabel.schemes.models import Operator
from tests.factories import UserFactory

ESCA = "european-secretariat-for-cluster-analysis-esca"
BW = "vdivde-innovation-technik-gmbh"


@pytest.fixture
def esca(loaded_schemes) -> Operator:
    return Operator.objects.get(slug=ESCA)


@pytest.fixture
def bw(loaded_schemes) -> Operator:
    return Operator.objects.get(slug=BW)


@pytest.fixture
def installation_admin(loaded_schemes):
    return UserFactory(username="root-admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def esca_admin(esca):
    """An administrator for the ECEI labels' operator only."""
    user = UserFactory(username="esca-admin")
    Grant.objects.create(user=user, role=Role.ADMINISTRATOR, operator=esca)
    return user_flags_sync(user)


@pytest.fixture
def secretariat(loaded_schemes):
    return UserFactory(username="secretary", role=Role.SECRETARIAT)
