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

import re
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


# A certificate number, or its start: letters and digits in groups joined by hyphens, with a
# digit somewhere ("ECEI-G-2024-00001", "ecei-g-2024", "CLX-17"), one group of letters and
# digits mixed ("G2024") not being enough to tell a number from a name.
_NUMBER_LIKE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)+-?")


def looks_like_certificate_number(text: str) -> bool:
    """Whether a search text is (the start of) a certificate number rather than a name: after
    :func:`canonical_certificate_number`, groups of letters and digits joined by hyphens, with
    at least one digit. A registry search for such a text also looks for numbers starting with
    it."""
    canonical = canonical_certificate_number(text)
    return bool(_NUMBER_LIKE.fullmatch(canonical)) and any(c.isdigit() for c in canonical)


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
