"""The decided step: what other apps do when the awarding authority decides.

Procedures sit below labels and the benchmarking pool, so ``procedure_decide`` does not call
them. They subscribe here, in their ``AppConfig.ready`` (labels: issue the awarded and the
recognised labels; benchmarks: record the panel's values in the pool), and the decision runs
every subscriber inside its own transaction, in the order of ``INSTALLED_APPS``. A subscriber
that raises rolls the decision back with everything written before it. Subscribers get the
locked procedure with the decision and its computed result already set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

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


Subscriber = Callable[[Decided], object]

_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Run ``subscriber`` on every decision. ``name`` keeps a subscription single when an app
    registry is set up twice (tests)."""
    _subscribers[name] = subscriber


def subscriber_names() -> list[str]:
    """Who is subscribed, in the order they run."""
    return list(_subscribers)


def publish(event: Decided) -> None:
    """Run every subscriber; call inside the decision's transaction."""
    for subscriber in _subscribers.values():
        subscriber(event)
