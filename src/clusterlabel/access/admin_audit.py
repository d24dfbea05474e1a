"""The audit trail in the back office, read-only and scoped by the policy (registered here,
above the audit app, because the audit trail sits below the policy)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.audit.display import action_label
from clusterlabel.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: events are recorded by the services and never edited."""

    list_display = (
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "action_name",
        "target_type",
        "target_id",
        "procedure_id",
    )
    list_display_links = ("sequence",)
    list_filter = ("action", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "target_id")
    ordering = ("-sequence",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    show_full_result_count = False

    @admin.display(description=_("what happened"))
    def action_name(self, event: AuditEvent) -> str:
        return action_label(event.action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Only what the person's grants reach (a BW secretariat sees no ECEI rows).
        return restrict(super().get_queryset(request), request.user, Activity.READ_INTERNAL_AUDIT)
