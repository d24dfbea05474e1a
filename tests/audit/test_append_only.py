"""Recorded events cannot be changed or deleted through the application or (PostgreSQL) SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from clusterlabel.audit.models import AuditEvent, AuditEventImmutable
from tests.audit.conftest import TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(record) -> AuditEvent:
    return record(action="procedure.submit_application", reason="original")


def unchanged(event: AuditEvent) -> bool:
    row = AuditEvent.objects.values("reason", "hash").get(pk=event.pk)
    return row == {"reason": "original", "hash": event.hash}


def test_saving_a_loaded_event_is_refused(event):
    loaded = AuditEvent.objects.get(pk=event.pk)
    loaded.reason = "rewritten"
    with pytest.raises(AuditEventImmutable, match="changing event #1 is refused"):
        loaded.save()
    with pytest.raises(AuditEventImmutable):
        loaded.save(update_fields=["reason"])
    assert unchanged(event)


def test_a_new_instance_with_an_existing_primary_key_cannot_overwrite(event):
    copy = AuditEvent.objects.get(pk=event.pk)
    copy._state.adding = True
    copy.sequence = 99
    copy.previous_hash = "a" * 64
    copy.reason = "rewritten"
    copy.hash = copy.compute_hash()
    # The save is an INSERT, never an UPDATE, so the primary key collides.
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()
    assert unchanged(event)


def test_an_event_whose_hash_does_not_match_is_not_saved(event):
    forged = AuditEvent(
        sequence=2,
        previous_hash=event.hash,
        occurred_at=event.occurred_at,
        action="procedure.award",
        hash="0" * 63 + "1",
    )
    with pytest.raises(ValueError, match="hash must match"):
        forged.save()
    assert AuditEvent.objects.count() == 1


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditEventImmutable, match="deleting event #1 is refused"):
        AuditEvent.objects.get(pk=event.pk).delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    "bulk_write",
    [
        lambda qs: qs.update(reason="rewritten"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["reason"]),
        lambda qs: qs.update_or_create(pk=1, defaults={"reason": "rewritten"}),
        lambda qs: qs.bulk_create([AuditEvent(sequence=2)]),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create", "bulk_create"],
)
def test_queryset_bulk_writes_are_refused(event, bulk_write):
    with pytest.raises(AuditEventImmutable, match="is refused"):
        bulk_write(AuditEvent.objects.all())
    assert AuditEvent.objects.count() == 1
    assert unchanged(event)


# The one skip in this app: the trigger exists only on PostgreSQL (CI's second run).
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
@pytest.mark.parametrize(
    "sql",
    [f"UPDATE {TABLE} SET reason = 'rewritten'", f"DELETE FROM {TABLE}"],
    ids=["update", "delete"],
)
def test_postgresql_refuses_raw_updates_and_deletes(event, sql):
    with (
        pytest.raises(DatabaseError, match="audit events are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert unchanged(event)
