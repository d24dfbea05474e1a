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
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

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
    """The page's ``rows`` as lines to write (in the current language). Rows share their
    dates, places, sectors and states: each is written in words once per page."""
    holder = reverse("labels:holder", args=[0]).replace("/0/", "/{}/")
    verify = reverse("labels:verify", args=["NUMBER"]).replace("NUMBER", "{}")
    dates: dict[date, str] = {}
    countries: dict[str, str] = {}
    regions: dict[str, str] = {}
    sectors: dict[str, str] = {}
    states: dict[str, str] = {}

    def day(value: date) -> str:
        if value not in dates:
            dates[value] = date_format(value, "SHORT_DATE_FORMAT")
        return dates[value]

    lines = []
    for row in rows:
        if row.country not in countries:
            countries[row.country] = country_name(row.country)
        if row.region not in regions:
            regions[row.region] = row.region_name if row.region else ""
        if row.sector not in sectors:
            sectors[row.sector] = row.sector_name
        if row.status not in states:
            states[row.status] = row.status_label
        lines.append(
            RegistryLine(
                certificate_number=row.certificate_number,
                legal_name=row.legal_name,
                cluster_name=row.cluster_name,
                country=row.country,
                country_name=countries[row.country],
                region_name=regions[row.region],
                city=row.city,
                sector_name=sectors[row.sector],
                label_name=row.label_name,
                is_renewal=row.is_renewal,
                status=row.status,
                status_label=states[row.status],
                holder_url=holder.format(row.organisation_id),
                verify_url=verify.format(quote(row.certificate_number, safe="")),
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                valid_from_text=day(row.valid_from),
                valid_until_text=day(row.valid_until),
            )
        )
    return lines


# One table row of the registry: the markup ``registry.html`` once wrote with a tag per cell.
# Written here because fifty rows of template variables cost a third of the page's time (as
# Django's admin writes its change list's cells in Python); every value is escaped by
# ``format_html``. ``tests/labels/registry/test_registry_lines.py`` holds it to that template.
LINE_HTML = """<tr>
      <th scope="row"><a href="{holder_url}">{legal_name}</a></th>
      <td>{cluster_name}</td>
      <td>{country_name}{region}{city}</td>
      <td>{sector_name}</td>
      <td>{label_name}{renewal}</td>
      <td class="nowrap"><a href="{verify_url}">{certificate_number}</a></td>
      <td>{valid_from_text}</td>
      <td>{valid_until_text}</td>
      <td><span class="label-status label-status-{status}">{status_label}</span></td>
    </tr>
"""


def registry_lines_html(lines: Iterable[RegistryLine]) -> SafeString:
    """The table rows of ``lines``, every value escaped (see ``LINE_HTML``)."""
    renewal = format_html(' <span class="meta">({})</span>', gettext("renewal"))
    written = []
    for line in lines:
        written.append(
            format_html(
                LINE_HTML,
                holder_url=line.holder_url,
                legal_name=line.legal_name,
                cluster_name=line.cluster_name,
                country_name=line.country_name,
                region=SafeString(f" · {escape(line.region_name)}") if line.region_name else "",
                city=SafeString(f'<br><span class="meta">{escape(line.city)}</span>')
                if line.city
                else "",
                sector_name=line.sector_name,
                label_name=line.label_name,
                renewal=renewal if line.is_renewal else "",
                verify_url=line.verify_url,
                certificate_number=line.certificate_number,
                valid_from_text=line.valid_from_text,
                valid_until_text=line.valid_until_text,
                status=line.status,
                status_label=line.status_label,
            )
        )
    return SafeString("".join(written))


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
    lines = registry_lines(registry_rows(values, catalogue=catalogue, today=today))
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": lines,
        "rows_html": registry_lines_html(lines),
        "sort_headers": sort_headers(filters.sort),
        "export_query": f"?{urlencode(query)}" if query else "",
        "filtered": filters.filters_anything,
        "today": today,
    }
