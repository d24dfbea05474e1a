"""The audit trail in the back office, read-only and scoped by the policy (registered here,
above the audit app, because the audit trail sits below the policy)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.audit.display import action_label
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.presenter import present_trail


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: events are recorded by the services and never edited."""

    list_display = (
        "sequence",
        "occurred_at",
        "actor_name",
        "action",
        "action_name",
        "target_type",
        "target_id",
        "procedure_id",
    )
    list_display_links = ("sequence",)
    list_select_related = ("actor",)  # the actor's name, in the same query
    list_filter = ("action", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "target_id")
    ordering = ("-sequence",)
    # The stored label and values are not shown raw: they may hold the name of a person who was
    # erased since (they stay in the hashed payload); "actor" and the changes in words show the
    # pseudonym instead.
    readonly_fields = [
        *(
            field.name
            for field in AuditEvent._meta.fields
            if field.name not in {"actor_label", "before", "after"}
        ),
        "actor_name",
        "changes_in_words",
    ]
    fields = tuple(readonly_fields)
    show_full_result_count = False

    @admin.display(description=_("what happened"))
    def action_name(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @admin.display(description=_("actor"), ordering="actor_label")
    def actor_name(self, event: AuditEvent) -> str:
        """The person's full name (the account name at the time if the account has none)."""
        if event.actor is None:
            return event.actor_label or str(_("System"))
        return event.actor.get_full_name() or event.actor_label

    @admin.display(description=_("Changes"))
    def changes_in_words(self, event: AuditEvent) -> str:
        """The before/after values as a reader says them: names, dates, money, schemes."""
        (shown,) = present_trail([event])
        if not shown.changes:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (
                        change.label,
                        change.after
                        if change.added
                        else change.before
                        if change.removed
                        else f"{change.before} → {change.after}",
                    )
                    for change in shown.changes
                ),
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Only what the person's grants reach (a BW secretariat sees no ECEI rows).
        return restrict(super().get_queryset(request), request.user, Activity.READ_INTERNAL_AUDIT)
