"""What the public registry's page shows: the filter form, one page of rows, the sortable
columns' headers and the query the export links keep. Organisations are legal entities;
nobody's name or e-mail is among what it hands the template."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from django.core.paginator import Page
from django.urls import reverse
from django.utils.formats import date_format

from clusterlabel.core.countries import country_name
from clusterlabel.domain.labels import LabelStatus
from clusterlabel.labels.registry.queries import (
    SORT_FIELDS,
    RegistryFilterForm,
    RegistryFilters,
    RegistryRow,
    SchemeCatalogue,
    registry_rows,
)


def sort_headers(current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the sort a click on its header asks for, and its aria-sort."""
    headers = {}
    for key in SORT_FIELDS:
        if current == key:
            headers[key] = {"next": f"-{key}", "aria": "ascending"}
        elif current == f"-{key}":
            headers[key] = {"next": key, "aria": "descending"}
        else:
            headers[key] = {"next": key, "aria": ""}
    return headers


@dataclass(frozen=True)
class RegistryLine:
    """One line of the registry page with everything the template writes already in words
    (names, links, dates in the page's language): fifty lines of template tags and filters
    cost more than the rest of the page."""

    certificate_number: str
    legal_name: str
    cluster_name: str
    country: str
    country_name: str
    region_name: str
    city: str
    sector_name: str
    label_name: str
    is_renewal: bool
    status: LabelStatus
    status_label: str
    holder_url: str
    verify_url: str
    valid_from: date
    valid_until: date
    valid_from_text: str
    valid_until_text: str


def registry_lines(rows: Iterable[RegistryRow]) -> list[RegistryLine]:
    """The page's ``rows`` as lines to write (in the current language)."""
    holder = reverse("labels:holder", args=[0]).replace("/0/", "/{}/")
    verify = reverse("labels:verify", args=["NUMBER"]).replace("NUMBER", "{}")
    dates: dict[date, str] = {}  # rows share dates; each is written once

    def day(value: date) -> str:
        if value not in dates:
            dates[value] = date_format(value, "SHORT_DATE_FORMAT")
        return dates[value]

    return [
        RegistryLine(
            certificate_number=row.certificate_number,
            legal_name=row.legal_name,
            cluster_name=row.cluster_name,
            country=row.country,
            country_name=country_name(row.country),
            region_name=row.region_name if row.region else "",
            city=row.city,
            sector_name=row.sector_name,
            label_name=row.label_name,
            is_renewal=row.is_renewal,
            status=row.status,
            status_label=row.status_label,
            holder_url=holder.format(row.organisation_id),
            verify_url=verify.format(quote(row.certificate_number, safe="")),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            valid_from_text=day(row.valid_from),
            valid_until_text=day(row.valid_until),
        )
        for row in rows
    ]


def registry_listing(
    form: RegistryFilterForm,
    *,
    filters: RegistryFilters,
    page: Page[Any],
    values: Iterable[Mapping[str, Any]],
    catalogue: SchemeCatalogue,
    today: date,
) -> dict[str, Any]:
    """The registry page: ``form`` with the ``filters`` it read, the ``page`` of labels and
    its ``values`` as rows, the headers to sort by, and the filters as the export links'
    query."""
    query = filters.as_query()
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": registry_lines(registry_rows(values, catalogue=catalogue, today=today)),
        "sort_headers": sort_headers(filters.sort),
        "export_query": f"?{urlencode(query)}" if query else "",
        "filtered": filters.filters_anything,
        "today": today,
    }
