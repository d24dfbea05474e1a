"""The audit trail in words: who (the person's full name), what, and each changed value as a
reader says it, not as it is stored. Stored values stay exact (``canonical.json_safe``); this
module only reads them:

* people: user ids (``decided_by``) and user names (``assessors``, ``manager``) -> full names,
  with one query for every event of the page together; a name, username or e-mail address of
  an erased person (``ErasedIdentifier``, found in the same query) -> that person's pseudonym;
* ISO date-times -> the date and time in the current time zone ("4 December 2026, 20:42");
  ISO dates -> the long date;
* money (``fee_net`` ...) -> "4.975,00 €" / "€4,975.00", in the snapshot's currency;
* schemes ("bw-cluster-excellence 2026.1") -> the scheme's name, levels -> the level's name,
  with one query for the scheme versions the page mentions;
* countries and regions -> their names; coded values (states, modes) -> their labels
  (``display.register_value_labels``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

from clusterlabel.audit.canonical import identifier_digest
from clusterlabel.audit.display import (
    MISSING,
    VALUE_LABELS,
    action_label,
    changed_values,
    key_label,
    value_text,
)
from clusterlabel.audit.models import AuditEvent
from clusterlabel.core.countries import country_name, subdivision_name
from clusterlabel.core.formatting import localized, money_in
from clusterlabel.core.language import current_language
from clusterlabel.schemes.models import SchemeVersion

# Keys whose value is a user's primary key, and keys whose value is a user name (or a list).
PERSON_ID_KEYS = frozenset({"decided_by", "created_by", "actor", "user_id"})
PERSON_NAME_KEYS = frozenset({"assessors", "manager", "person", "user", "members"})
# Keys whose value is a person's own text (their account's fields): shown as stored unless the
# person was erased.
PERSONAL_TEXT_KEYS = frozenset(
    {"username", "email", "name", "first_name", "last_name", "full_name", "recipient"}
)
MONEY_KEYS = frozenset(
    {
        "fee_net",
        "fee_vat",
        "fee_gross",
        "fee_subsidy",
        "fee_payable_gross",
        "annual_budget",
        "amount",
    }
)
CURRENCY_KEY = "fee_currency"
COUNTRY_KEYS = frozenset({"country", "countries", "home_country"})
REGION_KEYS = frozenset({"region", "regions"})
SCHEME_KEYS = frozenset({"scheme", "requested_scheme"})
LEVEL_KEYS = frozenset({"level"})

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ShownChange:
    """One changed value in words; ``before``/``after`` are "" when the key was added/removed."""

    key: str
    label: str
    before: str
    after: str
    added: bool
    removed: bool


@dataclass(frozen=True)
class ShownEvent:
    event: AuditEvent
    actor: str  # the person's full name; "" for the system
    action: str
    changes: list[ShownChange] = field(default_factory=list)


@dataclass
class _Lookups:
    """What the values of a page's events refer to, read once for all of them."""

    people_by_id: dict[int, str] = field(default_factory=dict)
    people_by_username: dict[str, str] = field(default_factory=dict)
    erased: dict[str, str] = field(default_factory=dict)  # identifier digest -> pseudonym
    schemes: dict[tuple[str, str], SchemeVersion] = field(default_factory=dict)
    current_schemes: dict[str, SchemeVersion] = field(default_factory=dict)


def _full_name(user: Any) -> str:
    return user.get_full_name() or user.username


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _scheme_reference(value: Any) -> tuple[str, str] | None:
    """("bw-cluster-excellence", "2026.1") from "bw-cluster-excellence 2026.1"; ("ecei", "") from
    a bare scheme id."""
    if not isinstance(value, str) or not value.strip():
        return None
    scheme_id, _space, version = value.strip().partition(" ")
    return scheme_id, version.strip()


def _snapshots(event: AuditEvent) -> list[Mapping[str, Any]]:
    return [s for s in (event.before, event.after) if isinstance(s, Mapping)]


def _lookups(events: list[AuditEvent]) -> _Lookups:
    user_ids: set[int] = set()
    usernames: set[str] = set()
    digests: set[str] = set()
    schemes: set[tuple[str, str]] = set()
    for event in events:
        if event.actor_id is not None and not AuditEvent.actor.is_cached(event):
            user_ids.add(event.actor_id)
        for snapshot in _snapshots(event):
            for key, value in snapshot.items():
                if key in PERSON_ID_KEYS:
                    user_ids.update(v for v in _as_list(value) if isinstance(v, int))
                elif key in PERSON_NAME_KEYS:
                    usernames.update(v for v in _as_list(value) if isinstance(v, str))
                    digests.update(
                        identifier_digest(v) for v in _as_list(value) if isinstance(v, str)
                    )
                elif key in PERSONAL_TEXT_KEYS:
                    digests.update(
                        identifier_digest(v) for v in _as_list(value) if isinstance(v, str)
                    )
                elif key in SCHEME_KEYS and (reference := _scheme_reference(value)):
                    schemes.add(reference)
    found = _Lookups()
    if user_ids or usernames or digests:
        people = Q(pk__in=user_ids) | Q(username__in=usernames)
        if digests:
            people |= Q(erased_identifiers__digest__in=digests)
        for row in (
            get_user_model()
            .objects.filter(people)
            .values("id", "username", "first_name", "last_name", "erased_identifiers__digest")
        ):
            name = f"{row['first_name']} {row['last_name']}".strip() or row["username"]
            found.people_by_id[row["id"]] = name
            found.people_by_username[row["username"]] = name
            if row["erased_identifiers__digest"] in digests:
                found.erased[row["erased_identifiers__digest"]] = name
    if schemes:
        scheme_ids = {scheme_id for scheme_id, _version in schemes}
        for version in SchemeVersion.objects.filter(scheme_id__in=scheme_ids):
            found.schemes[(version.scheme_id, version.version)] = version
            if version.is_current:
                found.current_schemes[version.scheme_id] = version
    return found


