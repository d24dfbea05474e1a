"""Writing audit events and verifying the chain. Every audit event is written here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.audit.canonical import GENESIS_HASH, JSONValue, identifier_digest, json_safe
from clusterlabel.audit.models import AuditEvent, ErasedIdentifier

if TYPE_CHECKING:  # the audit trail sits below the apps; the user model only names the actor
    from clusterlabel.accounts.models import User

__all__ = [
    "AUDIT_CHAIN_LOCK_ID",
    "AuditOutsideTransaction",
    "ChainReport",
    "PendingEvent",
    "audit_erase_person",
    "audit_record",
    "audit_record_batch",
    "json_safe",
    "verify_chain",
]

# The PostgreSQL advisory lock that serialises appends to the chain ("clAudit" in ASCII).
AUDIT_CHAIN_LOCK_ID = 0x636C_4175_6469_74

ACTION_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class AuditOutsideTransaction(transaction.TransactionManagementError):
    """``audit_record`` was called outside ``transaction.atomic()``."""


def _append_lock(connection: BaseDatabaseWrapper) -> None:
    """Make this transaction the only one appending until it commits or rolls back.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback. In READ
    COMMITTED (Django's default) the following read of the last event takes a fresh snapshot,
    so it sees the event the previous lock holder committed.

    SQLite: one writer at a time holds the database's write lock until commit. A transaction
    that only read so far holds no lock, so two of them could read the same last event. A
    no-op write takes the write lock now (waiting up to the busy timeout); from then on no
    other connection can commit, so the last event read below stays the last. If this
    transaction had read an older snapshot before and another writer committed since, SQLite
    refuses the write ("database is locked") rather than let the chain fork; the
    ``"transaction_mode": "IMMEDIATE"`` database option avoids that by locking at ``BEGIN``.

    Other databases: the unique ``sequence`` and ``previous_hash`` refuse a fork with an
    ``IntegrityError``; nothing waits.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_ID])
        elif connection.vendor == "sqlite":
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            cursor.execute(f"UPDATE {table} SET sequence = sequence WHERE 0 = 1")


