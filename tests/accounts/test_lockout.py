"""Login throttling (django-axes): a username is locked after the failure limit, even for the
right password, until the cool-off has passed; an address alone is never locked."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from tests.accounts.people import person
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_axes_on")]

LIMIT = 5


@pytest.fixture
def _axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT):
        yield


def attempt(client, username, password, *, address="10.0.0.1", url=None, **extra):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, username, times, **kwargs):
    return [attempt(client, username, "wrong-password", **kwargs) for _ in range(times)]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_failures_still_let_the_right_password_in(client):
    user = person()
    responses = fail(client, user.username, LIMIT - 1)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert attempt(client, user.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(client):
    user = person()
    responses = fail(client, user.username, LIMIT)
    assert responses[-1].status_code == 429

    response = attempt(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_the_lockout_page_says_when_to_try_again_in_the_users_language(client):
    user = person()
    fail(client, user.username, LIMIT)

    german = attempt(client, user.username, PASSWORD)
    english = attempt(client, user.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="de">' in german.content.decode()
    text = english.content.decode()
    assert '<html lang="en">' in text
    assert "temporarily locked" in text
    assert "(in 15 minutes)" in text
    assert english.context["try_again_at"] is not None
    assert 'class="site-header"' in text  # our layout, not axes' plain text


def test_the_lock_holds_for_the_username_from_another_address(client):
    user = person()
    fail(client, user.username, LIMIT, address="10.0.0.1")

    response = attempt(client, user.username, PASSWORD, address="192.0.2.7")

    assert response.status_code == 429
    assert not logged_in(client)


def test_an_address_alone_is_never_locked(client):
    victim, colleague = person(), person()
    fail(client, victim.username, LIMIT, address="10.0.0.1")

    response = attempt(client, colleague.username, PASSWORD, address="10.0.0.1")

    assert response.status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off(client):
    user = person()
    fail(client, user.username, LIMIT)
    # The lockout is stored in the database (shared by every application server): age it.
    assert AccessAttempt.objects.filter(username=user.username).exists()
    for row in AccessAttempt.objects.filter(username=user.username):
        row.attempt_time -= timedelta(minutes=16)
        row.save(update_fields=["attempt_time"])

    response = attempt(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_admin_login_is_locked_too(client):
    user = person(is_staff=True)
    fail(client, user.username, LIMIT, url=reverse("admin:login"))

    response = attempt(client, user.username, PASSWORD, url=reverse("admin:login"))

    assert response.status_code == 429
    assert not logged_in(client)


def test_force_login_is_not_throttled(client):
    user = person()
    fail(client, user.username, LIMIT)

    client.force_login(user)

    assert client.get(reverse("password_change")).status_code == 200


def test_limit_and_cool_off_come_from_the_environment(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterlabel.settings",
        "SECRET_KEY": "environment-test-" + "y" * 60,
        "CLUSTERLABEL_DATA_DIR": str(tmp_path),
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_LOCKOUT_MINUTES": "40",
    }
    environment.pop("DEBUG", None)
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
            "s.AXES_LOCKOUT_PARAMETERS)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert output == "3 2400 ['username', ['username', 'ip_address']]"
