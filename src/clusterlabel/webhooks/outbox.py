"""Writing webhook events into the outbox, inside the transaction of the write they report.

Where this sits and why: webhooks are an app above labels and procedures (it reads labels'
public records, procedures, programmes and operators), so labels and procedures must not import
it. They announce their writes through hooks in their own leaf modules (``core.hooks.Hook``):
``labels.events.label_events`` (issued, renewed, suspended, reinstated, revoked, run by
``labels.services`` once per label, the recognised labels of a cascade included) and
``procedures.decided.decision_made`` (the authority's decision, run by ``procedure_decide``).
``WebhooksConfig.ready`` subscribes the functions below; they run inside the write's
transaction, so the outbox rows commit or roll back with it (the transactional outbox pattern):
no event is lost after a commit, none is sent for a write that was rolled back, and the web
request never waits for a receiver. Expiry is found by the daily run (``label_expiries_record``,
subscribed to ``core.daily.daily_jobs``).

Who is told: an operator's endpoints get the events of the labels and procedures of the schemes
that operator runs (``scheme_version.operator``); a programme's endpoints get those of its
member organisations. Only active endpoints that chose the event get a delivery; the payload is
written once per event, as it was when it happened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from clusterlabel.core.daily import DailyRun
from clusterlabel.domain.webhooks import EventKind
from clusterlabel.labels.api.views import label_records
from clusterlabel.labels.events import LabelEvent, LabelEventKind
from clusterlabel.labels.models import Label, LabelState
from clusterlabel.labels.registry.filters import SchemeCatalogue
from clusterlabel.organisations.models import Programme
from clusterlabel.procedures.decided import Decided
from clusterlabel.procedures.models import Procedure
from clusterlabel.webhooks.delivery import deliver_webhooks_task, deliveries_send_due_then_close
from clusterlabel.webhooks.models import Delivery, Endpoint, Event

_LABEL_KINDS = {
    LabelEventKind.ISSUED: EventKind.LABEL_ISSUED,
    LabelEventKind.RENEWED: EventKind.LABEL_RENEWED,
    LabelEventKind.SUSPENDED: EventKind.LABEL_SUSPENDED,
    LabelEventKind.REINSTATED: EventKind.LABEL_REINSTATED,
    LabelEventKind.REVOKED: EventKind.LABEL_REVOKED,
}

#: How many days back the daily run still reports an expiry it missed (a day it did not run).
EXPIRY_CATCH_UP_DAYS = 7


def endpoints_for(
    *, kind: EventKind, operator_id: int | None, organisation_id: int
) -> list[Endpoint]:
    """The active endpoints to tell of ``kind`` about something of a scheme run by
    ``operator_id`` and of organisation ``organisation_id``: the operator's, and those of the
    programmes the organisation is a member of, that chose ``kind``."""
    programmes = Programme.objects.filter(organisation=organisation_id).values("pk")
    owners = Q(programme_id__in=programmes)
    if operator_id is not None:
        owners |= Q(operator_id=operator_id)
    candidates = Endpoint.objects.filter(owners, is_active=True).order_by("pk")
    return [endpoint for endpoint in candidates if endpoint.wants(kind)]


def event_record(
    *,
    kind: EventKind,
    subject: str,
    data: Callable[[], dict[str, Any]],
    operator_id: int | None,
    organisation_id: int,
    dedupe_key: str | None = None,
) -> Event | None:
    """Write the event and one delivery per endpoint that is told of it (inside the caller's
    transaction; on its own it opens one). Deliveries are due at once; with
    ``WEBHOOK_DELIVER_ON_COMMIT`` (the demo) a background thread sends them after the commit.

    When no endpoint is told of it, nothing is written (an import issuing thousands of labels
    costs one query each), unless the event has a ``dedupe_key``: then it is kept as the mark
    that it has been reported. ``data`` is called only when the event is written."""
    with transaction.atomic():
        endpoints = endpoints_for(
            kind=kind, operator_id=operator_id, organisation_id=organisation_id
        )
        if not endpoints and dedupe_key is None:
            return None
        event = Event.objects.create(
            kind=kind,
            subject=subject,
            data=data(),
            occurred_at=timezone.now(),
            dedupe_key=dedupe_key,
        )
        now = timezone.now()
        Delivery.objects.bulk_create(
            Delivery(event=event, endpoint=endpoint, next_attempt_at=now) for endpoint in endpoints
        )
        if endpoints:
            transaction.on_commit(deliver_after_commit)
    return event


def deliver_after_commit() -> None:
    """Queue the sending on the task queue when it runs tasks later (a worker); else, where
    ``WEBHOOK_DELIVER_ON_COMMIT`` says so (the demo), send in a thread of its own; else leave
    it to ``clusterlabel webhooks deliver``."""
    if default_task_backend.supports_defer:
        deliver_webhooks_task.enqueue()
    elif settings.WEBHOOK_DELIVER_ON_COMMIT:
        deliver_in_background()


def deliver_in_background() -> None:
    """Send what is due in a thread of its own (the demo: nothing else to start). The thread
    claims rows like any worker, so it never sends what another sends."""
    threading.Thread(target=deliveries_send_due_then_close, daemon=True).start()


# --- payloads ---------------------------------------------------------------------------------


def label_data(labels: Any) -> list[dict[str, Any]]:
    """The labels as the public API gives them (``/api/v1/labels/{number}/``)."""
    records = label_records(labels, catalogue=SchemeCatalogue.load(), today=timezone.localdate())
    return [_json_ready(record) for record in records]


def _json_ready(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in record.items()
    }


def procedure_data(procedure: Procedure, *, award: bool, decided_on: date) -> dict[str, Any]:
    """The decided procedure as the procedures API names its fields, with the decision and the
    labels it issued."""
    version = procedure.scheme_version
    return {
        "id": procedure.pk,
        "reference": procedure.reference,
        "organisation_id": procedure.organisation_id,
        "organisation": procedure.organisation.legal_name,
        "cluster_name": procedure.organisation.cluster_name,
        "scheme": version.scheme_id,
        "scheme_version": version.version,
        "level": procedure.level_id,
        "process": procedure.process,
        "decision": "award" if award else "refuse",
        "state": "awarded" if award else "refused",
        "decided_on": decided_on.isoformat(),
        "url": settings.SITE_URL + reverse("procedures:detail", args=[procedure.pk]),
        "labels": label_data(Label.objects.filter(procedure=procedure).order_by("pk"))
        if award
        else [],
    }


# --- subscribers ------------------------------------------------------------------------------


def _one_label_data(label: Label) -> Callable[[], dict[str, Any]]:
    def data() -> dict[str, Any]:
        (record,) = label_data(Label.objects.filter(pk=label.pk))
        return record

    return data


def label_event_record(event: LabelEvent) -> Event | None:
    """``labels.events.label_events`` subscriber."""
    label = event.label
    return event_record(
        kind=_LABEL_KINDS[event.kind],
        subject=label.certificate_number,
        data=_one_label_data(label),
        operator_id=label.scheme_version.operator_id,
        organisation_id=label.organisation_id,
    )


def procedure_decided_record(event: Decided) -> Event | None:
    """``procedures.decided.decision_made`` subscriber; runs after labels' (``INSTALLED_APPS``
    order), so an award's payload lists the labels it issued."""
    procedure = event.procedure
    return event_record(
        kind=EventKind.PROCEDURE_DECIDED,
        subject=procedure.reference,
        data=lambda: procedure_data(procedure, award=event.award, decided_on=event.decided_on),
        operator_id=procedure.scheme_version.operator_id,
        organisation_id=procedure.organisation_id,
    )


