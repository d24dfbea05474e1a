"""Webhooks on the task queue (``TASKS_BACKEND=database``): the commit queues the sending, a
run that leaves deliveries pending queues one more run for the earliest, once per due time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from clusterlabel.labels.services import label_change_state
from clusterlabel.webhooks.delivery import deliver_webhooks_task, deliveries_follow_up
from clusterlabel.webhooks.models import Delivery
from clusterlabel.webhooks.services import endpoint_create
from tests.factories import UserFactory
from tests.labels.label_factories import make_label
from tests.webhooks.receiver import local_receiver

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _queue():
    cache.clear()
    with override_settings(TASKS=DUMMY_TASKS):
        yield


def queued_runs():
    return [r for r in default_task_backend.results if r.task.func is deliver_webhooks_task.func]


def revoke(esca, url, django_capture_on_commit_callbacks):
    endpoint_create(owner=esca, url=url, events=["label.revoked"], actor=None)
    label = make_label(scheme_id="ecei-gold")
    with django_capture_on_commit_callbacks(execute=True):
        label_change_state(
            label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
        )
    return Delivery.objects.get()


def test_the_commit_queues_the_sending_and_sends_nothing_itself(
    esca, django_capture_on_commit_callbacks
):
    with local_receiver() as receiver:
        delivery = revoke(esca, receiver.url, django_capture_on_commit_callbacks)
        assert len(queued_runs()) == 1
        assert delivery.state == "pending" and receiver.requests == []
        # The worker runs the task: delivered, and nothing more is queued.
        assert deliver_webhooks_task.call() == 1
        assert receiver.requests and Delivery.objects.get().state == "delivered"
        assert len(queued_runs()) == 1


def test_a_failed_attempt_queues_one_run_at_its_retry_time(
    esca, django_capture_on_commit_callbacks
):
    with local_receiver() as receiver:
        receiver.status = 500
        revoke(esca, receiver.url, django_capture_on_commit_callbacks)
        deliver_webhooks_task.call()
    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and delivery.attempts == 1
    first, retry = queued_runs()
    assert first.task.run_after is None
    assert retry.task.run_after == delivery.next_attempt_at > timezone.now()
    # A second worker (or commit) asking for the same moment queues nothing more.
    assert deliveries_follow_up() is None
    assert len(queued_runs()) == 2


def test_nothing_pending_queues_nothing(esca):
    assert deliveries_follow_up() is None
    assert queued_runs() == []


def test_an_overdue_delivery_is_queued_for_now(esca, django_capture_on_commit_callbacks):
    with local_receiver() as receiver:
        revoke(esca, receiver.url, django_capture_on_commit_callbacks)
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    now = timezone.now()
    assert deliveries_follow_up(now=now) == now


def test_without_a_worker_the_commit_queues_no_task(esca, settings):
    # The immediate backend cannot run a task later: the thread (demo) or the deliver command.
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        assert not default_task_backend.supports_defer
        assert deliveries_follow_up() is None
