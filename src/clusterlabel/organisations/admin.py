"""The back office's read-only view of organisations and programmes.

Every change to a profile goes through the pages (``organisations:edit``), whose services check
the policy and write the audit trail; the back office only reads, so nothing can change here
without an audit event.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.core.admin_readonly import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from clusterlabel.organisations.models import FundingSource, Organisation, Programme


class FundingSourceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = FundingSource
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("cluster_name", "legal_name", "country", "region", "sector", "staff_fte")
    list_filter = ("country", "region", "sector", "programmes")
    search_fields = ("cluster_name", "legal_name", "city", "website")
    inlines = (FundingSourceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Only what the person's grants reach (a BW secretariat sees no ECEI rows).
        return restrict(super().get_queryset(request), request.user, Activity.VIEW_ORGANISATION)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "owner")
    search_fields = ("name", "slug", "owner")
