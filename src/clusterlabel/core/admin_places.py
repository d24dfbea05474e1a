"""Admin list filters that offer countries and regions by their names in the current language
(sorted by name) instead of their ISO codes; the filter still matches the stored code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.countries import country_name, subdivision_name
from clusterlabel.core.text import header_key


class _PlaceListFilter(admin.SimpleListFilter):
    field = ""
    name: Callable[[str], str] = staticmethod(country_name)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            model_admin.get_queryset(request)
            .exclude(**{self.field: ""})
            .order_by()
            .values_list(self.field, flat=True)
            .distinct()
        )
        named = [(code, self.name(code)) for code in codes]
        return sorted(named, key=lambda option: header_key(option[1]))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class CountryListFilter(_PlaceListFilter):
    title = _("country")
    parameter_name = "country"
    field = "country"


class RegionListFilter(_PlaceListFilter):
    title = _("State or region")
    parameter_name = "region"
    field = "region"
    name = staticmethod(subdivision_name)


@admin.display(description=_("country"), ordering="country")
def country_column(obj: Any) -> str:
    """A list column with the country's name instead of its code."""
    return country_name(obj.country) if obj.country else "—"


@admin.display(description=_("state or region"), ordering="region")
def region_column(obj: Any) -> str:
    """A list column with the region's name instead of its code."""
    return subdivision_name(obj.region) if obj.region else "—"
