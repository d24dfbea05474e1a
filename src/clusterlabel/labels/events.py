"""What happened to a label, for the apps above labels that want to know (webhooks).

Labels sit below those apps, so ``labels.services`` does not call them: it runs ``label_events``
(a ``core.hooks.Hook``) inside the write's transaction, once per label issued, renewed,
suspended, reinstated or revoked (the labels recognised with one that changes state each get
their own event), after the label row and its audit event are written. Subscribers
(``AppConfig.ready``) write in the same transaction; one that raises rolls the write back.
Expiry is not a write: whoever wants it finds the labels whose validity ended (their
``valid_until``) themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from clusterlabel.core.hooks import Hook

if TYPE_CHECKING:
    from clusterlabel.labels.models import Label


class LabelEventKind(StrEnum):
    ISSUED = "issued"
    RENEWED = "renewed"  # issued, continuing ``label.previous``
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    REVOKED = "revoked"


@dataclass(frozen=True)
class LabelEvent:
    """One label event as the subscribers see it: the label as just saved."""

    kind: LabelEventKind
    label: Label


label_events: Hook[LabelEvent] = Hook()
"""The subscribers to label writes (webhooks)."""
