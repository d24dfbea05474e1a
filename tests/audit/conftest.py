from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import audit_record

TABLE = AuditEvent._meta.db_table
TRIGGER = "audit_event_append_only"


@pytest.fixture(autouse=True)
def _in_english(english: None) -> None:
    """The German translations are the lead's; these tests check the English source strings."""


@contextmanager
def trigger_disabled() -> Iterator[None]:
    """What an attacker with owner rights on the database does before changing rows.

    ALTER TABLE is transactional in PostgreSQL, so inside a test it is rolled back too. It is
    refused while the transaction has deferred foreign-key checks pending (the rows the test
    just created), so those run first.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    """Run SQL behind the application's back (no model, no queryset, no trigger)."""
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_placeholder() -> str:
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


@pytest.fixture
def record() -> Callable[..., AuditEvent]:
    """audit_record in its own atomic block, with a default action."""

    def _record(**kwargs: Any) -> AuditEvent:
        kwargs.setdefault("actor", None)
        kwargs.setdefault("action", "procedure.submit_application")
        with transaction.atomic():
            return audit_record(**kwargs)

    return _record
