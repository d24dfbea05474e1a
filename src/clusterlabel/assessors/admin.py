"""The expert pool in the admin: read-only lists for looking things up. Profiles,
qualifications and declared conflicts are written by their owners and the schemes'
secretariats through ``clusterlabel.assessors.services`` (audited), never here."""

from __future__ import annotations

from django.contrib import admin

from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.core.admin_readonly import ReadOnlyAdminMixin


@admin.register(AssessorProfile)
class AssessorProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "languages", "sectors", "countries", "updated_at")
    search_fields = ("user__username", "user__last_name")
    list_select_related = ("user",)


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "profile",
        "scheme_id",
        "level_id",
        "kind",
        "valid_from",
        "valid_until",
        "confirmed_by",
        "confirmed_at",
    )
    list_filter = ("scheme_id", "kind")
    list_select_related = ("profile__user", "confirmed_by")


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("profile", "organisation", "since", "declared_at")
    list_select_related = ("profile__user", "organisation")
