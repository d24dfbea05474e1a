"""Verifying the chain: every kind of tampering is found at the event where it happened."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from clusterlabel.audit.canonical import GENESIS_HASH, event_hash
from clusterlabel.audit.management.commands.audit import Command
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import verify_chain
from tests.audit.conftest import TABLE, json_placeholder, raw_sql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(record):
    """Five events of one procedure, by a cluster manager and the secretariat."""
    manager = UserFactory(username="manager")
    secretariat = UserFactory(username="secretariat")
    steps = [
        (manager, "procedure.submit_application", {"state": "draft"}, {"state": "applied"}),
        (secretariat, "procedure.accept_application", {"state": "applied"}, None),
        (manager, "evidence.upload", None, {"file": "strategy.pdf", "sha256": "ab" * 32}),
        (secretariat, "score.change", {"value": "3"}, {"value": "4"}),
        (secretariat, "board.vote", None, {"vote": "yes"}),
    ]
    return [
        record(
            actor=actor,
            action=action,
            target_type="procedures.procedure",
            target_id="7",
            procedure_id=7,
            before=before,
            after=after,
            reason=f"step {n}",
        )
        for n, (actor, action, before, after) in enumerate(steps, start=1)
    ]


def run_verify(capsys, monkeypatch) -> tuple[int, str, str]:
    """Run ``clusterlabel audit verify`` as the console script does; return (exit, out, err)."""
    # The command closes all connections when it ends; inside a test that would end the test's
    # transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    code = 0
    try:
        Command().run_from_argv(["clusterlabel", "audit", "--skip-checks", "verify"])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_empty_trail_is_intact():
    report = verify_chain()
    assert (report.ok, report.events_checked, report.first_broken, report.problem) == (
        True,
        0,
        None,
        "",
    )


def test_a_long_trail_verifies_in_batches(record):
    user = UserFactory()
    for n in range(1, 121):
        record(actor=user if n % 2 else None, action="score.change", after={"value": n})
    report = verify_chain(batch_size=7)
    assert (report.ok, report.events_checked, report.problem) == (True, 120, "")
    assert report.last.sequence == 120
    assert report.last.hash == AuditEvent.objects.get(sequence=120).hash


def test_the_command_reports_an_intact_trail(trail, capsys, monkeypatch):
    code, out, err = run_verify(capsys, monkeypatch)
    assert code == 0
    assert "Audit trail intact: 5 events checked." in out
    assert f"Last event: #5, hash {trail[-1].hash}." in out
    assert err == ""


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at", datetime(2020, 1, 1, 12, 0, tzinfo=UTC)),
        ("actor_id", "other-user"),
        ("hash_format", 1),
        ("action", "procedure.award"),
        ("target_type", "labels.label"),
        ("target_id", "8"),
        ("procedure_id", 8),
        ("before", {"value": "5"}),
        ("after", {"value": "5"}),
        ("reason", "nobody asked"),
        ("hash", "f" * 64),
    ],
)
def test_a_changed_column_is_found_at_exactly_that_event(trail, column, value):
    if column == "actor_id":
        value = UserFactory(username="mallory").pk
    placeholder = "%s"
    if column == "occurred_at":
        value = connection.ops.adapt_datetimefield_value(value)
    elif column in {"before", "after"}:
        value = json.dumps(value)
        placeholder = json_placeholder()
    raw_sql(
        f"UPDATE {TABLE} SET {connection.ops.quote_name(column)} = {placeholder} "
        "WHERE sequence = 4",
        [value],
    )
    report = verify_chain()
    assert report.ok is False
    assert report.events_checked == 3
    assert report.first_broken.sequence == 4
    assert report.last.sequence == 3
    assert report.problem == (
        "hash mismatch: the content of event #4 was changed after it was recorded."
    )


def test_the_command_names_the_changed_event_and_exits_1(trail, capsys, monkeypatch):
    raw_sql(f"UPDATE {TABLE} SET reason = %s WHERE sequence = 2", ["Rewritten."])
    code, out, err = run_verify(capsys, monkeypatch)
    assert code == 1
    assert "Audit trail intact" not in out
    assert "Audit trail BROKEN at event #2 (" in err
    assert "procedure.accept_application, procedures.procedure 7): hash mismatch" in err
    assert "event #2 was changed" in err
    with pytest.raises(CommandError, match=r"BROKEN at event #2 ") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


def test_a_deleted_middle_event_is_a_gap(trail):
    raw_sql(f"DELETE FROM {TABLE} WHERE sequence = 3")
    report = verify_chain()
    assert (report.ok, report.events_checked, report.first_broken.sequence) == (False, 2, 4)
    assert report.problem == ("sequence gap: event #3 is missing before #4 (an event was deleted).")


def test_deleted_first_events_are_a_gap_too(trail):
    raw_sql(f"DELETE FROM {TABLE} WHERE sequence IN (1, 2)")
    report = verify_chain()
    assert (report.ok, report.events_checked, report.first_broken.sequence) == (False, 0, 3)
    assert report.problem == (
        "sequence gap: events #1 to #2 are missing before #3 (events were deleted)."
    )


def test_a_changed_previous_hash_is_a_broken_link_at_that_event(trail):
    raw_sql(f"UPDATE {TABLE} SET previous_hash = %s WHERE sequence = 3", ["e" * 64])
    report = verify_chain()
    assert (report.first_broken.sequence, report.events_checked) == (3, 2)
    assert report.problem.startswith("link mismatch: event #3 does not carry the hash")


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(trail):
    """The attacker changes event 2 and gives it a matching hash: event 3 no longer links."""
    second = AuditEvent.objects.get(sequence=2)
    forged_hash = event_hash(
        sequence=2,
        previous_hash=second.previous_hash,
        occurred_at=second.occurred_at,
        actor_id=second.actor_id,
        actor_label=second.actor_label,
        action="procedure.refuse",
        target_type=second.target_type,
        target_id=second.target_id,
        procedure_id=second.procedure_id,
        before=second.before,
        after=second.after,
        reason=second.reason,
        hash_format=second.hash_format,
    )
    raw_sql(
        f"UPDATE {TABLE} SET action = %s, hash = %s WHERE sequence = 2",
        ["procedure.refuse", forged_hash],
    )
    report = verify_chain()
    assert (report.first_broken.sequence, report.events_checked) == (3, 2)
    assert "link mismatch: event #3" in report.problem


def insert_forged(*, sequence: int, previous_hash: str, occurred_at: datetime) -> None:
    values = {
        "sequence": sequence,
        "previous_hash": previous_hash,
        "occurred_at": occurred_at,
        "actor_id": None,
        "actor_label": "",
        "action": "procedure.award",
        "target_type": "procedures.procedure",
        "target_id": "7",
        "procedure_id": 7,
        "before": None,
        "after": {"state": "awarded"},
        "reason": "",
    }
    forged_hash = event_hash(**values)
    values["hash"] = forged_hash
    values["occurred_at"] = connection.ops.adapt_datetimefield_value(occurred_at)
    values["after"] = json.dumps(values["after"])
    columns = ", ".join(connection.ops.quote_name(name) for name in values)
    placeholders = ", ".join(
        json_placeholder() if name in {"before", "after"} else "%s" for name in values
    )
    raw_sql(f"INSERT INTO {TABLE} ({columns}) VALUES ({placeholders})", list(values.values()))


def test_a_forged_event_with_a_wrong_previous_hash_is_found(trail):
    insert_forged(
        sequence=6,
        previous_hash="1" * 64,  # the forger does not know event 5's hash
        occurred_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    report = verify_chain()
    assert (report.ok, report.events_checked, report.first_broken.sequence) == (False, 5, 6)
    assert report.first_broken.action == "procedure.award"
    assert report.problem.startswith("link mismatch: event #6")


def test_a_replaced_first_event_is_found(trail):
    raw_sql(f"DELETE FROM {TABLE} WHERE sequence = 1")
    insert_forged(
        sequence=1, previous_hash=GENESIS_HASH, occurred_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    report = verify_chain()
    assert (report.first_broken.sequence, report.events_checked) == (2, 1)
    assert report.problem.startswith("link mismatch: event #2")
