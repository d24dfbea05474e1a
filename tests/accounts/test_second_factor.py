"""The second factor: who needs it, enrolment, verification, replay and recovery codes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clusterlabel.accounts.second_factor import (
    authenticator_confirm,
    authenticator_pending,
    requires_second_factor,
)
from clusterlabel.audit.models import AuditEvent
from tests.accounts.people import current_code, grant, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_second_factor_on")]

SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"
# A page for signed-in people only, of this app (so these tests do not depend on others).
PRIVATE = "/accounts/password/"


@pytest.fixture
def _second_factor_on():
    with override_settings(CLUSTERLABEL_REQUIRE_SECOND_FACTOR=True):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """``user`` with a confirmed authenticator; the code used to confirm it is spent."""
    device = authenticator_pending(user=user)
    codes = authenticator_confirm(user=user, device=device, code=current_code(device))
    device.refresh_from_db()
    return device, codes


# Who needs one


def test_grants_beyond_the_own_organisation_require_a_second_factor(secretariat, manager):
    assert requires_second_factor(secretariat) is True
    assert requires_second_factor(manager) is False
    assert requires_second_factor(person()) is False
    assert requires_second_factor(AnonymousUser()) is False


def test_a_cluster_manager_who_is_also_an_assessor_requires_one(manager):
    grant(manager, "assessor", scheme_id="ecei-bronze")
    assert requires_second_factor(manager) is True


# Enforcement


def test_without_an_authenticator_every_page_leads_to_enrolment(secretariat):
    client = signed_in(secretariat)

    response = client.get(PRIVATE)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2Fpassword%2F"


def test_the_start_page_with_its_work_waiting_asks_for_the_code_first(secretariat):
    """Login lands on the start page; for staff it lists the work waiting, so it is closed
    until the second factor is entered."""
    client = signed_in(secretariat)

    response = client.get(reverse("portal:start"))

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2F"


def test_the_admin_requires_verification_too(secretariat):
    enrolled(secretariat)
    client = signed_in(secretariat)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_public_pages_and_logout_stay_open(secretariat):
    client = signed_in(secretariat)

    assert client.get(reverse("schemes:list")).status_code == 200
    assert client.get(reverse("labels:registry")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_cluster_manager_is_not_asked(manager):
    assert signed_in(manager).get(PRIVATE).status_code == 200


def test_the_setting_switches_it_off(secretariat):
    with override_settings(CLUSTERLABEL_REQUIRE_SECOND_FACTOR=False):
        response = signed_in(secretariat).get(PRIVATE)
    assert response.status_code == 200


# Enrolment


def test_enrolment_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(secretariat):
    client = signed_in(secretariat)

    page = client.get(SETUP, {"next": PRIVATE})

    text = page.content.decode()
    assert 'src="data:image/svg+xml' in text
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    secret = page.context["secret"]
    assert secret in text and len(secret) >= 32
    confirmed = client.post(SETUP, {"code": current_code(device), "next": PRIVATE})
    codes = confirmed.context["codes"]
    assert len(codes) == 10
    assert all(code in confirmed.content.decode() for code in codes)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(
        action="account.second_factor_enrol", target_id=str(secretariat.pk)
    ).exists()
    # The session is verified now, and the codes are not shown again.
    assert client.get(PRIVATE).status_code == 200
    overview = client.get(reverse("second_factor")).content.decode()
    assert not any(code in overview for code in codes)


def test_a_wrong_code_does_not_confirm_the_app(secretariat):
    client = signed_in(secretariat)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=secretariat)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_password_alone_cannot_add_an_authenticator(secretariat):
    enrolled(secretariat)
    client = signed_in(secretariat)  # password known, second factor not verified

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


# Verification


def test_a_current_code_verifies_the_session(secretariat):
    device, _codes = enrolled(secretariat)
    # The code that confirmed the app is spent; the next time step brings a new one.
    device.last_t -= 1
    device.save(update_fields=["last_t"])
    client = signed_in(secretariat)

    response = client.post(VERIFY, {"code": current_code(device), "next": PRIVATE})

    assert response.status_code == 302
    assert response["Location"] == PRIVATE
    assert client.get(PRIVATE).status_code == 200


def test_a_code_is_not_accepted_twice(secretariat):
    device, _codes = enrolled(secretariat)
    device.last_t -= 1
    device.save(update_fields=["last_t"])
    code = current_code(device)
    first, second = signed_in(secretariat), signed_in(secretariat)
    assert first.post(VERIFY, {"code": code}).status_code == 302

    replay = second.post(VERIFY, {"code": code, "next": PRIVATE})

    assert replay.status_code == 200
    assert replay.context["form"].errors["code"]
    assert second.get(PRIVATE)["Location"].startswith(VERIFY)


def test_a_recovery_code_works_once(secretariat):
    _device, codes = enrolled(secretariat)
    first, second = signed_in(secretariat), signed_in(secretariat)

    accepted = first.post(VERIFY, {"code": codes[0].upper(), "next": PRIVATE})
    reused = second.post(VERIFY, {"code": codes[0]})

    assert accepted.status_code == 302
    assert reused.status_code == 200
    assert reused.context["form"].errors["code"]
    assert StaticToken.objects.filter(device__user=secretariat).count() == 9
    assert AuditEvent.objects.filter(action="account.recovery_code_use").count() == 1


def test_next_may_not_leave_the_site(secretariat):
    _device, codes = enrolled(secretariat)
    client = signed_in(secretariat)

    response = client.post(VERIFY, {"code": codes[1], "next": "https://evil.example/"})

    assert response["Location"] == "/"


# The overview page


def test_new_recovery_codes_need_a_verified_session_and_replace_the_old(secretariat):
    _device, old_codes = enrolled(secretariat)
    client = signed_in(secretariat)
    # The overview is not open before verification either.
    assert client.get(reverse("second_factor"))["Location"].startswith(VERIFY)

    client.post(VERIFY, {"code": old_codes[0]})
    page = client.get(reverse("second_factor"))
    assert "9" in page.content.decode()
    response = client.post(reverse("second_factor"))

    new_codes = response.context["codes"]
    assert len(new_codes) == 10
    remaining = set(
        StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True)
    )
    assert remaining == set(new_codes)
    assert not remaining & set(old_codes)


def test_a_person_who_needs_no_second_factor_can_still_see_the_page(manager):
    page = signed_in(manager).get(reverse("second_factor"))
    assert page.status_code == 200
    assert reverse("second_factor_setup") in page.content.decode()
    assert re.search(r"<h1>[^<]+</h1>", page.content.decode())
