"""The start page tells each person what they can do next, in German by default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_start_page_is_german_and_offers_login(client, loaded_schemes):
    response = client.get(reverse("portal:start"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "Qualitätslabel für das Clustermanagement" in html
    assert reverse("login") in html
    assert "Cluster-Exzellenz Baden-Württemberg" in html


def test_language_switch_to_english(client, loaded_schemes):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Quality labels for cluster management" in html
    assert "Cluster Excellence Baden-Württemberg" in html


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
    html = client.get(reverse("portal:start")).content.decode()
    assert german_intro in html
    back_office_link = f'href="{reverse("admin:index")}"'
    if role in {Role.SECRETARIAT, Role.ADMINISTRATOR}:
        assert back_office_link in html
    else:
        assert back_office_link not in html


def test_back_office_is_closed_to_roles_without_staff_rights(client):
    user = UserFactory(role=Role.ASSESSOR)
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_login_with_wrong_password_keeps_username_and_says_why(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{user.username}"' in html
    assert "Beide Felder berücksichtigen die Groß-/Kleinschreibung" in html


def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    client.post(reverse("logout"))
    html = client.get(reverse("portal:start")).content.decode()
    assert reverse("login") in html
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
