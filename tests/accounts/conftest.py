"""Fixtures for the account-security tests."""

from __future__ import annotations

import pytest

from tests.accounts.people import grant, person
from tests.factories import OrganisationFactory


@pytest.fixture
def secretariat(db):
    """Somebody whose grant reaches beyond one organisation: needs a second factor."""
    user = person(is_staff=True)
    grant(user, "secretariat", scheme_id="ecei-bronze")
    return user


@pytest.fixture
def manager(db):
    """A cluster manager and nothing else: no second factor required."""
    user = person()
    grant(user, "cluster_manager", organisation=OrganisationFactory())
    return user
