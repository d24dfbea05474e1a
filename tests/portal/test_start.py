"""The start page tells each person what they can do next, in German by default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from tests.factories import PASSWORD, UserFactory
from tests.helpers import attribute, element, hrefs, input_value, parsed, text

pytestmark = pytest.mark.django_db


def test_anonymous_start_page_is_german_and_offers_login(client, loaded_schemes):
    response = client.get(reverse("portal:start"))
    assert response.status_code == 200
    page = parsed(response)
    assert attribute(element(page, "html"), "lang") == "de"
    assert "Qualitätslabel für das Clustermanagement" in text(page)
    assert reverse("login") in hrefs(page)
    assert "Cluster-Exzellenz Baden-Württemberg" in text(page)


def test_language_switch_to_english(client, loaded_schemes):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    page = parsed(response)
    assert attribute(element(page, "html"), "lang") == "en"
    assert "Quality labels for cluster management" in text(page)
    assert "Cluster Excellence Baden-Württemberg" in text(page)


@pytest.mark.parametrize(
    ("role", "german_intro"),
    [
        (Role.CLUSTER_MANAGER, "Selbstbewertung"),
        (Role.SECRETARIAT, "Gutachter"),
        (Role.ASSESSOR, "Bewertungsbericht"),
        (Role.BOARD_MEMBER, "Empfehlung"),
        (Role.AUTHORITY, "entscheiden"),
        (Role.ADMINISTRATOR, "Konten"),
    ],
)
def test_each_role_sees_its_own_next_steps(client, role, german_intro):
    user = UserFactory(role=role)
    client.login(username=user.username, password=PASSWORD)
    page = parsed(client.get(reverse("portal:start")))
    assert german_intro in text(page)
    if role in {Role.SECRETARIAT, Role.ADMINISTRATOR}:
        assert reverse("admin:index") in hrefs(page)
    else:
        assert reverse("admin:index") not in hrefs(page)


def test_back_office_is_closed_to_roles_without_staff_rights(client):
    user = UserFactory(role=Role.ASSESSOR)
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_login_with_wrong_password_keeps_username_and_says_why(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    page = parsed(response)
    assert input_value(page, "username") == user.username
    assert "Beide Felder berücksichtigen die Groß-/Kleinschreibung" in text(page)


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    client.post(reverse("logout"))
    html = client.get(reverse("portal:start")).content.decode()
    assert reverse("login") in hrefs(html)
    # Raw on purpose: after the logout the name is nowhere on the page, attributes included.
    assert user.username not in html


def test_password_change(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-passphrase-2026",
            "new_password2": "a-much-better-passphrase-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-better-passphrase-2026")
