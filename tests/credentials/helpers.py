"""Helpers for the credentials tests, independent of the code under test."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

ISSUER = "https://labels.example.org"
REVOCATION_LIST_URL = f"{ISSUER}/status/revocation/1"
SUSPENSION_LIST_URL = f"{ISSUER}/status/suspension/1"
INSIDE_VALIDITY = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)


def b64url(data: bytes) -> str:
    """Unpadded base64url, written out here so the tests do not trust the code under test."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """Decode unpadded base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode_part(token: str, index: int) -> dict[str, Any]:
    """JSON of the header (0) or payload (1) of a compact JWS, without verifying anything."""
    return json.loads(unb64url(token.split(".")[index]))


def with_part(token: str, index: int, value: dict[str, Any]) -> str:
    """The token with its header (0) or payload (1) replaced, keeping the other parts."""
    parts = token.split(".")
    parts[index] = b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))
    return ".".join(parts)
