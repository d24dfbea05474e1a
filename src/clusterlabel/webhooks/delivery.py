"""Sending deliveries: the worker's side of the outbox (``clusterlabel webhooks deliver``).

Guarantees:

* **Never twice at once.** A worker *claims* one due delivery in a short transaction: the row is
  read with ``select_for_update(skip_locked=True)`` on PostgreSQL (another worker skips it rather
  than waiting) and its ``next_attempt_at`` is moved to the end of a lease with a fresh
  ``claim`` token before the transaction commits; other workers do not see it as due until the
  lease ends. On SQLite, whose write transactions run one after the other
  (``transaction_mode`` IMMEDIATE), the same claim is atomic; run one worker there.
* **Nothing blocks.** The HTTP request is made outside any transaction, with a timeout
  (``WEBHOOK_TIMEOUT_SECONDS``); the web request that wrote the event never sends.
* **At least once.** A worker that dies after sending and before recording leaves the
  delivery to be sent again when its lease ends. Receivers deduplicate on the delivery id
  (``id`` in the body, ``X-Clusterlabel-Delivery``), which stays the same on every attempt.
* **On the task queue.** With a task backend that runs tasks later (``TASKS_BACKEND=database``)
  the commit that writes an event queues ``deliver_webhooks_task``; a run that leaves deliveries
  pending queues one more for the earliest of them, once per due time (``cache.add``), so
  retries follow the backoff without a poller. The immediate backend has no later: there the
  demo sends in a thread after the commit and retries come from ``clusterlabel webhooks
  deliver`` (or the daily run's ``--once``).
* **Every attempt recorded.** Status code or a short error, and the duration; a 2xx is
  delivered, anything else is tried again after ``domain.webhooks.BACKOFF`` and given up after
  the last. A result is recorded only by the worker holding the claim.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import default_task_backend, task

from clusterlabel.domain.webhooks import is_success, retry_after, signature
from clusterlabel.webhooks.addresses import url_problem
from clusterlabel.webhooks.models import Delivery, DeliveryAttempt, DeliveryState
from clusterlabel.webhooks.signing import SecretUnreadable, secret_decrypt

logger = logging.getLogger(__name__)

USER_AGENT = "clusterlabel-webhooks/1"
#: What a worker may take beyond the timeout before its claim lapses and another may send.
LEASE_MARGIN = timedelta(seconds=60)
ERROR_LENGTH = 300


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to."""

    delivery_id: uuid.UUID
    state: str
    status_code: int | None
    error: str


