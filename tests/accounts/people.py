"""People and codes for the account-security tests."""

from __future__ import annotations

import itertools

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clusterlabel.access.models import Grant
from clusterlabel.accounts.models import User
from tests.factories import PASSWORD

_people = itertools.count(1)


def person(**fields) -> User:
    """An account with the test password; its rights come from the grants a test gives it."""
    number = next(_people)
    fields.setdefault("username", f"person{number}")
    fields.setdefault("email", f"person{number}@example.org")
    return User.objects.create_user(password=PASSWORD, **fields)


def grant(user, role: str, **scope) -> Grant:
    """Give ``user`` the grant ``role`` for ``scope``."""
    return Grant.objects.create(user=user, role=role, **scope)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for ``device``."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
