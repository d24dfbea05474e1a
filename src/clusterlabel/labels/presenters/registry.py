"""What the public registry's page shows: the filter form, one page of rows, the sortable
columns' headers and the query the export links keep. Organisations are legal entities;
nobody's name or e-mail is among what it hands the template."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page

from clusterlabel.labels.registry.queries import (
    SORT_FIELDS,
    RegistryFilterForm,
    RegistryFilters,
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
        "rows": registry_rows(values, catalogue=catalogue, today=today),
        "sort_headers": sort_headers(filters.sort),
        "export_query": f"?{urlencode(query)}" if query else "",
        "filtered": filters.filters_anything,
        "today": today,
    }
