"""The back office's delivery log: every delivery with its attempts, read-only, and the action
"send again" (``webhooks.services.delivery_redeliver``, which asks the policy per delivery).
Who sees what is the policy's answer (``MANAGE_WEBHOOKS``): an operator's secretariat and
administrators see the deliveries to their operator's endpoints, an installation administrator
all of them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusterlabel.access.policy import Activity, can, restrict
from clusterlabel.core.admin_readonly import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from clusterlabel.webhooks.models import Delivery, DeliveryAttempt, Endpoint
from clusterlabel.webhooks.services import delivery_redeliver


class _PolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Activity.MANAGE_WEBHOOKS)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Activity.MANAGE_WEBHOOKS, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return restrict(super().get_queryset(request), request.user, Activity.MANAGE_WEBHOOKS)


class AttemptInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "started_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Activity.MANAGE_WEBHOOKS, obj)


@admin.register(Delivery)
class DeliveryAdmin(_PolicyAdmin):
    list_display = (
        "event_kind",
        "subject",
        "endpoint_url",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("state", "event__kind")
    search_fields = ("event__subject", "endpoint__url", "id__exact")
    list_select_related = ("event", "endpoint")
    date_hierarchy = "created_at"
    readonly_fields = (
        "id",
        "event",
        "endpoint",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "payload",
    )
    fields = readonly_fields
    inlines = (AttemptInline,)
    actions = ("redeliver",)

    @admin.display(description=_("event"), ordering="event__kind")
    def event_kind(self, delivery: Delivery) -> str:
        return delivery.event.kind

    @admin.display(description=_("subject"), ordering="event__subject")
    def subject(self, delivery: Delivery) -> str:
        return delivery.event.subject

    @admin.display(description=_("address"), ordering="endpoint__url")
    def endpoint_url(self, delivery: Delivery) -> str:
        return delivery.endpoint.url

    @admin.display(description=_("data"))
    def payload(self, delivery: Delivery) -> Any:
        return delivery.event.data

    @admin.action(description=_("Send the selected deliveries again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        sent, refused = 0, []
        for delivery in queryset.select_related(
            "endpoint", "endpoint__operator", "endpoint__programme"
        ):
            try:
                delivery_redeliver(delivery=delivery, actor=request.user)  # type: ignore[arg-type]
            except (PermissionDenied, ValidationError):
                refused.append(str(delivery.pk))
            else:
                sent += 1
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)s delivery is due again.", "%(count)s deliveries are due again.", sent
                )
                % {"count": sent},
            )
        if refused:
            messages.error(
                request,
                _("Not sent again (endpoint deactivated or not yours): %(ids)s")
                % {"ids": ", ".join(refused)},
            )


@admin.register(Endpoint)
class EndpointAdmin(_PolicyAdmin):
    list_display = ("url", "owner", "is_active", "created_at", "secret_prefix")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    list_select_related = ("operator", "programme")
    fields = (
        "operator",
        "programme",
        "url",
        "description",
        "events",
        "secret_prefix",
        "is_active",
        "created_at",
        "created_by",
        "deactivated_at",
    )
    readonly_fields = fields
