"""The canonical form of an audit event and its hash.

Pure functions, no database: the same event content always yields the same bytes and so the same
SHA-256, on SQLite and on PostgreSQL, today and when re-checked years later.

The canonical form is JSON with sorted keys, no insignificant whitespace, UTF-8, datetimes as
ISO 8601 in UTC with microseconds (``2025-07-03T09:15:00.000000Z``) and Decimals as strings.
One rule keeps it stable across databases: a float with an integral value is written as an
integer, because PostgreSQL's ``jsonb`` stores numbers as ``numeric`` and gives ``1e+20`` back as
``100000000000000000000``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, overload
from uuid import UUID

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

# Part of every hashed payload. A future change of the canonical form gets a new value, so old
# events keep verifying under the rules they were written with.
HASH_FORMAT = "clusterlabel-audit/1"
# Format 2 (every event recorded since the data-protection release): the actor is hashed by
# account id only, and ``actor_label`` (the username at the time, personal data) stays outside
# the hash, so erasing a person can overwrite it without breaking the chain.
HASH_FORMAT_2 = "clusterlabel-audit/2"
HASH_FORMATS = {1: HASH_FORMAT, 2: HASH_FORMAT_2}
CURRENT_HASH_FORMAT = 2

# The ``previous_hash`` of the first event.
GENESIS_HASH = "0" * 64

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


def format_timestamp(value: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with microseconds; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: audit timestamps must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@overload
def json_safe(value: Mapping[Any, Any]) -> dict[str, JSONValue]: ...
@overload
def json_safe(value: Any) -> JSONValue: ...
def json_safe(value: Any) -> JSONValue:
    """Convert a value to plain JSON types, for an event's ``before`` and ``after``.

    Decimal → string (exact, ``"4975.00"``); aware datetime → ISO UTC string with microseconds;
    date, time → ISO string; timedelta → ISO 8601 duration; UUID → string; enum (including
    Django choices) → its value; lazy translation → string; model instance → its primary key;
    file → its name; mapping → dict with string keys; list, tuple → list; set → sorted list.

    Raises ``ValueError`` for a naive datetime, a non-finite float or two keys that become the
    same string, and ``TypeError`` for anything else (bytes, arbitrary objects): the trail
    stores what can be shown and re-hashed, nothing else.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be stored in the audit trail")
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, models.Model):
        if value.pk is None:
            raise ValueError(f"unsaved {type(value).__name__} has no primary key to record")
        return json_safe(value.pk)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, Mapping):
        result: dict[str, JSONValue] = {}
        for key, item in value.items():
            safe_key = json_safe(key)
            if isinstance(safe_key, dict | list) or safe_key is None:
                raise TypeError(f"mapping key {key!r} cannot be a JSON object key")
            text_key = safe_key if isinstance(safe_key, str) else json.dumps(safe_key)
            if text_key in result:
                raise ValueError(f"two keys both become {text_key!r}")
            result[text_key] = json_safe(item)
        return result
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((json_safe(item) for item in value), key=canonical_json)
    raise TypeError(
        f"{type(value).__name__} cannot be stored in the audit trail; "
        "pass a string, number, date or a mapping of them"
    )


def _normalised(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    return value


def canonical_json(value: Any) -> str:
    """The canonical JSON text of an already JSON-safe value."""
    return json.dumps(
        _normalised(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def event_hash(
    *,
    sequence: int,
    previous_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    procedure_id: int | None,
    before: JSONValue,
    after: JSONValue,
    reason: str,
    hash_format: int = 1,
) -> str:
    """SHA-256 (64 lowercase hex digits) of the canonical JSON of every content field of an
    event, its sequence number and the previous event's hash.

    ``hash_format`` 1 hashes ``actor_label`` too; format 2 leaves it out (the actor is covered
    by ``actor_id``), so that a person's erasure can pseudonymise the label."""
    payload: dict[str, Any] = {
        "format": HASH_FORMATS[hash_format],
        "sequence": sequence,
        "previous_hash": previous_hash,
        "occurred_at": format_timestamp(occurred_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "procedure_id": procedure_id,
        "before": before,
        "after": after,
        "reason": reason,
    }
    if hash_format != 1:
        del payload["actor_label"]
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def identifier_digest(text: str) -> str:
    """The digest by which the erasure register knows a person's identifier (username, e-mail
    address, name) without keeping it: SHA-256 of the case-folded, trimmed text."""
    normalised = " ".join(text.split()).casefold()
    return hashlib.sha256(f"clusterlabel-erased/1\0{normalised}".encode()).hexdigest()
