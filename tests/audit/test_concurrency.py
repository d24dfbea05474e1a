"""Two transactions appending at the same time still make one chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import audit_record, verify_chain


# Skipped on SQLite: the test database there lives in memory, shared between threads through
# SQLite's shared cache, whose table locks behave unlike the file database a real installation
# uses. On PostgreSQL (CI's second run) it exercises the advisory lock.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a real concurrent database")
@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_50_events_each_make_one_unbroken_chain():
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(name: str) -> None:
        try:
            start.wait(timeout=10)
            for n in range(50):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="score.change",
                        target_id=f"{name}-{n}",
                        target_type="tests.thread",
                        after={"n": n},
                    )
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    report = verify_chain()
    assert (report.ok, report.events_checked, report.problem) == (True, 100, "")
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 101))
    for name in ("a", "b"):
        # Each thread's own events keep the order it recorded them in.
        ids = AuditEvent.objects.filter(target_id__startswith=f"{name}-").values_list(
            "target_id", flat=True
        )
        assert list(ids) == [f"{name}-{n}" for n in range(50)]