def _scheme_version(value: Any, lookups: _Lookups) -> SchemeVersion | None:
    reference = _scheme_reference(value)
    if reference is None:
        return None
    scheme_id, version = reference
    if version:
        return lookups.schemes.get((scheme_id, version))
    return lookups.current_schemes.get(scheme_id)


def _date_time_text(value: str) -> str | None:
    if _DATETIME.match(value):
        moment = parse_datetime(value.replace("Z", "+00:00"))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if _DATE.match(value):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
    return None


def _money_text(value: Any, currency: str) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return money_in(amount, currency) if amount.is_finite() else None


def _erased_or(value: str, lookups: _Lookups) -> str:
    """The pseudonym of the erased person ``value`` names, or ``value`` itself."""
    return lookups.erased.get(identifier_digest(value), value) if lookups.erased else value


def value_in_words(
    value: Any,
    key: str,
    *,
    snapshot: Mapping[str, Any] | None = None,
    lookups: _Lookups | None = None,
) -> str:
    """One stored value of ``key`` as a reader says it; ``snapshot`` is the before/after it
    belongs to (for the currency of an amount and the scheme of a level)."""
    if value is MISSING or value is None:
        return value_text(value)
    lookups = lookups or _Lookups()
    snapshot = snapshot or {}
    if isinstance(value, list):
        return ", ".join(value_in_words(v, key, snapshot=snapshot, lookups=lookups) for v in value)
    labels = VALUE_LABELS.get(key)
    if labels is not None and isinstance(value, str) and value in labels:
        return str(labels[value])
    if key in PERSON_ID_KEYS and isinstance(value, int):
        return lookups.people_by_id.get(value, str(value))
    if key in PERSON_NAME_KEYS and isinstance(value, str):
        return lookups.people_by_username.get(value) or _erased_or(value, lookups)
    if key in PERSONAL_TEXT_KEYS and isinstance(value, str):
        return _erased_or(value, lookups)
    if key in MONEY_KEYS:
        text = _money_text(value, str(snapshot.get(CURRENCY_KEY) or "EUR"))
        if text is not None:
            return text
    if key in COUNTRY_KEYS and isinstance(value, str):
        return country_name(value)
    if key in REGION_KEYS and isinstance(value, str):
        return subdivision_name(value)
    if key in SCHEME_KEYS:
        version = _scheme_version(value, lookups)
        if version is not None:
            return version.name(current_language())
    if key in LEVEL_KEYS and isinstance(value, str):
        scheme = _scheme_version(snapshot.get("scheme"), lookups)
        if scheme is not None:
            level = next((lv for lv in scheme.scheme.levels if lv.id == value), None)
            if level is not None:
                return localized(level.name)
    if isinstance(value, str):
        moment = _date_time_text(value)
        if moment is not None:
            return moment
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return value_text(value)


def present_trail(events: Iterable[AuditEvent]) -> list[ShownEvent]:
    """The events as a page shows them. Queries: at most one for the people and one for the
    scheme versions the events mention, whatever the number of events."""
    events = list(events)
    lookups = _lookups(events)
    shown = []
    for event in events:
        if event.actor_id is None:
            actor = event.actor_label
        elif AuditEvent.actor.is_cached(event) and event.actor is not None:
            actor = _full_name(event.actor)
        else:
            actor = lookups.people_by_id.get(event.actor_id, event.actor_label)
        before = event.before if isinstance(event.before, Mapping) else {}
        after = event.after if isinstance(event.after, Mapping) else {}
        changes = [
            ShownChange(
                key=change.key,
                label=key_label(change.key),
                before=""
                if change.added
                else value_in_words(change.before, change.key, snapshot=before, lookups=lookups),
                after=""
                if change.removed
                else value_in_words(change.after, change.key, snapshot=after, lookups=lookups),
                added=change.added,
                removed=change.removed,
            )
            for change in changed_values(event.before, event.after)
        ]
        shown.append(
            ShownEvent(event=event, actor=actor, action=action_label(event.action), changes=changes)
        )
    return shown