def _snapshot(value: Mapping[str, Any] | None, name: str) -> JSONValue:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping or None, not {type(value).__name__}")
    return json_safe(value)


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    procedure_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit trail, inside the caller's transaction.

    Guarantees: the event commits or rolls back with the change it records (calling this
    outside ``transaction.atomic()`` raises ``AuditOutsideTransaction`` and writes nothing);
    it gets the next sequence number and links to the last event visible at that moment, while
    concurrent appends wait (see ``_append_lock``), so the chain never forks. The append lock is
    held until the caller's transaction ends: record the event at the end of the service.

    ``actor`` is the acting user, ``None`` for the system (commands, scheduled jobs); the
    username is copied into ``actor_label``. ``target`` fills ``target_type`` (``app.model``)
    and ``target_id``; pass those two directly for something that is not a model instance. A
    target that is a ``procedures.procedure`` also fills ``procedure_id``. ``before`` and
    ``after`` go through ``json_safe``, so Decimals, dates and model instances may be passed.
    ``action`` is a code like ``procedure.submit_application``.
    """
    connection = _atomic_connection()
    event = _unchained_event(
        actor=actor,
        action=action,
        target=target,
        target_type=target_type,
        target_id=target_id,
        procedure_id=procedure_id,
        before=before,
        after=after,
        reason=reason,
    )
    _append_lock(connection)
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    _chain(event, last, timezone.now())
    event.save()
    return event


@dataclass(frozen=True)
class PendingEvent:
    """One event for ``audit_record_batch``: what ``audit_record`` takes besides the actor."""

    action: str
    target: models.Model | None = None
    target_type: str | None = None
    target_id: str | None = None
    procedure_id: int | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""


def audit_record_batch(
    *, actor: User | None, events: Sequence[PendingEvent], batch_size: int = 500
) -> list[AuditEvent]:
    """Append many events of one actor at once, in the given order, inside the caller's
    transaction: the same events ``audit_record`` called once per event would write (same
    checks, same chain: consecutive sequences, each linking to the one before), with one
    append lock, one read of the last event and one ``INSERT`` per ``batch_size`` events (on
    PostgreSQL one ``COPY`` and one read of the new ids) instead of three queries each. Every
    event is checked before anything is written; they share one ``occurred_at``. For bulk work
    like an import of thousands of rows."""
    connection = _atomic_connection()
    unchained = [
        _unchained_event(
            actor=actor,
            action=pending.action,
            target=pending.target,
            target_type=pending.target_type,
            target_id=pending.target_id,
            procedure_id=pending.procedure_id,
            before=pending.before,
            after=pending.after,
            reason=pending.reason,
        )
        for pending in events
    ]
    if not unchained:
        return []
    _append_lock(connection)
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    now = timezone.now()
    for event in unchained:
        _chain(event, last, now)
        last = event
    # The queryset refuses bulk writes to everybody else; here every event has just been
    # chained and hashed under the append lock, which is what save() would check one by one.
    if connection.vendor == "postgresql":
        _copy_events(connection, unchained)
    else:
        plain: models.QuerySet[AuditEvent, AuditEvent] = models.QuerySet(model=AuditEvent)
        plain.bulk_create(unchained, batch_size=batch_size)
    return unchained


def _copy_events(connection: BaseDatabaseWrapper, events: Sequence[AuditEvent]) -> None:
    """Insert chained events on PostgreSQL with one ``COPY ... FROM STDIN``, then read their ids.

    The rows, constraints and triggers are those ``bulk_create`` would give (each value is
    prepared by its field, as ``bulk_create`` prepares it); what differs is the transport.
    Django 5.2's ``bulk_create`` sends every column as one text array (``UNNEST``), and psycopg
    quotes and escapes every element of it in Python: for the JSON ``before``/``after`` that is
    every double quote of every value: an import's 18,813 events took about 2 s that way, by
    COPY (rows escaped by psycopg's C code) about 0.6 s. COPY does not go through Django's
    query log (``CaptureQueriesContext`` sees the SELECT of the ids, not the COPY).
    """
    meta = AuditEvent._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    sequence = quote(meta.get_field("sequence").column)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for event in events:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(event, True), connection)
                        for field in fields
                    ]
                )
        cursor.execute(
            f"SELECT {quote(meta.pk.column)} FROM {table} "
            f"WHERE {sequence} BETWEEN %s AND %s ORDER BY {sequence}",
            [events[0].sequence, events[-1].sequence],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias


def _atomic_connection() -> BaseDatabaseWrapper:
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(
            "audit_record must be called inside transaction.atomic(), so that the audit event "
            "commits or rolls back together with the change it records."
        )
    return connection


def _unchained_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None,
    target_type: str | None,
    target_id: str | None,
    procedure_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str,
) -> AuditEvent:
    """The event, checked, without its place in the chain (sequence, links, time)."""
    if not ACTION_CODE.match(action) or len(action) > 64:
        raise ValueError(f"action {action!r} is not a code like 'procedure.submit_application'")
    if target is not None:
        if target_type is not None or target_id is not None:
            raise ValueError("pass either target or target_type/target_id, not both")
        if target.pk is None:
            raise ValueError(f"the target {type(target).__name__} has not been saved")
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if procedure_id is None and target_type == "procedures.procedure":
            procedure_id = target.pk
    if (target_type is None) != (target_id is None):
        raise ValueError("target_type and target_id go together")
    if actor is not None and actor.pk is None:
        raise ValueError("the actor must be a saved user, or None for the system")
    return AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        action=action,
        target_type=target_type or "",
        target_id=target_id or "",
        procedure_id=procedure_id,
        before=_snapshot(before, "before"),
        after=_snapshot(after, "after"),
        reason=reason,
    )


_COMPUTED = ["actor", "before", "after", "sequence", "occurred_at", "previous_hash", "hash"]


def _chain(event: AuditEvent, last: AuditEvent | None, occurred_at: datetime) -> None:
    """Place the event after ``last`` (None: the first event) and hash it."""
    event.sequence = last.sequence + 1 if last else 1
    event.previous_hash = last.hash if last else GENESIS_HASH
    event.occurred_at = occurred_at
    event.hash = event.compute_hash()
    # Lengths and types are checked here; uniqueness and the actor's existence are left to
    # the lock and the database constraints, which saves four queries per event. What this
    # module computes is not checked again: ``before`` and ``after`` are JSON already (json_safe
    # made them so and the hash serialised them), the sequence, time and hashes are its own.
    event.clean_fields(exclude=_COMPUTED)


def audit_erase_person(*, user: User, pseudonym: str, identifiers: Sequence[str]) -> int:
    """Take a person's name out of what the trail shows, without breaking the chain.

    Inside the caller's transaction: every event of format 2 that ``user`` acted in gets
    ``pseudonym`` as its ``actor_label`` (outside the hash of that format); the keyed digests of
    ``identifiers`` (the old username, e-mail address, full name) go into the erasure register,
    by which ``presenter.present_trail`` shows the pseudonym wherever hashed values (format-1
    labels, names in ``before``/``after``) still hold the old text. Returns the number of
    events relabelled. Idempotent.
    """
    _atomic_connection()
    for text in {value for value in identifiers if value and value.strip()}:
        ErasedIdentifier.objects.get_or_create(
            digest=identifier_digest(text), defaults={"user": user}
        )
    # The one write to recorded events there is: the queryset refuses updates to everybody
    # else, and the PostgreSQL trigger lets exactly this column of format-2 events change.
    plain: models.QuerySet[AuditEvent, AuditEvent] = models.QuerySet(model=AuditEvent)
    return (
        plain.filter(actor=user, hash_format=2)
        .exclude(actor_label=pseudonym)
        .update(actor_label=pseudonym)
    )


@dataclass(frozen=True)
class ChainReport:
    """The outcome of ``verify_chain``.

    ``events_checked`` counts the events found intact before the first broken one (all of them
    when ``ok``). ``problem`` is empty when ``ok``. ``last`` is the last intact event: its
    sequence and hash, kept somewhere else, prove later that no event was cut off the end.
    """

    ok: bool
    events_checked: int
    first_broken: AuditEvent | None
    problem: str
    last: AuditEvent | None = None


def _event_problem(event: AuditEvent, previous: AuditEvent | None) -> str:
    expected_sequence = previous.sequence + 1 if previous else 1
    # Sequences are unique and read in ascending order, so a mismatch is always a gap.
    if event.sequence != expected_sequence:
        if event.sequence - expected_sequence == 1:
            return _(
                "sequence gap: event #%(missing)s is missing before #%(sequence)s "
                "(an event was deleted)."
            ) % {"missing": expected_sequence, "sequence": event.sequence}
        return _(
            "sequence gap: events #%(first)s to #%(last)s are missing before #%(sequence)s "
            "(events were deleted)."
        ) % {"first": expected_sequence, "last": event.sequence - 1, "sequence": event.sequence}
    expected_link = previous.hash if previous else GENESIS_HASH
    if event.previous_hash != expected_link:
        return _(
            "link mismatch: event #%(sequence)s does not carry the hash of the event before it "
            "(an event was removed or inserted, or the previous event was rewritten)."
        ) % {"sequence": event.sequence}
    if event.hash != event.compute_hash():
        return _(
            "hash mismatch: the content of event #%(sequence)s was changed after it was recorded."
        ) % {"sequence": event.sequence}
    return ""


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Check the whole trail in sequence order and report the first broken event.

    Each event must have the next sequence number (a gap means an event was deleted), carry
    the previous event's hash (a mismatch means an event was removed, inserted or rewritten
    together with its hash) and have a hash that matches its content (a mismatch means the
    content was changed). Streams the events in batches of ``batch_size``, so memory stays
    constant however long the trail is.
    """
    previous: AuditEvent | None = None
    checked = 0
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for event in events:
        problem = _event_problem(event, previous)
        if problem:
            return ChainReport(
                ok=False,
                events_checked=checked,
                first_broken=event,
                problem=problem,
                last=previous,
            )
        previous = event
        checked += 1
    return ChainReport(
        ok=True, events_checked=checked, first_broken=None, problem="", last=previous
    )
