"""The decided step: what other apps do when the awarding authority decides.

Procedures sit below labels and the benchmarking pool, so ``procedure_decide`` does not call
them. They subscribe to ``decision_made`` (a ``core.hooks.Hook``) in their ``AppConfig.ready``
(labels: issue the awarded and the recognised labels; benchmarks: record the panel's values in
the pool), and the decision runs
every subscriber inside its own transaction, in the order of ``INSTALLED_APPS``. A subscriber
that raises rolls the decision back with everything written before it. Subscribers get the
locked procedure with the decision and its computed result already set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from clusterlabel.core.hooks import Hook

if TYPE_CHECKING:
    from clusterlabel.accounts.models import User
    from clusterlabel.procedures.models import Procedure


@dataclass(frozen=True)
class Decided:
    """One decision, as the subscribers see it."""

    procedure: Procedure
    actor: User
    award: bool
    decided_on: date


decision_made: Hook[Decided] = Hook()
"""The decided step's subscribers (labels, then benchmarks)."""
