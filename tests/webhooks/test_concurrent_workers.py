"""Two workers at once on PostgreSQL: each delivery is sent exactly once
(``select_for_update(skip_locked=True)`` and the claim's lease). Selected only when the tests
run on PostgreSQL (``DATABASE_URL``); SQLite runs one worker (see ``test_delivery`` for the
claim's semantics there)."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from django.db import connection

from clusterlabel.labels.services import label_change_state
from clusterlabel.webhooks.delivery import deliveries_send_due
from clusterlabel.webhooks.models import Delivery
from clusterlabel.webhooks.services import endpoint_create
from tests.factories import UserFactory
from tests.labels.label_factories import make_label
from tests.webhooks.receiver import local_receiver

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_workers_never_send_the_same_delivery(esca):
    with local_receiver() as receiver:
        endpoint_create(owner=esca, url=receiver.url, events=["label.revoked"], actor=None)
        authority = UserFactory(role="authority")
        for _ in range(12):
            label_change_state(
                label=make_label(scheme_id="ecei-bronze"),
                actor=authority,
                new_state="revoked",
                reason="x",
            )
        assert Delivery.objects.filter(state="pending").count() == 12
        start = threading.Barrier(2)

        def worker() -> None:
            try:
                start.wait()
                deliveries_send_due()
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        sent = Counter(json.loads(request.body)["id"] for request in receiver.requests)
    assert len(sent) == 12
    assert set(sent.values()) == {1}
    assert Delivery.objects.filter(state="delivered").count() == 12
