"""``WEBHOOK_DELIVER_ON_COMMIT`` (the demo): the write's commit starts a thread that sends the
delivery, and the write itself does not wait for the receiver."""

from __future__ import annotations

import threading

import pytest

from clusterlabel.labels.changes import labels_changes
from clusterlabel.labels.services import label_change_state
from clusterlabel.webhooks.models import Delivery
from clusterlabel.webhooks.services import endpoint_create
from tests.factories import UserFactory
from tests.labels.label_factories import make_label
from tests.webhooks.receiver import local_receiver

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_commit_sends_in_the_background(esca, settings, monkeypatch):
    settings.WEBHOOK_DELIVER_ON_COMMIT = True
    # The label write's other after-commit work, the public aggregates' count, would write in
    # this thread while the sending thread starts its transaction: on SQLite's shared
    # in-memory test database that is a table lock no busy timeout waits for (see below), so
    # the thread could fail at once. A file database, as the demo's, waits; the count has its
    # own tests (tests/labels/registry/test_aggregates.py).
    monkeypatch.setattr(labels_changes, "subscribers", {})
    settings.WEBHOOK_TIMEOUT_SECONDS = 10
    with local_receiver() as receiver:
        receiver.sleep = 2  # a slow receiver
        endpoint_create(owner=esca, url=receiver.url, events=["label.revoked"], actor=None)
        label = make_label(scheme_id="ecei-gold")
        label_change_state(
            label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
        )
        # The write is back while the receiver still takes its time: the sending thread is
        # still waiting for it. (The table is not read until the thread is done: SQLite's
        # shared in-memory test database refuses a read while another connection writes, a
        # table lock its busy timeout does not wait for, which would fail the thread's write
        # or this read.)
        senders = [
            thread
            for thread in threading.enumerate()
            if "deliveries_send_due_then_close" in thread.name
        ]
        assert any(thread.is_alive() for thread in senders)
        for thread in senders:
            thread.join(timeout=15)
            assert not thread.is_alive()
        assert Delivery.objects.get().state == "delivered"
        assert len(receiver.requests) == 1
