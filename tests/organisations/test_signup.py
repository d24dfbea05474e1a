"""Public sign-up: an inactive account until the e-mailed link confirms it, and nothing that
tells a visitor whether an address has an account."""

from __future__ import annotations

import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from clusterlabel.access.services import user_deactivate
from clusterlabel.accounts.models import User
from clusterlabel.accounts.signup import confirmation_token
from clusterlabel.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kletterrose-Tuttlingen-7"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def signup_data(**changes: str) -> dict[str, str]:
    data = {
        "first_name": "Petra",
        "last_name": "Neumann",
        "email": "petra.neumann@cluster.example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "preferred_language": "en",
    }
    data.update(changes)
    return data


def sign_up(client: Client, django_capture_on_commit_callbacks, **changes: str):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("signup"), signup_data(**changes))


def link_in(message: mail.EmailMessage) -> str:
    """The path of the confirmation link in ``message``."""
    match = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def same_page(content: bytes) -> str:
    """The page without what differs on every response (the CSP nonce, the masked CSRF
    token of the language switch)."""
    page = re.sub(r'nonce="[^"]*"', 'nonce=""', content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_sign_up_creates_an_inactive_account_and_mails_the_link(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_done")
    user = User.objects.get(email="petra.neumann@cluster.example.org")
    assert (user.is_active, user.username, user.get_full_name(), user.preferred_language) == (
        False,
        "petra.neumann@cluster.example.org",
        "Petra Neumann",
        "en",
    )
    assert user.check_password(NEW_PASSWORD)
    assert not user.grants.exists()
    [message] = mail.outbox
    assert message.to == ["petra.neumann@cluster.example.org"]
    assert "Confirm your e-mail address" in message.subject  # in the chosen language
    assert "/accounts/signup/confirm/" in message.body
    assert AuditEvent.objects.filter(action="account.signup", target_id=str(user.pk)).exists()
    # Not confirmed yet: the password does not open the account.
    assert not client.login(username=user.username, password=NEW_PASSWORD)


def test_the_link_confirms_logs_in_and_leads_to_the_registration(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])

    page = client.get(url)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert not User.objects.get(email="petra.neumann@cluster.example.org").is_active

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:register")
    user = User.objects.get(email="petra.neumann@cluster.example.org")
    assert user.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    event = AuditEvent.objects.get(action="account.confirm", target_id=str(user.pk))
    assert event.actor_id == user.pk
    # The link works once.
    client.logout()
    again = client.post(url)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_sign_up_with_a_known_address_looks_the_same_and_creates_nothing(
    client, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="erika@cluster.example.org")
    fresh = sign_up(client, django_capture_on_commit_callbacks, email="someone@example.org")
    fresh_page = client.get(fresh["Location"])
    mail.outbox.clear()
    accounts = User.objects.count()

    known = sign_up(client, django_capture_on_commit_callbacks, email="Erika@Cluster.example.org")
    known_page = client.get(known["Location"])

    assert (known.status_code, known["Location"]) == (fresh.status_code, fresh["Location"])
    assert same_page(known_page.content) == same_page(fresh_page.content)
    assert User.objects.count() == accounts
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)  # the attempt changed nothing
    [notice] = mail.outbox
    assert notice.to == ["erika@cluster.example.org"]
    assert "/accounts/signup/confirm/" not in notice.body
    assert existing.username in notice.body
    assert "/accounts/password/reset/" in notice.body
    assert AuditEvent.objects.filter(
        action="account.signup_repeated", target_id=str(existing.pk)
    ).exists()


def test_signing_up_again_before_confirming_sends_a_new_link(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    sign_up(client, django_capture_on_commit_callbacks, password1="x" * 3, password2="x" * 3)
    assert len(mail.outbox) == 1  # a weak password is refused by the form, nothing sent
    sign_up(client, django_capture_on_commit_callbacks)

    assert User.objects.filter(email="petra.neumann@cluster.example.org").count() == 1
    assert len(mail.outbox) == 2
    assert client.post(link_in(mail.outbox[1])).status_code == 302


def test_an_expired_link_is_refused(client):
    user = UserFactory(is_active=False)
    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = confirmation_token(user)

    response = client.post(reverse("signup_confirm", args=[token]))

    assert response.status_code == 400
    assert "expired" in response.content.decode() or "abgelaufen" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert "_auth_user_id" not in client.session


def test_a_tampered_link_is_refused(client):
    user = UserFactory(is_active=False)
    other = UserFactory(is_active=False)
    token = confirmation_token(user)
    value, signature = token.rsplit(":", 1)
    tampered = [
        f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        confirmation_token(other).rsplit(":", 1)[0] + ":" + signature,
        "not-a-token",
    ]

    for bad in tampered:
        assert client.post(reverse("signup_confirm", args=[bad])).status_code == 400

    user.refresh_from_db()
    other.refresh_from_db()
    assert not user.is_active and not other.is_active
    assert not AuditEvent.objects.filter(action="account.confirm").exists()


def test_a_link_does_not_reactivate_an_account_an_administrator_deactivated(client):
    user = UserFactory(is_active=True)
    token_before = confirmation_token(user)
    user_deactivate(actor=None, user=user, reason="left the organisation")
    user.refresh_from_db()
    token_after = confirmation_token(user)

    for token in (token_before, token_after):
        assert client.post(reverse("signup_confirm", args=[token])).status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_the_password_is_checked_by_the_validators_and_twice(client):
    mismatch = client.post(reverse("signup"), signup_data(password2=NEW_PASSWORD + "x"))
    common = client.post(reverse("signup"), signup_data(password1="password", password2="password"))
    like_the_address = client.post(
        reverse("signup"),
        signup_data(password1="petra.neumann", password2="petra.neumann"),
    )

    for response in (mismatch, common, like_the_address):
        assert response.status_code == 200
        assert response.context["form"].errors
    assert "password2" in mismatch.context["form"].errors
    assert "password1" in common.context["form"].errors
    assert "password1" in like_the_address.context["form"].errors
    assert not User.objects.filter(email="petra.neumann@cluster.example.org").exists()


@override_settings(SIGNUP_LIMIT_PER_HOUR=2)
def test_sign_ups_from_one_address_are_limited(client, django_capture_on_commit_callbacks):
    for n in range(2):
        response = sign_up(client, django_capture_on_commit_callbacks, email=f"p{n}@example.org")
        assert response.status_code == 302

    refused = sign_up(client, django_capture_on_commit_callbacks, email="p3@example.org")

    assert refused.status_code == 429
    assert not User.objects.filter(email="p3@example.org").exists()
    other_address = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_up(other_address, django_capture_on_commit_callbacks, email="p4@example.org")[
        "Location"
    ] == reverse("signup_done")


def test_the_sign_up_and_the_confirmation_need_the_csrf_token(
    django_capture_on_commit_callbacks,
):
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(reverse("signup"), signup_data())
    assert refused.status_code == 403
    assert not User.objects.filter(email="petra.neumann@cluster.example.org").exists()

    page = browser.get(reverse("signup"))
    token = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        accepted = browser.post(reverse("signup"), {**signup_data(), "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    url = link_in(mail.outbox[0])

    forged = Client(enforce_csrf_checks=True).post(url)
    assert forged.status_code == 403
    assert not User.objects.get(email="petra.neumann@cluster.example.org").is_active


def test_a_signed_in_person_is_sent_to_the_start_page(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("signup"))["Location"] == reverse("portal:start")