def payload_body(delivery: Delivery) -> bytes:
    """The body of every attempt of ``delivery``: the same bytes each time."""
    event = delivery.event
    document = {
        "id": str(delivery.pk),
        "event": event.kind,
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def headers_for(delivery: Delivery, body: bytes, *, secret: str, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Clusterlabel-Event": delivery.event.kind,
        "X-Clusterlabel-Delivery": str(delivery.pk),
        "X-Clusterlabel-Timestamp": str(timestamp),
        "X-Clusterlabel-Signature": signature(secret, timestamp, body),
    }


def _lease() -> timedelta:
    return timedelta(seconds=float(settings.WEBHOOK_TIMEOUT_SECONDS)) + LEASE_MARGIN


def delivery_claim(*, now: datetime | None = None) -> tuple[uuid.UUID, uuid.UUID] | None:
    """Take the delivery that has been due longest (its id and the claim token), or ``None``.
    Only deliveries of active endpoints are taken."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        due = Delivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        delivery_id = due.values_list("pk", flat=True).first()
        if delivery_id is None:
            return None
        Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=now + _lease(), claim=token)
    return delivery_id, token


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    proxy = settings.WEBHOOK_PROXY
    proxies = {"http": proxy, "https": proxy} if proxy else {}
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _NoRedirects())


def _short(error: BaseException | str) -> str:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return text[:ERROR_LENGTH]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST ``body``; (status code, error text): a status whenever the receiver answered,
    an error when it did not (timeout, refused, ...). Reads at most 1 KiB of the answer."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        with _opener().open(request, timeout=timeout) as response:
            response.read(1024)
            return int(response.status), ""
    except urllib.error.HTTPError as answer:
        return int(answer.code), ""
    except urllib.error.URLError as error:
        return None, _short(str(error.reason) if error.reason else error)
    except (TimeoutError, OSError, ValueError) as error:
        return None, _short(error)


def delivery_attempt(delivery_id: uuid.UUID, token: uuid.UUID) -> Outcome:
    """Send one claimed delivery and record the attempt (outside any transaction while
    sending)."""
    delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    started = timezone.now()
    clock = time.monotonic()
    status: int | None = None
    problem = url_problem(endpoint.url)
    if problem is not None:
        error = _short(f"refused: {problem}")
    else:
        try:
            secret = secret_decrypt(endpoint.secret_encrypted)
        except SecretUnreadable as unreadable:
            error = _short(str(unreadable))
        else:
            body = payload_body(delivery)
            headers = headers_for(delivery, body, secret=secret, timestamp=int(time.time()))
            status, error = http_post(endpoint.url, body, headers)
            if status is not None and not is_success(status):
                error = f"HTTP {status}"
    duration_ms = int((time.monotonic() - clock) * 1000)
    return _record(delivery_id, token, started, status, error, duration_ms)


def _record(
    delivery_id: uuid.UUID,
    token: uuid.UUID,
    started: datetime,
    status: int | None,
    error: str,
    duration_ms: int,
) -> Outcome:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.claim != token:
            # The lease ran out and another worker took it over: its result counts.
            return Outcome(delivery_id, delivery.state, status, "claim lost")
        number = DeliveryAttempt.objects.filter(delivery=delivery).count() + 1
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=started,
            status_code=status,
            error="" if is_success(status) else error,
            duration_ms=duration_ms,
        )
        delivery.attempts += 1
        delivery.last_status_code = status
        delivery.last_error = "" if is_success(status) else error
        delivery.claim = None
        now = timezone.now()
        if is_success(status):
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        else:
            wait = retry_after(delivery.attempts)
            if wait is None:
                delivery.state = DeliveryState.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + wait
        delivery.save(
            update_fields=[
                "state",
                "attempts",
                "next_attempt_at",
                "claim",
                "delivered_at",
                "last_status_code",
                "last_error",
            ]
        )
    if not is_success(status):
        logger.warning("webhook delivery %s failed: %s", delivery_id, error)
    return Outcome(delivery_id, delivery.state, status, delivery.last_error)


def deliveries_send_due(*, limit: int | None = None) -> list[Outcome]:
    """Send the deliveries that are due now, one claim at a time, until none is left (or
    ``limit`` were sent)."""
    outcomes: list[Outcome] = []
    while limit is None or len(outcomes) < limit:
        claimed = delivery_claim()
        if claimed is None:
            break
        outcomes.append(delivery_attempt(*claimed))
    return outcomes


def deliveries_send_due_then_close() -> None:
    """``deliveries_send_due`` in a thread of its own (``WEBHOOK_DELIVER_ON_COMMIT``): its
    database connection is closed when it is done, and an error is logged, not raised."""
    try:
        deliveries_send_due()
    except Exception:
        logger.exception("sending webhooks after the commit failed; the worker will retry")
    finally:
        close_old_connections()
        connection.close()


def deliveries_follow_up(*, now: datetime | None = None) -> datetime | None:
    """Queue ``deliver_webhooks_task`` for the earliest pending delivery, unless a run for that
    moment is queued already; the moment queued, or ``None`` (nothing pending, or a backend that
    cannot run a task later)."""
    if not default_task_backend.supports_defer:
        return None
    due = Delivery.objects.filter(state=DeliveryState.PENDING).aggregate(
        due=Min("next_attempt_at")
    )["due"]
    if due is None:
        return None
    now = now or timezone.now()
    run_after = max(due, now)
    # One queued run per due time, whichever worker or commit asks first.
    key = f"webhooks:run-after:{run_after.replace(microsecond=0).isoformat()}"
    if not cache.add(key, True, timeout=max(60, int((run_after - now).total_seconds()) + 60)):
        return None
    deliver_webhooks_task.using(run_after=run_after).enqueue()
    return run_after


@task()
def deliver_webhooks_task() -> int:
    """Send what is due, then queue the next run for what is still pending (see the module's
    docstring); returns how many attempts were made."""
    outcomes = deliveries_send_due()
    deliveries_follow_up()
    return len(outcomes)
