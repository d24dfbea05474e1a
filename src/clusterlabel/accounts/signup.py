"""Public sign-up with e-mail confirmation.

Design: a new account is created *inactive* and becomes active when its owner opens the link
sent to the address. Django refuses inactive accounts at login and the policy grants them
nothing, so no other code has to check a separate "e-mail confirmed" flag, and an unconfirmed
account can do exactly nothing.

Guarantees:
* The response to a sign-up does not tell whether the address already has an account: the same
  page follows, the password is hashed either way (the time taken does not tell either), and
  the existing account receives a notice instead ("someone tried to sign up with your
  address"), or a fresh confirmation link while it still waits for its confirmation.
* The confirmation link is signed (``TimestampSigner`` with its own salt), expires after
  ``CONFIRMATION_MAX_AGE`` and works once: it is bound to a fingerprint of the account (active
  flag, last login, password hash, address) that confirming changes. An account an
  administrator deactivated is never reactivated by a link.
* Each sign-up and confirmation writes an audit event; e-mails go out after the commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import audit_record
from clusterlabel.core.mail import mail_text

logger = logging.getLogger(__name__)

SIGNUP_SALT = "clusterlabel.accounts.signup"
CONFIRMATION_MAX_AGE = timedelta(days=3)
# Sign-ups accepted from one address per hour (``SIGNUP_LIMIT_PER_HOUR`` overrides it).
DEFAULT_SIGNUP_LIMIT_PER_HOUR = 10


class ConfirmationRefused(Exception):
    """The link cannot confirm an account: ``code`` is ``expired`` or ``invalid`` (tampered,
    used already, or for an account that is no longer waiting)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


# --- the link --------------------------------------------------------------------------------


def _fingerprint(user: User) -> str:
    value = f"{user.pk}|{user.email}|{user.password}|{user.is_active}|{user.last_login}"
    return salted_hmac(SIGNUP_SALT, value).hexdigest()[:32]


def confirmation_token(user: User) -> str:
    """A signed, timestamped token for this account in its current state."""
    return signing.TimestampSigner(salt=SIGNUP_SALT).sign_object(
        {"u": user.pk, "f": _fingerprint(user)}
    )


def confirmation_url(user: User) -> str:
    return settings.SITE_URL + reverse("signup_confirm", args=[confirmation_token(user)])


def _deactivated_by_staff(user: User) -> bool:
    return AuditEvent.objects.filter(
        action="account.deactivate", target_type="accounts.user", target_id=str(user.pk)
    ).exists()


def awaiting_confirmation(user: User) -> bool:
    """Signed up, never confirmed: inactive, never logged in, not deactivated by staff."""
    return not user.is_active and user.last_login is None and not _deactivated_by_staff(user)


# --- services --------------------------------------------------------------------------------


def _free_username(email: str) -> str:
    """The address itself (people log in with what they know); a suffix in the rare case
    that another account already uses it as its user name."""
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def account_signup(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
) -> User | None:
    """Create an inactive account and e-mail it the confirmation link; return it. For an
    address that has an account already, create nothing, write ``account.signup_repeated``,
    e-mail that account (a notice, or a new link while it awaits confirmation) and return
    ``None``: the caller shows the same page either way."""
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).order_by("pk").first()
        if existing is not None:
            make_password(password)  # the same work as for a new account
            template = (
                "accounts/email/signup_confirm.txt"
                if awaiting_confirmation(existing)
                else "accounts/email/signup_existing.txt"
            )
            audit_record(actor=None, action="account.signup_repeated", target=existing)
            _mail_after_commit(existing.pk, template)
            return None
        user = User(
            username=_free_username(email),
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            preferred_language=preferred_language,
            is_active=False,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_record(
            actor=None,
            action="account.signup",
            target=user,
            after={
                "username": user.username,
                "email": email,
                "name": user.get_full_name(),
                "language": preferred_language,
            },
        )
        _mail_after_commit(user.pk, "accounts/email/signup_confirm.txt")
    return user


def account_confirm(*, token: str) -> User:
    """Activate the account the link was made for; raises ``ConfirmationRefused``. Records
    ``account.confirm``. The caller logs the person in (which also spends the link)."""
    try:
        payload = signing.TimestampSigner(salt=SIGNUP_SALT).unsign_object(
            token, max_age=CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise ConfirmationRefused("expired") from error
    except signing.BadSignature as error:
        raise ConfirmationRefused("invalid") from error
    if not isinstance(payload, dict):
        raise ConfirmationRefused("invalid")
    with transaction.atomic():
        user_pk = payload.get("u")
        user = (
            None if user_pk is None else User.objects.select_for_update().filter(pk=user_pk).first()
        )
        if (
            user is None
            or not constant_time_compare(_fingerprint(user), str(payload.get("f", "")))
            or not awaiting_confirmation(user)
        ):
            raise ConfirmationRefused("invalid")
        user.is_active = True
        user.last_login = timezone.now()
        user.save(update_fields=["is_active", "last_login"])
        audit_record(
            actor=user,
            action="account.confirm",
            target=user,
            before={"active": False},
            after={"active": True},
        )
    return user


def signup_throttled(address: str) -> bool:
    """Count one sign-up from ``address`` and say whether it exceeds the hourly limit. Counted
    in the cache (shared between servers when ``REDIS_URL`` is set); behind a proxy the
    address is the proxy's, so the limit then holds for everyone together."""
    limit = getattr(settings, "SIGNUP_LIMIT_PER_HOUR", DEFAULT_SIGNUP_LIMIT_PER_HOUR)
    key = f"clusterlabel:signup:{address}"
    if cache.add(key, 1, timeout=3600):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=3600)
            count = 1
    return count > limit


# --- e-mail ----------------------------------------------------------------------------------


def _mail_after_commit(user_id: int, template: str) -> None:
    transaction.on_commit(lambda: send_signup_mail(user_id=user_id, template=template))


def send_signup_mail(*, user_id: int, template: str) -> bool:
    """The confirmation link or the notice, in the person's language; a failing server is
    logged (the person can sign up again for a new link)."""
    user = User.objects.get(pk=user_id)
    subject, text = mail_text(
        template,
        {
            "recipient": user,
            "confirm_url": confirmation_url(user),
            "login_url": settings.SITE_URL + reverse("login"),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
            "max_age_days": CONFIRMATION_MAX_AGE.days,
        },
        language=user.preferred_language or settings.LANGUAGE_CODE,
    )
    try:
        send_mail(subject, text, None, [user.email])
    except OSError:
        logger.exception("Could not send %s to %s", template, user.email)
        return False
    return True
