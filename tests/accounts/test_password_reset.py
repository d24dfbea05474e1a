"""Password reset by e-mail and what a password change does to other sessions."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.accounts.people import person
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a-quite-new-passphrase-2026"


def request_reset(client: Client, email: str, **extra):
    return client.post(RESET, {"email": email}, follow=True, **extra)


def without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def reset_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)


def test_the_login_page_links_the_reset():
    assert RESET in Client().get(reverse("login")).content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_exists():
    person(email="known@example.org")

    known = request_reset(Client(), "known@example.org")
    unknown = request_reset(Client(), "nobody@example.org")

    assert [r.status_code for r in (known, unknown)] == [200, 200]
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf_token(known) == without_csrf_token(unknown)
    assert [m.to for m in mail.outbox] == [["known@example.org"]]


@override_settings(SITE_URL="https://label.example.org")
def test_the_mail_links_the_site_not_the_host_the_requester_sent():
    user = person(email="erika@example.org")

    request_reset(Client(), user.email, HTTP_HOST="localhost")

    (message,) = mail.outbox
    assert reset_link(message).startswith("https://label.example.org/accounts/password/reset/")
    assert user.username in message.body
    assert "\n" not in message.subject


def test_the_mail_is_in_the_recipients_language():
    english = person(email="en@example.org", preferred_language="en")
    seen = {}

    from django.contrib.auth.forms import PasswordResetForm
    from django.utils import translation

    original = PasswordResetForm.send_mail

    def spy(self, *args, **kwargs):
        seen["language"] = translation.get_language()
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PasswordResetForm, "send_mail", spy)
        request_reset(Client(), english.email)  # the page itself is German

    assert seen["language"] == "en"


def test_a_reset_link_works_once():
    user = person(email="erika@example.org")
    request_reset(Client(), user.email)
    link = reset_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    client = Client()

    form_page = client.get("/" + link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    again = Client(headers={"accept-language": "en"}).get("/" + link, follow=True)

    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert again.context["validlink"] is False
    assert "no longer valid" in again.content.decode()


def test_changing_the_password_keeps_this_session_and_ends_the_others():
    user = person()
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert here.get(reverse("password_change")).status_code == 200
    assert elsewhere.get(reverse("password_change")).status_code == 302
    assert "_auth_user_id" not in elsewhere.session
