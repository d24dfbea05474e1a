"""The contracted step: what other apps do when the secretariat accepts an application and the
fee becomes the contract.

Procedures sit below invoices, so ``procedure_accept`` does not call them. They subscribe to
``contract_made`` (a ``core.hooks.Hook``) in their ``AppConfig.ready`` (invoices: issue one
invoice per payer), and the acceptance runs every subscriber inside its own transaction: a
subscriber that raises rolls the acceptance back with everything written before it.
Subscribers get the procedure with its contract fields saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clusterlabel.core.hooks import Hook

if TYPE_CHECKING:
    from clusterlabel.accounts.models import User
    from clusterlabel.procedures.models import Procedure


@dataclass(frozen=True)
class Contracted:
    """One accepted application, as the subscribers see it."""

    procedure: Procedure
    actor: User


contract_made: Hook[Contracted] = Hook()
"""The contracted step's subscribers (invoices)."""
