"""The back office's view of organisations and programmes.

Every change to a profile goes through the pages (``organisations:edit``), whose services check
the policy and write the audit trail; the back office only reads, so nothing can change here
without an audit event. The one write it offers is merging two organisations (an action on two
selected rows, then a page showing both and asking which to keep), which calls
``organisation_merge`` and so the policy and the audit trail too.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.core.admin_places import (
    CountryListFilter,
    RegionListFilter,
    country_column,
    region_column,
)
from clusterlabel.core.admin_readonly import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.organisations.merging import may_merge, organisation_merge
from clusterlabel.organisations.models import FundingSource, Organisation, Programme


class FundingSourceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = FundingSource
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "cluster_name",
        "legal_name",
        country_column,
        region_column,
        "sector",
        "staff_fte",
    )
    list_filter = (CountryListFilter, RegionListFilter, "sector", "programmes")
    search_fields = ("cluster_name", "legal_name", "city", "website")
    inlines = (FundingSourceInline,)
    actions = ("merge_two",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Only what the person's grants reach (a BW secretariat sees no ECEI rows).
        return restrict(super().get_queryset(request), request.user, Activity.VIEW_ORGANISATION)

    def get_urls(self):
        view = self.admin_site.admin_view(self.merge_view)
        return [
            path("merge/<int:first>/<int:second>/", view, name="organisations_organisation_merge"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Merge the two selected organisations …"))
    def merge_two(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        ids = sorted(queryset.values_list("pk", flat=True))
        if len(ids) != 2:
            self.message_user(
                request, gettext("Select exactly two organisations to merge."), messages.WARNING
            )
            return None
        return HttpResponseRedirect(reverse("admin:organisations_organisation_merge", args=ids))

    def merge_view(
        self, request: AuthenticatedHttpRequest, first: int, second: int
    ) -> HttpResponse:
        """Both organisations side by side with what each holds; the person chooses the one
        kept and confirms. Nothing is merged without that confirmation."""
        found = (
            self.get_queryset(request)
            .filter(pk__in=[first, second])
            .annotate(
                label_count=Count("labels", distinct=True),
                procedure_count=Count("procedures", distinct=True),
                assessment_count=Count("reference_assessments", distinct=True),
                grant_count=Count("grants", distinct=True),
            )
            .in_bulk()
        )
        if first == second or len(found) != 2:
            raise Http404
        pair = [found[first], found[second]]
        if not may_merge(request.user, *pair):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm"):
            keep_id = int(request.POST.get("keep", 0) or 0)
            if keep_id not in found:
                raise Http404
            keep = found[keep_id]
            merge = found[second if keep_id == first else first]
            try:
                merging = organisation_merge(keep=keep, merge=merge, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                moved = ", ".join(f"{n} {kind}" for kind, n in sorted(merging.moved.items()) if n)
                self.message_user(
                    request,
                    gettext("#%(merged)s merged into #%(kept)s %(name)s (moved: %(moved)s).")
                    % {
                        "merged": merge.pk,
                        "kept": keep.pk,
                        "name": keep.cluster_name,
                        "moved": moved or "-",
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:organisations_organisation_change", args=[keep.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Merge two organisations"),
            "pair": pair,
        }
        return TemplateResponse(request, "admin/organisations/organisation/merge.html", context)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "owner")
    search_fields = ("name", "slug", "owner")
