"""The second factor: who needs one, and every write to a person's second-factor devices.

A person needs a second factor when a grant gives them rights beyond their own organisation
(every role except cluster manager). The factor is an authenticator app (TOTP, RFC 6238) with
ten single-use recovery codes as a fallback; both are django-otp devices. A session counts as
verified once one code from either was accepted in it (``request.user.is_verified()``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_CODES_NAME = "recovery"


class SecondFactorError(Exception):
    """A second-factor step that is not allowed now; the message says why, for the user."""


def requires_second_factor(user: User) -> bool:
    """True if ``user`` holds a grant other than cluster manager (and so must verify a second
    factor in every session, when ``CLUSTERLABEL_REQUIRE_SECOND_FACTOR`` is on)."""
    return user.is_authenticated and user.grants.exclude(role="cluster_manager").exists()


def second_factor_enforced(user: User) -> bool:
    """True if this installation asks ``user`` for a second factor."""
    return settings.CLUSTERLABEL_REQUIRE_SECOND_FACTOR and requires_second_factor(user)


def has_authenticator(user: User) -> bool:
    """True once ``user`` has confirmed an authenticator app."""
    return user_has_device(user, confirmed=True)


def normalise_code(code: str) -> str:
    """A code as typed (spaces, dashes, capitals) in the form the devices store."""
    return "".join(code.split()).replace("-", "").lower()


def authenticator_secret(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps accept it typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def authenticator_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator ``user`` is enrolling (made on first call, the same key on
    every later call until it is confirmed, so a reload does not invalidate the scanned code).

    Refused once an authenticator is confirmed: a second one is only added after the first
    was used in this session, which the views check, so a stolen password alone never adds one.
    """
    if has_authenticator(user):
        raise SecondFactorError(_("You already have an authenticator app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def authenticator_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a current code from the app and make fresh recovery codes.

    Returns the recovery codes (shown once; only the devices keep them). Raises
    ``SecondFactorError`` if the code is wrong or was used before. Writes an audit event.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed:
            raise SecondFactorError(_("This authenticator app is already set up."))
        if not device.verify_token(normalise_code(code)):
            raise SecondFactorError(_("The code is not right. Enter the current code."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=user,
            action="account.second_factor_enrol",
            target=user,
            after={"authenticator": device.pk, "recovery_codes": len(codes)},
        )
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones (the old ones stop working).

    Returns the new codes, shown once. Writes an audit event.
    """
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=user,
            action="account.recovery_codes_regenerate",
            target=user,
            after={"recovery_codes": len(codes)},
        )
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@dataclass(frozen=True)
class Verification:
    """A code that was accepted: by which device, and whether it used up a recovery code."""

    device: Device
    used_recovery_code: bool


def second_factor_verify(*, user: User, code: str) -> Verification | None:
    """Check ``code`` against ``user``'s confirmed devices; ``None`` if none accepts it.

    Guarantees: an authenticator code is accepted once (django-otp keeps the last accepted
    time step, ``last_t``); a recovery code is deleted when accepted; the devices are locked
    while checking, so two requests with the same code cannot both succeed. Repeated wrong
    codes make the devices wait (django-otp's throttling). Using a recovery code writes an
    audit event.
    """
    token = normalise_code(code)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                recovery = isinstance(device, StaticDevice)
                if recovery:
                    audit_record(
                        actor=user,
                        action="account.recovery_code_use",
                        target=user,
                        after={"recovery_codes_left": device.token_set.count()},
                    )
                return Verification(device=device, used_recovery_code=recovery)
    return None


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
