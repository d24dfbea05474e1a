"""Delivery to a real local receiver: signed as documented (checked here with ``hmac``
independently of the code), 2xx delivered, 500 and a timeout retried at the backoff times and
given up after the last; a claimed delivery is not claimed again."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from clusterlabel.domain.webhooks import BACKOFF, MAX_ATTEMPTS
from clusterlabel.webhooks.delivery import deliveries_send_due, delivery_attempt, delivery_claim
from clusterlabel.webhooks.models import Delivery, DeliveryAttempt
from clusterlabel.webhooks.services import delivery_redeliver, endpoint_create
from tests.factories import UserFactory
from tests.labels.label_factories import make_label
from tests.webhooks.receiver import local_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with local_receiver() as running:
        yield running


def revoked_label_delivery(esca, url: str):
    new = endpoint_create(owner=esca, url=url, events=["label.revoked"], actor=None)
    label = make_label(scheme_id="ecei-gold")
    from clusterlabel.labels.services import label_change_state

    label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    return new.secret, label, Delivery.objects.get(endpoint=new.endpoint)


def test_a_2xx_is_delivered_signed_as_documented(esca, receiver):
    secret, label, delivery = revoked_label_delivery(esca, receiver.url)
    before = int(timezone.now().timestamp())

    (outcome,) = deliveries_send_due()

    assert outcome.state == "delivered" and outcome.status_code == 200
    (request,) = receiver.requests
    headers = {key.lower(): value for key, value in request.headers.items()}
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["x-clusterlabel-event"] == "label.revoked"
    assert headers["x-clusterlabel-delivery"] == str(delivery.pk)
    timestamp = headers["x-clusterlabel-timestamp"]
    assert before - 1 <= int(timestamp) <= before + 5
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert headers["x-clusterlabel-signature"] == f"sha256={expected}"
    body = json.loads(request.body)
    assert set(body) == {"id", "event", "occurred_at", "data"}
    assert body["id"] == str(delivery.pk)
    assert body["event"] == "label.revoked"
    assert body["data"]["certificate_number"] == label.certificate_number
    assert body["data"]["state"] == "revoked"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.next_attempt_at is None and delivery.delivered_at is not None
    (attempt,) = DeliveryAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")
    assert attempt.duration_ms < 5000
    assert deliveries_send_due() == []  # nothing left


def _run_until_given_up(delivery: Delivery) -> list[timedelta]:
    """Attempt, then move the due time to now, until the delivery is given up; the waits the
    worker scheduled after each failure."""
    waits = []
    for _ in range(MAX_ATTEMPTS):
        claimed = delivery_claim()
        assert claimed is not None and claimed[0] == delivery.pk
        failed_at = timezone.now()
        delivery_attempt(*claimed)
        delivery.refresh_from_db()
        if delivery.state == "failed":
            break
        waits.append(delivery.next_attempt_at - failed_at)
        # Not due before its time...
        assert delivery_claim() is None
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    return waits


def _assert_backoff(waits: list[timedelta]) -> None:
    assert len(waits) == len(BACKOFF) == 5
    for wait, planned in zip(waits, BACKOFF, strict=True):
        assert planned <= wait + timedelta(seconds=1) and wait <= planned + timedelta(seconds=10)


def test_a_500_is_retried_with_backoff_and_given_up_after_the_last(esca, receiver):
    receiver.status = 500
    _secret, _label, delivery = revoked_label_delivery(esca, receiver.url)
    waits = _run_until_given_up(delivery)
    _assert_backoff(waits)
    assert delivery.state == "failed" and delivery.next_attempt_at is None
    assert delivery.attempts == MAX_ATTEMPTS == 6
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [a.status_code for a in attempts] == [500] * 6
    assert {a.error for a in attempts} == {"HTTP 500"}
    assert len(receiver.requests) == 6
    # Every attempt sent the same delivery id and body.
    assert len({r.body for r in receiver.requests}) == 1
    assert delivery_claim() is None


def test_a_receiver_that_does_not_answer_in_time_is_retried(esca, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.sleep = 2
    _secret, _label, delivery = revoked_label_delivery(esca, receiver.url)
    claimed = delivery_claim()
    outcome = delivery_attempt(*claimed)
    assert outcome.state == "pending" and outcome.status_code is None
    delivery.refresh_from_db()
    assert "timed out" in delivery.last_error
    (attempt,) = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code is None and "timed out" in attempt.error
    assert attempt.duration_ms < 2000  # the sender did not wait for the receiver
    assert delivery.next_attempt_at - timezone.now() > BACKOFF[0] - timedelta(seconds=5)


def test_a_refused_connection_is_retried(esca):
    with local_receiver() as receiver:
        url = receiver.url
    _secret, _label, delivery = revoked_label_delivery(esca, url)  # nobody listens any more
    (outcome,) = deliveries_send_due()
    assert outcome.state == "pending" and outcome.status_code is None
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error


def test_a_claimed_delivery_is_not_claimed_by_a_second_worker(esca, receiver):
    _secret, _label, delivery = revoked_label_delivery(esca, receiver.url)
    first = delivery_claim()
    assert first is not None and first[0] == delivery.pk
    assert delivery_claim() is None  # the second worker finds nothing due
    # Even a worker whose clock runs a little ahead: the lease covers the timeout.
    assert delivery_claim(now=timezone.now() + timedelta(seconds=30)) is None
    delivery_attempt(*first)
    assert len(receiver.requests) == 1


def test_a_result_is_recorded_only_by_the_claimant(esca, receiver):
    _secret, _label, delivery = revoked_label_delivery(esca, receiver.url)
    first = delivery_claim()
    # The lease ran out and a second worker took it over.
    later = timezone.now() + timedelta(minutes=5)
    second = delivery_claim(now=later)
    assert second is not None and second[1] != first[1]
    stale = delivery_attempt(*first)
    assert stale.error == "claim lost"
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 0
    delivery_attempt(*second)
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 1


def test_redelivery_starts_a_new_round_with_the_same_id(esca, receiver):
    receiver.status = 500
    _secret, _label, delivery = revoked_label_delivery(esca, receiver.url)
    _run_until_given_up(delivery)
    receiver.status = 204
    delivery_redeliver(delivery=delivery, actor=None)
    (outcome,) = deliveries_send_due()
    assert outcome.state == "delivered"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 7
    ids = {json.loads(r.body)["id"] for r in receiver.requests}
    assert ids == {str(delivery.pk)}


def test_production_refuses_to_send_to_a_private_address(esca, receiver, settings):
    _secret, _label, delivery = revoked_label_delivery(esca, receiver.url)
    settings.WEBHOOK_ALLOW_PRIVATE = False
    (outcome,) = deliveries_send_due()
    assert outcome.state == "pending"
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("refused:")


def test_a_redirect_is_not_followed(esca, receiver):
    receiver.status = 302
    revoked_label_delivery(esca, receiver.url)
    (outcome,) = deliveries_send_due()
    assert (outcome.state, outcome.status_code) == ("pending", 302)
    assert len(receiver.requests) == 1
