"""The back office's read-only view of the benchmarking pool: what is in it, from where.

Rows are written only by decisions, imports (``clusterlabel import-assessments``) and the
synthetic generator, each with its audit event; the back office looks, it does not edit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.core.admin_places import CountryListFilter, country_column
from clusterlabel.core.formatting import percent


@admin.register(ReferenceAssessment)
class ReferenceAssessmentAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "pool_id",
        "assessed_on",
        "source",
        country_column,
        "sector",
        "overall_score",
        "is_latest",
    )
    list_filter = ("pool_id", "source", "is_latest", CountryListFilter)
    search_fields = ("name", "external_key", "organisation__cluster_name")
    date_hierarchy = "assessed_on"
    list_select_related = ("organisation",)
    readonly_fields = [field.name for field in ReferenceAssessment._meta.fields]

    @admin.display(description=_("overall score (%)"), ordering="overall_percent")
    def overall_score(self, obj: ReferenceAssessment) -> str:
        return percent(obj.overall_percent)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Only what the person's grants reach (a BW secretariat sees no ECEI rows).
        return restrict(super().get_queryset(request), request.user, Activity.VIEW_POOL)
