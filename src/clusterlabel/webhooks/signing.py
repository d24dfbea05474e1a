"""An endpoint's secret: made, shown once, stored encrypted, read back to sign deliveries.

Why encrypted and not hashed: a delivery is signed with HMAC-SHA256 keyed by the secret, so the
worker needs the secret itself (a hash, as for API tokens, could check a secret but not sign
with it). It is stored with Fernet (AES-128-CBC and HMAC-SHA256, ``cryptography``) under a key
derived from ``SECRET_KEY`` by HKDF: a copy of the database alone reveals no secret. Rotating
``SECRET_KEY`` keeps old secrets readable while the old key is in ``SECRET_KEY_FALLBACKS``;
without it the stored secrets cannot be read and the endpoints must be made again (their
deliveries fail with that error, nothing is sent unsigned).
"""

from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SECRET_START = "whsec_"
PREFIX_LENGTH = 10  # "whsec_" and 4 characters


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted with ``SECRET_KEY`` or its fallbacks."""


def _fernet(key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"clusterlabel webhook secrets"
    ).derive(key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys])


def secret_new() -> str:
    """A new secret: ``whsec_`` and 43 URL-safe characters (256 random bits)."""
    return SECRET_START + secrets.token_urlsafe(32)


def secret_encrypt(secret: str) -> str:
    return _keys().encrypt(secret.encode("utf-8")).decode("ascii")


def secret_decrypt(stored: str) -> str:
    try:
        return _keys().decrypt(stored.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise SecretUnreadable(
            "the endpoint's secret cannot be decrypted with SECRET_KEY (was it changed?)"
        ) from error


def secret_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]
