"""`clusterlabel demo` sets up a usable installation, and running it twice duplicates nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.core.demo import DEMO_PASSWORD
from clusterlabel.schemes.models import SchemeVersion

pytestmark = pytest.mark.django_db(transaction=True)


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_demo_creates_one_account_per_role_and_loads_the_schemes():
    output = run_demo()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert SchemeVersion.objects.filter(is_current=True).count() == 4
    for username in ("manager", "secretariat", "assessor", "board", "authority", "admin"):
        assert f"  {username}" in output
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    assert DEMO_PASSWORD in output


def test_demo_twice_duplicates_nothing_and_keeps_changed_passwords():
    run_demo()
    manager = User.objects.get(username="manager")
    manager.set_password("my-own-passphrase-2026")
    manager.save()
    users, versions = User.objects.count(), SchemeVersion.objects.count()
    output = run_demo()
    assert (User.objects.count(), SchemeVersion.objects.count()) == (users, versions)
    assert "Accounts: 0 new" in output
    assert authenticate(username="manager", password="my-own-passphrase-2026") is not None


def test_demo_roles_have_back_office_rights_only_where_they_should():
    run_demo()
    staff = set(User.objects.filter(is_staff=True).values_list("role", flat=True))
    assert staff == {Role.SECRETARIAT, Role.ADMINISTRATOR}
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "admin"
    ]
