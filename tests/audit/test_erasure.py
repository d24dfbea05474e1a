"""Erasing a person from what the trail shows, without breaking the hash chain."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from clusterlabel.audit.canonical import event_hash, identifier_digest
from clusterlabel.audit.models import AuditEvent, ErasedIdentifier
from clusterlabel.audit.presenter import present_trail
from clusterlabel.audit.services import (
    AuditOutsideTransaction,
    audit_erase_person,
    verify_chain,
)
from tests.audit.conftest import TABLE, raw_sql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def erase(user, *identifiers: str) -> int:
    with transaction.atomic():
        return audit_erase_person(
            user=user, pseudonym=f"Erased person #{user.pk}", identifiers=identifiers
        )


def test_new_events_hash_the_actor_by_id_and_leave_the_label_outside(record):
    erika = UserFactory(username="erika")
    event = record(actor=erika)
    assert event.hash_format == 2
    payload = {
        field: getattr(event, field)
        for field in (
            "sequence",
            "previous_hash",
            "occurred_at",
            "actor_id",
            "action",
            "target_type",
            "target_id",
            "procedure_id",
            "before",
            "after",
            "reason",
        )
    }
    assert event.hash == event_hash(**payload, actor_label="anything else", hash_format=2)
    assert event.hash != event_hash(**payload, actor_label="erika", hash_format=1)


def test_erasure_relabels_new_events_and_the_chain_still_verifies(record):
    erika = UserFactory(username="erika")
    other = UserFactory(username="otto")
    mine = [record(actor=erika), record(actor=other), record(actor=erika)]
    assert verify_chain().ok

    assert erase(erika, "erika", "erika@example.org") == 2

    labels = dict(AuditEvent.objects.values_list("sequence", "actor_label"))
    assert labels == {
        mine[0].sequence: f"Erased person #{erika.pk}",
        mine[1].sequence: "otto",
        mine[2].sequence: f"Erased person #{erika.pk}",
    }
    report = verify_chain()
    assert (report.ok, report.events_checked) == (True, 3)
    # The hashes themselves did not change.
    assert list(AuditEvent.objects.values_list("hash", flat=True)) == [e.hash for e in mine]
    # Again: nothing left to relabel, the register holds each identifier once.
    assert erase(erika, "erika", "ERIKA", "erika@example.org") == 0
    assert ErasedIdentifier.objects.filter(user=erika).count() == 2


def test_a_format_1_event_keeps_its_label_in_the_hash(record):
    """Events recorded before format 2 cannot be relabelled: changing their label is found."""
    erika = UserFactory(username="erika")
    event = record(actor=erika)
    old_hash = event_hash(
        sequence=event.sequence,
        previous_hash=event.previous_hash,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label="erika",
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        procedure_id=event.procedure_id,
        before=event.before,
        after=event.after,
        reason=event.reason,
        hash_format=1,
    )
    raw_sql(f"UPDATE {TABLE} SET hash_format = 1, hash = %s", [old_hash])
    assert verify_chain().ok

    assert erase(erika, "erika") == 0  # format 1: the label stays
    assert AuditEvent.objects.get().actor_label == "erika"
    assert verify_chain().ok

    raw_sql(f"UPDATE {TABLE} SET actor_label = 'someone'")
    report = verify_chain()
    assert report.ok is False
    assert report.problem.startswith("hash mismatch: the content of event #1")


def test_the_display_shows_the_pseudonym_for_names_in_hashed_values(record):
    erika = UserFactory(username="erika", first_name="Erika", last_name="Muster")
    record(
        actor=None,
        action="account.create",
        target_type="accounts.user",
        target_id=str(erika.pk),
        after={"username": "erika", "email": "erika@example.org", "name": "Erika Muster"},
    )
    record(actor=None, before={"assessors": []}, after={"assessors": ["erika", "otto"]})
    (created, assigned) = present_trail(AuditEvent.objects.all())
    assert {c.after for c in created.changes} == {"erika", "erika@example.org", "Erika Muster"}
    assert assigned.changes[0].after == "Erika Muster, otto"

    # What the erasure of the account does: new fields, then the register.
    erika.username, erika.first_name, erika.last_name = "erased-1", "Erased person #1", ""
    erika.save()
    erase(erika, "erika", "erika@example.org", "Erika Muster")

    (created, assigned) = present_trail(AuditEvent.objects.all())
    assert {c.after for c in created.changes} == {"Erased person #1"}
    assert assigned.changes[0].after == "Erased person #1, otto"
    assert verify_chain().ok


def test_the_register_keeps_no_clear_text():
    erika = UserFactory(username="erika")
    erase(erika, "erika@example.org")
    (stored,) = ErasedIdentifier.objects.values_list("digest", flat=True)
    assert stored == identifier_digest("Erika@Example.org ")
    assert "erika" not in stored


@pytest.mark.django_db(transaction=True)
def test_the_erasure_write_needs_a_transaction():
    with pytest.raises(AuditOutsideTransaction):
        audit_erase_person(user=UserFactory(), pseudonym="x", identifiers=[])


# The trigger exists only on PostgreSQL (CI's second run), as in test_append_only.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
def test_postgresql_lets_only_the_label_of_a_format_2_event_change(record):
    erika = UserFactory(username="erika")
    record(actor=erika)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_label = 'Erased person'")
    assert AuditEvent.objects.get().actor_label == "Erased person"
    for sql in (
        f"UPDATE {TABLE} SET actor_label = 'x', reason = 'rewritten'",
        f"UPDATE {TABLE} SET hash_format = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="audit events are append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    raw_sql(f"UPDATE {TABLE} SET hash_format = 1")
    with (
        pytest.raises(DatabaseError, match="audit events are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {TABLE} SET actor_label = 'y'")
