"""What a label's status is on a given day.

A label's *recorded* state is one of active, suspended, revoked or superseded (changed by people
or by a renewal); its *status on a day* also depends on its validity period. Guarantees:

* revoked wins over everything, then suspended: a revoked or suspended label is never shown as
  valid, whatever its dates;
* otherwise the dates decide: not yet valid, valid, or expired;
* a superseded label (replaced by a renewal) keeps its own period: until its ``valid_until`` it
  is still valid, after that it is expired like any other.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from clusterlabel.domain.validity import Validity, ValidityStatus


class RecordedState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class LabelStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


# Which recorded states may follow which (a revocation is final).
ALLOWED_CHANGES: dict[RecordedState, frozenset[RecordedState]] = {
    RecordedState.ACTIVE: frozenset(
        {RecordedState.SUSPENDED, RecordedState.REVOKED, RecordedState.SUPERSEDED}
    ),
    RecordedState.SUSPENDED: frozenset({RecordedState.ACTIVE, RecordedState.REVOKED}),
    RecordedState.SUPERSEDED: frozenset({RecordedState.REVOKED}),
    RecordedState.REVOKED: frozenset(),
}


def canonical_certificate_number(text: str) -> str:
    """The one spelling a certificate number is stored and looked up in: without surrounding
    spaces, in capitals (``" ecei-g-2024-00001 "`` → ``ECEI-G-2024-00001``). Stored numbers are
    canonical, so a lookup is an exact match that the unique index answers."""
    return text.strip().upper()


def label_status(state: RecordedState | str, validity: Validity, on: date) -> LabelStatus:
    """The status a verifier sees on day ``on``."""
    state = RecordedState(state)
    if state is RecordedState.REVOKED:
        return LabelStatus.REVOKED
    if state is RecordedState.SUSPENDED:
        return LabelStatus.SUSPENDED
    return LabelStatus(validity.status_on(on).value)


def may_change(current: RecordedState | str, new: RecordedState | str) -> bool:
    """Whether the recorded state may go from ``current`` to ``new``."""
    return RecordedState(new) in ALLOWED_CHANGES[RecordedState(current)]


__all__ = [
    "ALLOWED_CHANGES",
    "LabelStatus",
    "RecordedState",
    "ValidityStatus",
    "label_status",
    "may_change",
]
