"""Small, strict encoding helpers shared by the credentials modules.

Everything here is deliberately unforgiving: a verifier that "repairs" its input
(padding, duplicate JSON keys, naive datetimes) is a verifier an attacker can steer.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")


class EncodingError(ValueError):
    """Raised when bytes or text are not in the exact form a specification requires."""


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 section 5, RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url text; refuse padding, other alphabets and stray characters."""
    if not _B64URL_RE.fullmatch(text) or len(text) % 4 == 1:
        raise EncodingError("not unpadded base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - regex already guards
        raise EncodingError("not unpadded base64url text") from exc


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook: two parsers must never disagree about which duplicate wins."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise EncodingError(f"duplicate JSON member {key!r}")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    """JSON constant hook: NaN and Infinity are not JSON (RFC 8259)."""
    raise EncodingError(f"non-standard JSON constant {name}")


def strict_json_loads(data: bytes | str) -> Any:
    """Parse JSON refusing duplicate object members, NaN/Infinity and invalid UTF-8."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(
            text, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant
        )
    except UnicodeDecodeError as exc:
        raise EncodingError("not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise EncodingError(f"not JSON: {exc.msg}") from exc
    except RecursionError as exc:
        # Thousands of nested brackets exhaust the parser's stack; that is bad input, not a
        # fault of ours (a 500 in the app, exit code 1 "signature invalid" in the CLI before).
        raise EncodingError("JSON nested too deeply") from exc


def compact_json(value: Mapping[str, Any]) -> bytes:
    """Serialise a JSON object compactly as UTF-8 (the bytes that get signed)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def require_aware(moment: datetime, name: str) -> datetime:
    """Return ``moment`` if it carries a timezone, else raise ``ValueError`` naming it."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment


def to_instant(value: date | datetime, name: str, *, end_of_day: bool = False) -> datetime:
    """Turn a date or an aware datetime into an aware UTC datetime without microseconds.

    A bare ``date`` means the whole UTC day: its first second, or its last one when
    ``end_of_day`` is set (so a label "valid until 2027-06-30" is valid all that day).
    """
    if isinstance(value, datetime):
        moment = require_aware(value, name).astimezone(UTC)
    else:
        moment = datetime.combine(value, time.max if end_of_day else time.min, tzinfo=UTC)
    return moment.replace(microsecond=0)


def format_datetime(moment: datetime) -> str:
    """Format an aware datetime as an XML Schema dateTimeStamp in UTC, e.g. 2024-07-03T00:00:00Z."""
    return require_aware(moment, "datetime").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(text: object, name: str) -> datetime:
    """Parse a dateTimeStamp (timezone required) from a credential; raise EncodingError."""
    if not isinstance(text, str):
        raise EncodingError(f"{name} is not a string")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise EncodingError(f"{name} is not an ISO 8601 date-time") from exc
    if moment.tzinfo is None:
        raise EncodingError(f"{name} has no timezone")
    return moment


def numeric_date(moment: datetime) -> int:
    """RFC 7519 NumericDate (whole seconds since the epoch) of an aware datetime."""
    return int(require_aware(moment, "datetime").timestamp())
