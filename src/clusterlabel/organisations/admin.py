from django.contrib import admin

from clusterlabel.organisations.models import FundingSource, Organisation, Programme


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """The back office's view of the profiles. The pages (``organisations:edit``) go through the
    services and write the audit trail; prefer them for changes to a profile."""

    list_display = ("cluster_name", "legal_name", "country", "region", "sector", "staff_fte")
    list_filter = ("country", "region", "sector", "programmes")
    search_fields = ("cluster_name", "legal_name", "city", "website")
    filter_horizontal = ("programmes", "managers")
    readonly_fields = ("created_at", "updated_at")
    inlines = (FundingSourceInline,)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "owner")
    search_fields = ("name", "slug", "owner")
    prepopulated_fields = {"slug": ("name",)}
