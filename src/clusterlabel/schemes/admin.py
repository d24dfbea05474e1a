from django.contrib import admin

from clusterlabel.core.admin_readonly import ReadOnlyAdminMixin
from clusterlabel.schemes.models import Operator, SchemeVersion


@admin.register(Operator)
class OperatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Operators come from the scheme files' ``operator`` when a version is loaded."""

    list_display = ("name", "slug", "country")
    search_fields = ("name", "slug")


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    """Scheme versions are loaded from files (`clusterlabel schemes load`) and never edited."""

    list_display = ("scheme_id", "version", "family", "name_de", "is_current", "loaded_at")
    list_filter = ("family", "is_current")
    search_fields = ("scheme_id", "name_de", "name_en")
    readonly_fields = [f.name for f in SchemeVersion._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
