"""Every form the trust work added refuses a POST without the CSRF token, whoever sends it, and
nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory, grant_role

pytestmark = pytest.mark.django_db


def _rows() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Grant.objects.count(),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def people(loaded_schemes):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    secretariat = grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="bw-cluster-excellence")
    newcomer = UserFactory()
    organisation = OrganisationFactory()
    return {"admin": admin, "secretariat": secretariat, "newcomer": newcomer, "org": organisation}


def _forms(people) -> list[tuple[User | None, str, dict[str, str]]]:
    org = people["org"]
    return [
        (
            None,
            reverse("signup"),
            {
                "first_name": "Eva",
                "last_name": "Neu",
                "email": "eva@example.org",
                "password1": "ein-langes-Passwort-2026",
                "password2": "ein-langes-Passwort-2026",
                "preferred_language": "de",
            },
        ),
        (None, reverse("password_reset"), {"email": people["admin"].email}),
        (
            people["newcomer"],
            reverse("organisations:register"),
            {"legal_name": "X e. V.", "cluster_name": "X", "country": "DE"},
        ),
        (people["newcomer"], reverse("organisations:claim", args=[org.pk]), {"note": "Ich"}),
        (people["newcomer"], reverse("second_factor_setup"), {"token": "123456"}),
        (
            people["admin"],
            reverse("admin:access_grant_add"),
            {"user": str(people["newcomer"].pk), "role": "administrator"},
        ),
    ]


def test_forms_without_the_csrf_token_are_refused(people):
    for user, url, data in _forms(people):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        before = _rows()
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert b"CSRF" in response.content or b"csrf" in response.content.lower(), url
        assert _rows() == before, url


def test_the_same_forms_with_the_token_are_not_refused(people):
    """The control: the 403 above is the CSRF check, not the form being closed to the user."""
    for user, url, data in _forms(people):
        client = Client()
        if user is not None:
            client.force_login(user)
        assert client.post(url, data).status_code != 403, url
