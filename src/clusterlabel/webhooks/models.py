"""Webhook endpoints, the events they are told of (an outbox) and each delivery's attempts.

Guarantees the database holds:

* an endpoint belongs to exactly one operator or one programme (a check constraint);
* an event is written in the transaction of the write it reports (``webhooks.outbox``), with one
  delivery per active endpoint that wanted it at that moment (none wanting it: no event, except
  an expiry, kept as the mark that it was reported), so a rolled-back write leaves no event and
  no delivery, and a committed one always has its deliveries;
* an event with a ``dedupe_key`` exists at most once (the daily expiry check can run twice);
* a delivery is for one endpoint and one event at most once;
* every attempt is kept (status code, short error, duration), none is ever deleted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.webhooks import EventKind


class EventChoice(models.TextChoices):
    LABEL_ISSUED = EventKind.LABEL_ISSUED.value, _("Label issued")
    LABEL_RENEWED = EventKind.LABEL_RENEWED.value, _("Label renewed")
    LABEL_SUSPENDED = EventKind.LABEL_SUSPENDED.value, _("Label suspended")
    LABEL_REINSTATED = EventKind.LABEL_REINSTATED.value, _("Label reinstated")
    LABEL_REVOKED = EventKind.LABEL_REVOKED.value, _("Label revoked")
    LABEL_EXPIRED = EventKind.LABEL_EXPIRED.value, _("Label expired")
    PROCEDURE_DECIDED = EventKind.PROCEDURE_DECIDED.value, _("Procedure decided")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")
    CANCELLED = "cancelled", _("Cancelled (endpoint deactivated)")


class Endpoint(models.Model):
    """A URL of an operator or a programme that receives the events it chose, signed with its
    secret. The secret is stored encrypted (``webhooks.signing``): the worker needs it to sign,
    so it cannot be stored as a hash like a password; only its first characters are kept in
    clear to tell endpoints apart."""

    operator = models.ForeignKey(
        "schemes.Operator",
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
    )
    programme = models.ForeignKey(
        "organisations.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    secret_prefix = models.CharField(_("secret begins with"), max_length=16)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(operator__isnull=False, programme__isnull=True)
                    | models.Q(operator__isnull=True, programme__isnull=False)
                ),
                name="webhooks_endpoint_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.url}"

    @property
    def owner(self) -> object:
        """The operator or the programme."""
        return self.operator if self.operator_id is not None else self.programme

    def wants(self, kind: str) -> bool:
        return kind in self.events


class Event(models.Model):
    """Something that happened, with its payload as it was when it happened (``data``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("event"), max_length=32, choices=EventChoice.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    subject = models.CharField(
        _("subject"), max_length=64, help_text=_("The certificate number or procedure reference.")
    )
    data = models.JSONField(_("data"))
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ("-occurred_at",)

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class Delivery(models.Model):
    """One event for one endpoint. ``next_attempt_at`` is when it is due (pending), or, while a
    worker sends it, the end of that worker's lease (``claim``); ``attempts`` counts this
    round's attempts (a redelivery starts a new round; the attempt rows keep them all)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        Endpoint, verbose_name=_("endpoint"), on_delete=models.PROTECT, related_name="deliveries"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("event", "endpoint"), name="webhooks_one_delivery_per_endpoint"
            )
        ]
        indexes = [models.Index(fields=("state", "next_attempt_at"), name="webhooks_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url}"


class DeliveryAttempt(models.Model):
    """One try to send a delivery: what the receiver answered, or why there was no answer."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.PROTECT, related_name="attempts_made"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ("delivery", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("delivery", "number"), name="webhooks_attempt_numbered_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
