"""Appending many events at once (an import): the same chain as one call per event."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import (
    AuditOutsideTransaction,
    PendingEvent,
    audit_record,
    audit_record_batch,
    verify_chain,
)
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_batch_continues_the_chain_event_after_event_in_its_order():
    actor = UserFactory()
    with transaction.atomic():
        first = audit_record(actor=None, action="test.before", target_type="x", target_id="1")
        events = audit_record_batch(
            actor=actor,
            events=[
                PendingEvent(action="test.one", target=actor, after={"n": 1}),
                PendingEvent(action="test.two", target_type="x", target_id="2", before={"n": 1}),
                PendingEvent(action="test.three", reason="why"),
            ],
            batch_size=2,  # two INSERTs
        )
        after = audit_record(actor=None, action="test.after")
    stored = list(AuditEvent.objects.filter(sequence__gt=first.sequence).order_by("sequence"))
    assert [e.action for e in stored] == ["test.one", "test.two", "test.three", "test.after"]
    assert [e.sequence for e in stored] == [first.sequence + n for n in (1, 2, 3, 4)]
    assert stored[0].previous_hash == first.hash
    assert stored[3].previous_hash == events[2].hash == stored[2].hash
    assert (stored[0].actor, stored[0].actor_label) == (actor, actor.username)
    assert (stored[0].target_type, stored[0].target_id) == ("accounts.user", str(actor.pk))
    assert stored[1].before == {"n": 1} and stored[2].reason == "why"
    assert all(e.hash == e.compute_hash() for e in stored)
    assert after.previous_hash == stored[2].hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_or_with_a_bad_event_writes_nothing():
    with pytest.raises(AuditOutsideTransaction):
        audit_record_batch(actor=None, events=[PendingEvent(action="test.one")])
    with pytest.raises(ValueError, match="not a code"), transaction.atomic():
        audit_record_batch(
            actor=None, events=[PendingEvent(action="test.one"), PendingEvent(action="Bad")]
        )
    assert not AuditEvent.objects.exists()
    with transaction.atomic():
        assert audit_record_batch(actor=None, events=[]) == []


def test_the_queryset_still_refuses_bulk_creating_events_to_everybody_else():
    with pytest.raises(Exception, match="append-only"):
        AuditEvent.objects.bulk_create([AuditEvent(sequence=1)])


@pytest.mark.django_db
def test_a_batch_returns_the_stored_rows_and_on_postgresql_inserts_them_with_copy():
    """On PostgreSQL the batch goes in by COPY: the rows, their ids and values must be what
    bulk_create stored (JSON with nesting, None, text needing escapes), and no INSERT is sent."""
    actor = UserFactory()
    values = {"name": 'Café "Nord"\t\\ e. V.', "nested": {"list": [1, None, "x"]}, "n": None}
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        events = audit_record_batch(
            actor=actor,
            events=[
                PendingEvent(action="test.one", target=actor, before=None, after=values),
                PendingEvent(action="test.two", target_type="x", target_id="2", reason="a\nb"),
            ],
        )
    stored = {event.pk: event for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert [stored[event.pk].sequence for event in events] == [event.sequence for event in events]
    first, second = (stored[event.pk] for event in events)
    assert (first.before, first.after, first.actor, first.hash_format) == (None, values, actor, 2)
    assert (second.reason, second.after, second.occurred_at) == (
        "a\nb",
        None,
        events[1].occurred_at,
    )
    assert all(event.hash == event.compute_hash() for event in stored.values())
    assert verify_chain().ok
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == (0 if connection.vendor == "postgresql" else 1)
