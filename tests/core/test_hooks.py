"""core.hooks: named subscribers, run in order, once per name."""

from __future__ import annotations

import pytest

from clusterlabel.core.hooks import Hook


def test_subscribers_run_in_order_and_a_name_subscribes_once():
    hook: Hook[int] = Hook()
    seen: list[tuple[str, int]] = []
    hook.subscribe("first", lambda event: seen.append(("first", event)))
    hook.subscribe("second", lambda event: seen.append(("second", event)))
    hook.subscribe("first", lambda event: seen.append(("first again", event)))
    hook.run(7)
    assert hook.names() == ["first", "second"]
    assert seen == [("first again", 7), ("second", 7)]


def test_a_failing_subscriber_stops_the_run():
    hook: Hook[int] = Hook()
    seen: list[int] = []

    def broken(event: int) -> None:
        raise RuntimeError(event)

    hook.subscribe("broken", broken)
    hook.subscribe("later", seen.append)
    with pytest.raises(RuntimeError):
        hook.run(1)
    assert seen == []