def expiry_key(label: Label) -> str:
    return f"label.expired:{label.pk}"


def label_expiries_record(*, today: date, dry_run: bool = False) -> list[Label]:
    """The labels whose validity ended yesterday (or on one of the ``EXPIRY_CATCH_UP_DAYS``
    days before, if the daily run missed a day) while active, each reported once: the event's
    ``dedupe_key`` makes a second run (the same day or later) write nothing. A renewed label
    (superseded), a suspended or a revoked one does not expire in this sense. Returns the
    labels reported (with ``dry_run``: that would be)."""
    ended = (
        Label.objects.filter(
            state=LabelState.ACTIVE,
            valid_until__lt=today,
            valid_until__gte=today - timedelta(days=EXPIRY_CATCH_UP_DAYS),
        )
        .select_related("scheme_version")
        .order_by("valid_until", "certificate_number")
    )
    candidates = list(ended)
    known = set(
        Event.objects.filter(
            dedupe_key__in=[expiry_key(label) for label in candidates]
        ).values_list("dedupe_key", flat=True)
    )
    due = [label for label in candidates if expiry_key(label) not in known]
    if dry_run:
        return due
    for label in due:
        with transaction.atomic():
            event_record(
                kind=EventKind.LABEL_EXPIRED,
                subject=label.certificate_number,
                data=_one_label_data(label),
                operator_id=label.scheme_version.operator_id,
                organisation_id=label.organisation_id,
                dedupe_key=expiry_key(label),
            )
    return due


def label_expiries_run(run: DailyRun) -> list[Label]:
    """``core.daily.daily_jobs`` subscriber: report the expiries, one line each and a summary."""
    reported = label_expiries_record(today=run.today, dry_run=run.dry_run)
    for label in reported:
        verb = "would report" if run.dry_run else "reported"
        run.write(f"[webhooks] {verb} {label.certificate_number} expired on {label.valid_until}")
    verb = "would be written" if run.dry_run else "written"
    run.write(f"[webhooks] {len(reported)} expiry events {verb} on {run.today:%Y-%m-%d}.")
    return reported
