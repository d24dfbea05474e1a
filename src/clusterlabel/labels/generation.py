"""The data generation of what the public sees of labels: a counter in the database (a
``NumberSequence`` row) that ``labels.changes.labels_changed`` bumps inside every label write's
transaction, and that public page caches put in their keys. See ``labels.changes`` for why it is
kept in the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.db.models import F

from clusterlabel.labels.models import NumberSequence

GENERATION_KEY = "public-data-generation"

_GENERATION_SQL = "SELECT {last} FROM {table} WHERE {key} = %s".format(
    table=connection.ops.quote_name(NumberSequence._meta.db_table),
    last=connection.ops.quote_name(NumberSequence._meta.get_field("last").column),
    key=connection.ops.quote_name(NumberSequence._meta.get_field("key").column),
)

_pinned: ContextVar[int | None] = ContextVar("pinned_data_generation", default=None)


def data_generation() -> int:
    """The current data generation (0 before the first change): one indexed row read, or none
    inside ``pinned_generation``."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    # Every anonymous public request asks this first, cached page or not: written as SQL, the
    # ORM's query building (about a third of a page cache hit's own work) is not done.
    with connection.cursor() as cursor:
        cursor.execute(_GENERATION_SQL, [GENERATION_KEY])
        row = cursor.fetchone()
    return row[0] if row else 0


@contextmanager
def pinned_generation(generation: int) -> Iterator[None]:
    """Within the block, ``data_generation()`` answers ``generation`` without a query: a public
    page reads the generation once, and every cache its parts use keys on the same one."""
    token = _pinned.set(generation)
    try:
        yield
    finally:
        _pinned.reset(token)


def bump_generation() -> int:
    """Add one to the generation (call inside a transaction): the row stays locked until it
    commits, so label writes from here on run one after the other."""
    if not NumberSequence.objects.filter(key=GENERATION_KEY).update(last=F("last") + 1):
        NumberSequence.objects.get_or_create(key=GENERATION_KEY)
        NumberSequence.objects.filter(key=GENERATION_KEY).update(last=F("last") + 1)
    return NumberSequence.objects.get(key=GENERATION_KEY).last


def lock_generation() -> None:
    """Wait for the label writes in progress and hold them off until this transaction ends
    (call inside a transaction): what it reads next includes every committed change."""
    NumberSequence.objects.get_or_create(key=GENERATION_KEY)
    list(NumberSequence.objects.select_for_update().filter(key=GENERATION_KEY))
