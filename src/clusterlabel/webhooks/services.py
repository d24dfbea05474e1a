"""Every write of the webhooks' own rows: registering and deactivating an endpoint, sending a
delivery again. Each asks the policy (``MANAGE_WEBHOOKS`` on the operator, programme, endpoint
or delivery; ``actor=None`` is the installation itself, the ``clusterlabel webhooks`` command)
and records an audit event in the same transaction. Secrets are never written to the audit
trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity, can
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.organisations.models import Programme
from clusterlabel.schemes.models import Operator
from clusterlabel.webhooks.addresses import url_problem
from clusterlabel.webhooks.models import Delivery, DeliveryState, Endpoint, EventChoice
from clusterlabel.webhooks.signing import secret_encrypt, secret_new, secret_prefix


@dataclass(frozen=True)
class NewEndpoint:
    """An endpoint just registered: ``secret`` is shown this once."""

    endpoint: Endpoint
    secret: str


def _allowed(actor: User | None, obj: object) -> None:
    if actor is not None and not can(actor, Activity.MANAGE_WEBHOOKS, obj):
        raise PermissionDenied


def endpoint_create(
    *,
    owner: Operator | Programme,
    url: str,
    events: Iterable[str],
    description: str = "",
    actor: User | None,
) -> NewEndpoint:
    """Register ``url`` for ``owner`` (an operator or a programme) to receive ``events``.
    Refused (``PermissionDenied``) unless ``actor`` may manage the owner's webhooks; refused
    (``ValidationError`` naming the field) for an address ``addresses.url_problem`` refuses, an
    unknown event or none. Returns the secret, which is stored only encrypted."""
    _allowed(actor, owner)
    url = url.strip()
    problem = url_problem(url)
    if problem is not None:
        raise ValidationError({"url": problem})
    chosen = sorted(set(events))
    unknown = [kind for kind in chosen if kind not in EventChoice.values]
    if unknown or not chosen:
        raise ValidationError(
            {
                "events": _("Choose at least one of the events: %(events)s.")
                % {"events": ", ".join(EventChoice.values)}
            }
        )
    secret = secret_new()
    with transaction.atomic():
        endpoint = Endpoint(
            operator=owner if isinstance(owner, Operator) else None,
            programme=owner if isinstance(owner, Programme) else None,
            url=url,
            description=description.strip(),
            events=chosen,
            secret_encrypted=secret_encrypt(secret),
            secret_prefix=secret_prefix(secret),
            created_by=actor,
        )
        endpoint.full_clean()
        endpoint.save()
        audit_record(
            actor=actor,
            action="webhook.create",
            target=endpoint,
            after={
                "owner": str(owner),
                "url": url,
                "events": chosen,
                "secret_begins": endpoint.secret_prefix,
            },
        )
    return NewEndpoint(endpoint=endpoint, secret=secret)


def endpoint_deactivate(*, endpoint: Endpoint, actor: User | None) -> Endpoint:
    """Stop sending to ``endpoint``: it gets no new deliveries, and its pending ones are
    cancelled (kept in the log). Deactivating is final; register the URL again to resume."""
    _allowed(actor, endpoint)
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.deactivated_at = timezone.now()
        locked.save(update_fields=["is_active", "deactivated_at"])
        cancelled = Delivery.objects.filter(endpoint=locked, state=DeliveryState.PENDING).update(
            state=DeliveryState.CANCELLED, next_attempt_at=None, claim=None
        )
        audit_record(
            actor=actor,
            action="webhook.deactivate",
            target=locked,
            before={"active": True},
            after={"active": False, "pending_cancelled": cancelled},
        )
    return locked


def delivery_redeliver(*, delivery: Delivery, actor: User | None) -> Delivery:
    """Send ``delivery`` again (the same id and body): due at once, a new round of attempts.
    Refused (``ValidationError``) when its endpoint has been deactivated."""
    _allowed(actor, delivery)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if not locked.endpoint.is_active:
            raise ValidationError(_("The endpoint of this delivery has been deactivated."))
        before = {"state": locked.state, "attempts": locked.attempts}
        locked.state = DeliveryState.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.claim = None
        locked.save(update_fields=["state", "attempts", "next_attempt_at", "claim"])
        audit_record(
            actor=actor,
            action="webhook.redeliver",
            target_type="webhooks.delivery",
            target_id=str(locked.pk),
            before=before,
            after={"state": locked.state},
        )
    return locked
