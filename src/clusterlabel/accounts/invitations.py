"""Invitations: a new account without a password gets an e-mail with a link to set one.

The link carries a token from ``InvitationTokenGenerator``: Django's password-reset token with
its own salt (a reset link is no invitation and the other way round) and its own lifetime,
``INVITATION_DAYS``. The token is computed from the password hash, so it stops working the
moment the password is set: every link works once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for invitation links, valid for ``INVITATION_DAYS`` days and until the password
    is set."""

    key_salt = "clusterlabel.accounts.invitations.InvitationTokenGenerator"

    @property
    def lifetime(self) -> timedelta:
        return timedelta(days=settings.INVITATION_DAYS)

    def check_token(self, user: User | None, token: str | None) -> bool:
        # Django's check, with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= self.lifetime.total_seconds()


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user: User) -> str:
    """The absolute link (on ``SITE_URL``) by which ``user`` sets their first password."""
    path = reverse(
        "invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def invitation_send(*, user: User) -> None:
    """Send ``user`` the invitation e-mail, in their preferred language, once the current
    transaction commits (no e-mail for an account that was rolled back). The link is made
    then, from the committed account."""
    user_id = user.pk

    def send() -> None:
        invited = User.objects.get(pk=user_id)
        context = {
            "user": invited,
            "link": invitation_link(invited),
            "days": settings.INVITATION_DAYS,
        }
        with translation.override(invited.preferred_language or settings.LANGUAGE_CODE):
            subject = render_to_string("accounts/invitation_subject.txt", context)
            text = render_to_string("accounts/invitation_email.txt", context)
        send_mail(" ".join(subject.split()), text, None, [invited.email])

    transaction.on_commit(send)


def invitation_accept(*, user: User, password: str) -> User:
    """Set the invited person's first password (already validated by the form) and record it.
    The invitation link stops working with it."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(actor=locked, action="account.invitation_accept", target=locked)
    return locked
