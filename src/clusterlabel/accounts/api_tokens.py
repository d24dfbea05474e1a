"""Personal API tokens: made and revoked by their owner, checked on each API request.

A token is ``cl_`` and 43 random URL-safe characters (256 bits), sent as
``Authorization: Bearer cl_…``. Only its SHA-256 is stored, so a copy of the database gives no
working token; a lookup by hash needs no constant-time comparison of secrets. The token acts
as its owner with the owner's grants (the policy layer answers every endpoint), never more: a
person whose grants shrink finds their tokens shrunk too. Each token's requests are limited to
``API_TOKEN_RATE``; a request with a bad token is answered 401 without saying why beyond
"invalid or expired", and counts against its address's rate like an anonymous one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from clusterlabel.accounts.models import ApiToken, User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.api import AddressRateThrottle, ReadOnly
from clusterlabel.core.api_views import ProblemSerializer

TOKEN_START = "cl_"
PREFIX_LENGTH = 10  # "cl_" and 7 characters: enough to tell a person's tokens apart
#: The lifetimes a person can pick, in days (None: until revoked).
LIFETIMES = (30, 90, 365, None)
DEFAULT_TOKEN_RATE = "600/minute"
# last_used_at is written at most this often per token: a busy client costs no write per request.
LAST_USED_PRECISION = timedelta(minutes=5)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``key`` is the secret, shown to its owner this once."""

    token: ApiToken
    key: str


def api_token_create(*, user: User, name: str, lifetime_days: int | None) -> NewToken:
    """Make a token for ``user`` named ``name``, valid ``lifetime_days`` (None: until revoked).
    Records ``api_token.create`` (name, prefix, expiry; never the secret)."""
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name")
    if lifetime_days not in LIFETIMES:
        raise ValueError(f"lifetime {lifetime_days!r} is not one of {LIFETIMES}")
    key = TOKEN_START + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + timedelta(days=lifetime_days) if lifetime_days is not None else None
    )
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name,
            prefix=key[:PREFIX_LENGTH],
            key_hash=_hash(key),
            expires_at=expires_at,
        )
        token.full_clean(exclude=["key_hash"])
        token.save()
        audit_record(
            actor=user,
            action="api_token.create",
            target=token,
            after={
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return NewToken(token=token, key=key)


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke one of ``actor``'s own tokens (someone else's: ``ApiToken.DoesNotExist``, so that
    its existence is not revealed); revoking a revoked token changes nothing. Records
    ``api_token.revoke``."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk, user=actor)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            target=locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at.isoformat()},
        )
    return locked


def api_tokens_of(user: User) -> list[ApiToken]:
    """The person's tokens, newest first, revoked ones included (they say so)."""
    return list(ApiToken.objects.filter(user=user))


def usable_token(key: str) -> ApiToken | None:
    """The token ``key`` stands for, if it is neither revoked nor expired and its owner is
    active; marks it used (at most every ``LAST_USED_PRECISION``)."""
    if not key.startswith(TOKEN_START) or len(key) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer cl_…``: the token's owner, or 401. Without the header the
    request is anonymous (the endpoint's permission decides)."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("The API token is invalid or has expired.")) from None
        token = usable_token(key)
        if token is None:
            raise AuthenticationFailed(_("The API token is invalid or has expired."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="clusterlabel"'


class TokenRateThrottle(SimpleRateThrottle):
    """At most ``API_TOKEN_RATE`` requests per token (read at each request, like the address
    rate); requests without a token are left to the address's throttle."""

    scope = "token"

    def get_rate(self) -> str | None:
        return str(getattr(settings, "API_TOKEN_RATE", DEFAULT_TOKEN_RATE))

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document names the token (an HTTP bearer scheme)."""

    target_class = "clusterlabel.accounts.api_tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token (cl_…), made under Account → API tokens. It acts with "
                "its owner's rights."
            ),
        }


class TokenAPIView(APIView):
    """An endpoint for a token's owner: a valid token (else 401), read-only, at most
    ``API_TOKEN_RATE`` per token and ``API_ANON_RATE`` per address for requests without one.
    What the owner may see is the policy layer's answer, asked by each endpoint."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated & ReadOnly]
    throttle_classes = [TokenRateThrottle, AddressRateThrottle]

    @staticmethod
    def owner(request: Request) -> User:
        """The token's owner (the permission classes have let only them through)."""
        user = request.user
        if not isinstance(user, User):
            raise AuthenticationFailed
        return user


#: The answers every token endpoint documents besides its own.
UNAUTHORISED = OpenApiResponse(ProblemSerializer, description="No token, or an invalid one.")
TOKEN_THROTTLED = OpenApiResponse(ProblemSerializer, description="Too many requests.")
