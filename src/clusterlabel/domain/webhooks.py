"""Webhook rules without Django: which events exist, how a delivery is signed, and when a
failed delivery is tried again.

* A delivery's body is signed with HMAC-SHA256 over ``"<timestamp>.<body>"`` (the Unix time in
  seconds as decimal digits, a full stop, the body's bytes), keyed with the endpoint's secret
  as UTF-8. The header carries ``sha256=<hex>``. The timestamp is signed too, so a receiver
  that refuses old timestamps cannot be fed a recorded delivery again later.
* A delivery is tried once and, after each failure, again after ``BACKOFF`` (1 min, 5 min,
  30 min, 2 h, 12 h): six attempts in all, then it is given up.
* A 2xx answer is delivered; anything else (another status, a redirect, a timeout, a refused
  connection) is a failure.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from enum import StrEnum


class EventKind(StrEnum):
    """What a webhook reports. The values are the ``event`` field and the
    ``X-Clusterlabel-Event`` header."""

    LABEL_ISSUED = "label.issued"
    LABEL_RENEWED = "label.renewed"
    LABEL_SUSPENDED = "label.suspended"
    LABEL_REINSTATED = "label.reinstated"
    LABEL_REVOKED = "label.revoked"
    LABEL_EXPIRED = "label.expired"
    PROCEDURE_DECIDED = "procedure.decided"


#: The waits before the second, third, ... attempt; after the last one fails it is given up.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1

SIGNATURE_SCHEME = "sha256"


def signed_content(timestamp: int, body: bytes) -> bytes:
    """What the signature covers: ``b"<timestamp>." + body``."""
    return str(int(timestamp)).encode("ascii") + b"." + body


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Clusterlabel-Signature`` header's value: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(
        secret.encode("utf-8"), signed_content(timestamp, body), hashlib.sha256
    ).hexdigest()
    return f"{SIGNATURE_SCHEME}={digest}"


def signature_valid(
    secret: str, timestamp: int, body: bytes, header: str, *, now: int, tolerance: int = 300
) -> bool:
    """What a receiver checks: the signature matches (compared in constant time) and the
    timestamp is at most ``tolerance`` seconds away from ``now``."""
    if abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header.strip())


def is_success(status: int | None) -> bool:
    """Only a 2xx answer delivers."""
    return status is not None and 200 <= status < 300


def retry_after(attempts: int) -> timedelta | None:
    """The wait before the next attempt once ``attempts`` attempts (this round) have failed;
    ``None``: give up."""
    if attempts < 1:
        raise ValueError("at least one attempt has been made when a retry is asked for")
    if attempts > len(BACKOFF):
        return None
    return BACKOFF[attempts - 1]
