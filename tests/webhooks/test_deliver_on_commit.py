"""``WEBHOOK_DELIVER_ON_COMMIT`` (the demo): the write's commit starts a thread that sends the
delivery, and the write itself does not wait for the receiver."""

from __future__ import annotations

import time

import pytest

from clusterlabel.labels.services import label_change_state
from clusterlabel.webhooks.models import Delivery
from clusterlabel.webhooks.services import endpoint_create
from tests.factories import UserFactory
from tests.labels.label_factories import make_label
from tests.webhooks.receiver import local_receiver

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_commit_sends_in_the_background(esca, settings):
    settings.WEBHOOK_DELIVER_ON_COMMIT = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 10
    with local_receiver() as receiver:
        receiver.sleep = 2  # a slow receiver
        endpoint_create(owner=esca, url=receiver.url, events=["label.revoked"], actor=None)
        label = make_label(scheme_id="ecei-gold")
        label_change_state(
            label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
        )
        # The write is back while the receiver still takes its time.
        assert Delivery.objects.get().state == "pending"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Delivery.objects.get().state != "delivered":
            time.sleep(0.05)
        assert Delivery.objects.get().state == "delivered"
        assert len(receiver.requests) == 1
