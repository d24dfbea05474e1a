"""Recording audit events: the chain, the transaction, the stored values."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.canonical import GENESIS_HASH, json_safe
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import AuditOutsideTransaction, audit_record, verify_chain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def spec_hash(row: dict) -> str:
    """The hash as the issue specifies it, written out independently of the implementation.
    Format 2 (every event recorded now) leaves ``actor_label`` out, so that erasing a person
    can overwrite it; format 1 (older events) hashes it too."""
    payload = {
        "format": f"clusterlabel-audit/{row['hash_format']}",
        "sequence": row["sequence"],
        "previous_hash": row["previous_hash"],
        "occurred_at": row["occurred_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": row["actor_id"],
        "actor_label": row["actor_label"],
        "action": row["action"],
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "procedure_id": row["procedure_id"],
        "before": row["before"],
        "after": row["after"],
        "reason": row["reason"],
    }
    if row["hash_format"] == 2:
        del payload["actor_label"]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_row(sequence: int) -> dict:
    return AuditEvent.objects.filter(sequence=sequence).values().get()


def test_the_first_event_starts_the_chain(record):
    manager = UserFactory(username="erika")
    before = timezone.now()
    event = record(
        actor=manager,
        action="procedure.submit_application",
        target_type="procedures.procedure",
        target_id="17",
        procedure_id=17,
        before={"state": "draft"},
        after={"state": "applied"},
        reason="Ready for review.",
    )
    row = stored_row(1)
    assert row["sequence"] == 1
    assert row["previous_hash"] == GENESIS_HASH == "0" * 64
    assert row["actor_id"] == manager.pk
    assert row["actor_label"] == "erika"
    assert (row["action"], row["target_type"], row["target_id"], row["procedure_id"]) == (
        "procedure.submit_application",
        "procedures.procedure",
        "17",
        17,
    )
    assert (row["before"], row["after"]) == ({"state": "draft"}, {"state": "applied"})
    assert row["reason"] == "Ready for review."
    assert before <= row["occurred_at"] <= timezone.now()
    assert row["hash"] == spec_hash(row) == event.hash
    assert len(row["hash"]) == 64 and int(row["hash"], 16) >= 0


def test_each_event_carries_the_hash_of_the_one_before(record):
    first = record(action="procedure.submit_application")
    second = record(action="procedure.accept_application", reason="Fee agreed.")
    third = record(action="score.change", before={"value": 3}, after={"value": 4})
    rows = [stored_row(n) for n in (1, 2, 3)]
    assert [row["sequence"] for row in rows] == [1, 2, 3]
    assert rows[1]["previous_hash"] == rows[0]["hash"] == first.hash
    assert rows[2]["previous_hash"] == rows[1]["hash"] == second.hash
    assert [row["hash"] for row in rows] == [spec_hash(row) for row in rows]
    assert third.hash == rows[2]["hash"]
    assert len({row["hash"] for row in rows}) == 3


def test_a_model_target_fills_type_id_and_a_procedure_fills_procedure_id(record):
    user = UserFactory()
    event = record(action="procedure.withdraw", target=user)
    assert (event.target_type, event.target_id, event.procedure_id) == (
        "accounts.user",
        str(user.pk),
        None,
    )


def test_the_system_acts_without_an_actor(record):
    event = record(actor=None, action="label.suspend")
    row = stored_row(event.sequence)
    assert (row["actor_id"], row["actor_label"]) == (None, "")


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused_and_writes_nothing():
    assert not connection.in_atomic_block
    with pytest.raises(AuditOutsideTransaction, match=r"inside transaction\.atomic\(\)"):
        audit_record(actor=None, action="procedure.submit_application")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_event_and_the_chain_continues_from_the_last_commit():
    with transaction.atomic():
        committed = audit_record(actor=None, action="procedure.submit_application")

    class ChangeFailed(Exception):
        pass

    with pytest.raises(ChangeFailed), transaction.atomic():
        audit_record(actor=None, action="procedure.accept_application")
        raise ChangeFailed

    assert list(AuditEvent.objects.values_list("sequence", "action")) == [
        (1, "procedure.submit_application")
    ]
    with transaction.atomic():
        after_rollback = audit_record(actor=None, action="procedure.request_changes")
    assert after_rollback.sequence == 2
    assert after_rollback.previous_hash == committed.hash
    assert verify_chain().ok


def test_a_rolled_back_savepoint_takes_its_event_with_it(record):
    record(action="procedure.submit_application")
    with transaction.atomic():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="procedure.accept_application")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        kept = audit_record(actor=None, action="procedure.request_changes")
    assert list(AuditEvent.objects.values_list("sequence", "action")) == [
        (1, "procedure.submit_application"),
        (2, "procedure.request_changes"),
    ]
    assert kept.previous_hash == stored_row(1)["hash"]


def test_renaming_the_actor_later_changes_no_history_and_deleting_them_is_refused(record):
    assessor = UserFactory(username="a.gutachter", role=Role.ASSESSOR)
    record(actor=assessor, action="score.change", after={"value": 4})
    assessor.username = "renamed"
    assessor.save()
    assert stored_row(1)["actor_label"] == "a.gutachter"
    assert verify_chain().ok
    with pytest.raises(ProtectedError):
        assessor.delete()


def test_values_are_stored_json_safe_and_still_verify_after_a_round_trip(record):
    user = UserFactory()
    before = {
        "fee": Decimal("4975.00"),
        "assessment_date": date(2015, 7, 3),
        "decided_at": datetime(2015, 7, 3, 9, 15, tzinfo=UTC),
        "credential": UUID("12345678-1234-5678-1234-567812345678"),
        "assessor": user,
        "big": 1e20,
        "share": 0.1,
        "whole": 2.0,
        "nested": {"labels": ["Gold", "Bronze"], "ümlaut": "Qualitätslabel", "n": None},
        "flags": {True, False},
        "period": timedelta(days=730),
    }
    event = record(action="procedure.award", before=before, after={"fee": Decimal("3975")})
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.before["fee"] == "4975.00"
    assert event.before["assessment_date"] == "2015-07-03"
    assert event.before["decided_at"] == "2015-07-03T09:15:00.000000Z"
    assert event.before["credential"] == "12345678-1234-5678-1234-567812345678"
    assert event.before["assessor"] == user.pk
    assert event.before["share"] == 0.1
    assert event.before["nested"] == {
        "labels": ["Gold", "Bronze"],
        "ümlaut": "Qualitätslabel",
        "n": None,
    }
    assert event.before["flags"] == [False, True]
    assert event.before["period"] == "P730DT00H00M00S"
    assert event.after == {"fee": "3975"}
    # PostgreSQL's jsonb gives 1e20 back as an integer; the hash does not depend on that.
    assert event.compute_hash() == event.hash
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (datetime(2015, 7, 3, 9, 15), ValueError),  # naive
        (float("nan"), ValueError),
        (b"bytes", TypeError),
        (object(), TypeError),
        ({1: "a", "1": "b"}, ValueError),
    ],
)
def test_json_safe_refuses_what_cannot_be_stored_faithfully(value, error):
    with pytest.raises(error):
        json_safe(value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "Submit"}, "is not a code"),
        ({"action": "procedure"}, "is not a code"),
        ({"target_type": "procedures.procedure"}, "go together"),
        ({"before": ["state"]}, "must be a mapping"),
    ],
)
def test_malformed_calls_are_refused_and_write_nothing(record, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        record(**kwargs)
    assert AuditEvent.objects.count() == 0


def test_target_and_target_type_together_are_refused(record):
    user = UserFactory()
    with pytest.raises(ValueError, match="not both"):
        record(target=user, target_type="accounts.user", target_id="1")
