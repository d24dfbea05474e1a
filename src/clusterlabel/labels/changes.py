"""What every write that changes what the public sees of labels calls: ``labels_changed()``.

It does, inside the write's transaction:

1. bump the *data generation*, a counter in the database (a ``NumberSequence`` row) that the
   public pages' cache keys contain: a page cached before the change is never found again, on
   any application server, because every server reads the same row;
2. re-sign the stored status lists when a label's state may have changed, so that the status
   list endpoint and the in-app credential check read one stored, signed list instead of
   building and signing one on every request (``labels.certificates.credentials``).

Why the database and not the shared cache: the generation must move exactly when the write
commits. A row updated in the write's transaction becomes visible with the labels it describes
(never before: a reader cannot cache the old page under the new generation; never after: no
reader finds the old page once the revocation is visible), a rolled-back write leaves it as it
was, and it needs no cache that is shared by all servers (the local-memory cache of a second
server would miss an invalidation). The bump also locks the row until the write commits, so two
label writes at once rebuild the status lists one after the other, the second seeing the first.

Readers must read the generation *before* the data they cache (``data_generation()`` first),
so that a page is never stored under a newer generation than the data it shows.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import transaction

from clusterlabel.core.hooks import Hook
from clusterlabel.labels.certificates.credentials import status_lists_sign
from clusterlabel.labels.generation import bump_generation, data_generation
from clusterlabel.organisations.models import Organisation

__all__ = ["Change", "data_generation", "labels_changed", "labels_changes"]


class Change(StrEnum):
    """Why the public data changed (for the reader of the code and of tests; every change
    bumps the generation, only some change a status list's bits)."""

    ISSUED = "issued"
    STATE = "state"  # suspended, revoked, reinstated, superseded
    IMPORTED = "imported"
    MERGED = "merged"
    ORGANISATION = "organisation"  # a holder's name, place or confirmation


#: The changes after which a label's revocation or suspension bit may differ.
STATUS_CHANGES = frozenset({Change.STATE, Change.IMPORTED, Change.MERGED})


def holder_changed(organisation: Organisation) -> None:
    """A holder's published profile changed or it was confirmed (``organisations.published``):
    pages showing its name or place, or now its labels, must not come from the cache."""
    labels_changed(Change.ORGANISATION)


labels_changes: Hook[Change] = Hook()
"""Runs inside every label write's transaction, after the generation moved: how the parts above
this module learn of a change (the stored statistics, ``labels.registry.aggregates``)."""


def labels_changed(change: Change) -> int:
    """Record that labels (or their holders) changed: the new data generation. Call inside the
    write's transaction, after the rows are written; on its own it opens one."""
    with transaction.atomic():
        generation = bump_generation()
        if change in STATUS_CHANGES:
            status_lists_sign()
        labels_changes.run(change)
        return generation
