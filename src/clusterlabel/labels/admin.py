"""The back office's view of labels (read-only: labels are issued by awards and imports, and
their state changes on the label's manage page, with the audit trail), the expiry reminders
sent, and the import of existing label holders from a list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, can, restrict
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.domain.labels import canonical_certificate_number
from clusterlabel.labels.forms import LabelImportForm
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, LabelReminder


class NumberSearchMixin:
    """The admin's search looks certificate numbers up in their stored spelling (capitals, no
    surrounding spaces), so that "ecei-g-2024-00001" finds ECEI-G-2024-00001 exactly; the
    names it also searches are compared regardless of case."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        canonical = canonical_certificate_number(search_term)
        return super().get_search_results(request, queryset, canonical)  # type: ignore[misc]


@admin.register(Label)
class LabelAdmin(NumberSearchMixin, admin.ModelAdmin):
    list_display = (
        "certificate_number",
        "organisation",
        "scheme_id",
        "level_id",
        "valid_from",
        "valid_until",
        "state",
        "status_text",
        "source",
    )
    list_filter = (
        "family",
        "scheme_id",
        "level_id",
        "state",
        "source",
        ("valid_until", admin.DateFieldListFilter),
    )
    # The number exactly (its unique index answers; see ``NumberSearchMixin``), the names in
    # part.
    search_fields = (
        "certificate_number__exact",
        "organisation__cluster_name",
        "organisation__legal_name",
    )
    list_select_related = ("organisation",)
    date_hierarchy = "valid_until"
    readonly_fields = [field.name for field in Label._meta.fields] + ["manage_link"]

    @admin.display(description=_("status today"))
    def status_text(self, label: Label) -> str:
        return label.status_label

    @admin.display(description=_("suspend, reinstate or revoke"))
    def manage_link(self, label: Label) -> str:
        url = reverse("labels:manage", args=[label.certificate_number])
        return format_html('<a href="{}">{}</a>', url, gettext("Manage this label"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # labels come from awards and imports

    def has_change_permission(self, request: HttpRequest, obj: Label | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Label | None = None) -> bool:
        return False  # the history is never deleted

    @staticmethod
    def may_import(request: HttpRequest) -> bool:
        """The secretariat of a scheme and administrators (of an operator or the
        installation) import; each row must be of a scheme their grants cover (checked per row
        by ``labels_import``)."""
        return can(request.user, Activity.IMPORT_LABELS)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="labels_label_import"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.may_import(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        """Upload a list, see the check (and, unless only checking, the import) result."""
        if not self.may_import(request):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = LabelImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = labels_import(
                    data=upload.read(),
                    actor=request.user,
                    file_name=upload.name,
                    encoding=form.cleaned_data["encoding"] or None,
                    delimiter=form.cleaned_data["delimiter"] or None,
                    label=form.cleaned_data["label"].strip() or None,
                    dry_run=form.cleaned_data["dry_run"],
                    tolerance_days=form.tolerance(),
                )
                if result.written:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s label imported from %(file)s.",
                            "%(count)s labels imported from %(file)s.",
                            len(result.created),
                        )
                        % {"count": len(result.created), "file": upload.name},
                    )
        else:
            form = LabelImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import label holders"),
            "form": form,
            "result": result,
            # The command's report counts them too: rows continuing a label.
            "renewals": sum(1 for item in result.created if item.renews or item.renews_line)
            if result
            else 0,
        }
        return TemplateResponse(request, "admin/labels/label/import.html", context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Only what the person's grants reach (a BW secretariat sees no ECEI rows).
        return restrict(super().get_queryset(request), request.user, Activity.BROWSE_LABELS)


@admin.register(LabelReminder)
class LabelReminderAdmin(NumberSearchMixin, admin.ModelAdmin):
    """Reminders sent. Deleting one makes ``send-reminders`` send that kind again."""

    list_display = ("label", "kind", "sent_at", "recipient_list")
    list_filter = ("kind", ("sent_at", admin.DateFieldListFilter))
    search_fields = ("label__certificate_number__exact", "label__organisation__cluster_name")
    list_select_related = ("label", "label__organisation")
    readonly_fields = ("label", "kind", "sent_at", "recipients")

    @admin.display(description=_("recipients"))
    def recipient_list(self, reminder: LabelReminder) -> str:
        return ", ".join(reminder.recipients)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LabelReminder | None = None) -> bool:
        return False
