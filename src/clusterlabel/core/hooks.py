"""A named list of functions a lower layer runs and the layers above it fill: how a step of
one app reaches apps that sit above it without importing them (the decided step of a procedure,
the movers of an organisation merge). Subscribers run in the order they subscribed, which is the
order of ``INSTALLED_APPS`` when they subscribe in ``AppConfig.ready``; a subscriber that raises
stops the run, so the caller's transaction rolls back what the earlier ones wrote. A leaf module
(no app imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")


class Hook(Generic[E]):
    """Subscribers by name; ``run(event)`` calls each with the event."""

    def __init__(self) -> None:
        self.subscribers: dict[str, Callable[[E], object]] = {}

    def subscribe(self, name: str, subscriber: Callable[[E], object]) -> None:
        """Run ``subscriber`` on every event. ``name`` keeps a subscription single when an app
        registry is set up twice (tests)."""
        self.subscribers[name] = subscriber

    def names(self) -> list[str]:
        """Who is subscribed, in the order they run."""
        return list(self.subscribers)

    def run(self, event: E) -> None:
        """Call every subscriber with ``event``; call it inside the caller's transaction."""
        for subscriber in self.subscribers.values():
            subscriber(event)
