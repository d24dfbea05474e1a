"""The public registry, its open-data export and the label statistics. No login, no personal
data: organisations are legal entities; nobody's name or e-mail is shown or exported.

The export is streamed (``StreamingHttpResponse`` over ``values().iterator(chunk_size=2000)``):
CSV is RFC 4180 (comma-separated, CRLF line ends, a header row) in UTF-8 without a byte-order
mark; JSON is ``{"source", "registry", "generated_at", "filters", "labels": [...]}`` with ISO
dates. Both hold all rows the registry's filters select, not only one page. A filter value that
is not valid makes the export answer 400 with the problems, rather than silently export more
rows than asked for.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusterlabel.core.form_fields import choice_field
from clusterlabel.labels.registry import statistics as stats
from clusterlabel.labels.registry.queries import (
    EXPORT_COLUMNS,
    SORT_FIELDS,
    QuestionForm,
    RegistryFilterForm,
    RegistryFilters,
    SchemeCatalogue,
    family_name,
    family_short_name,
    holder_places,
    region_name,
    registry_export_records,
    registry_labels,
    registry_page,
    registry_rows,
)


def _sort_headers(current: str) -> dict[str, dict[str, str]]:
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


@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    """Every current and past label, searchable, filterable, sortable, 50 per page."""
    catalogue = SchemeCatalogue.load()
    form = RegistryFilterForm(request.GET, catalogue=catalogue, places=holder_places())
    filters = form.filters()
    today = timezone.localdate()
    labels = registry_labels(filters, today=today, level_ranks=catalogue.level_ranks())
    page, values = registry_page(labels, request.GET.get("page"))
    query = filters.as_query()
    return render(
        request,
        "labels/registry.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": registry_rows(values, catalogue=catalogue, today=today),
            "sort_headers": _sort_headers(filters.sort),
            "export_query": f"?{urlencode(query)}" if query else "",
            "filtered": filters.filters_anything,
            "today": today,
        },
    )


# Rows per piece of the stream: fewer, larger pieces cost less per row.
ROWS_PER_PIECE = 1000


def _csv_pieces(records: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: comma, double quotes where needed, CRLF
    writer.writerow(EXPORT_COLUMNS)
    for count, record in enumerate(records, start=1):
        writer.writerow(record)  # None is written as an empty field
        if count % ROWS_PER_PIECE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_pieces(head: dict[str, Any], records: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    encoder = json.JSONEncoder(ensure_ascii=False)
    yield encoder.encode(head)[:-1] + ', "labels": ['
    separator, batch = "", []
    for record in records:
        batch.append(encoder.encode(dict(zip(EXPORT_COLUMNS, record, strict=True))))
        if len(batch) == ROWS_PER_PIECE:
            yield separator + ",".join(batch)
            separator, batch = ",", []
    yield (separator + ",".join(batch) if batch else "") + "]}"


@require_GET
def registry_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The registry's filtered list, all pages, as CSV or JSON (open data)."""
    if fmt not in ("csv", "json"):
        raise Http404
    catalogue = SchemeCatalogue.load()
    form = RegistryFilterForm(request.GET, catalogue=catalogue, places=())
    filters = form.filters()
    if form.errors:
        problems = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        if fmt == "json":
            return JsonResponse({"errors": problems}, status=400)
        lines = [
            f"{name}: {message}" for name, messages in problems.items() for message in messages
        ]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
    today = timezone.localdate()
    labels = registry_labels(filters, today=today, level_ranks=catalogue.level_ranks())
    site = settings.SITE_URL
    records = registry_export_records(
        labels,
        catalogue=catalogue,
        today=today,
        verify_url=site + reverse("labels:verify", args=["NUMBER"]).replace("NUMBER", "{number}"),
        holder_url=site + reverse("labels:holder", args=[0]).replace("/0/", "/{pk}/"),
    )
    filename = f"clusterlabel-registry-{today.isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_pieces(records), content_type="text/csv; charset=utf-8; header=present"
        )
    else:
        query = filters.as_query()
        head = {
            "source": site,
            "registry": site
            + reverse("labels:registry")
            + (f"?{urlencode(query)}" if query else ""),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "filters": query,
        }
        response = StreamingHttpResponse(
            _json_pieces(head, records), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _tick(day: date, period: str, is_today: bool) -> str:
    if is_today:
        return _("today")
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Counts of valid labels today and over time, with charts, and the seeds' questions."""
    catalogue = SchemeCatalogue.load()
    places = holder_places()
    today = timezone.localdate()
    counts = stats.counts_today(catalogue=catalogue, today=today)
    history = stats.labels_over_time(today=today)

    asked = any(key.startswith("ask-") for key in request.GET)
    question = QuestionForm(request.GET if asked else None, catalogue=catalogue, places=places)
    answer = None
    if asked and question.is_valid():
        filters = question.registry_filters()
        holders = stats.organisations_holding(filters, catalogue=catalogue)
        label_value = question.cleaned_data["label"]
        answer = {
            "filters": filters,
            "holders": holders,
            "count": len(holders),
            "day": filters.valid_on,
            "region": region_name(filters.region) if filters.region else "",
            # The form sets flat (value, name) pairs; the stubs type choices far wider.
            "label": dict(
                cast("Iterable[tuple[str, str]]", choice_field(question, "label").choices)
            ).get(label_value, label_value),
            "registry_query": urlencode(filters.as_query()),
        }

    bar_chart = line_chart = None
    if counts.by_label:
        bar_chart = stats.bar_chart_svg(
            [row.name for row in counts.by_label],
            [row.organisations for row in counts.by_label],
            label=_("Organisations holding a valid label today, by label"),
            axis=_("organisations"),
        )
    history_rows = []
    if history is not None:
        history_rows = history.rows()
        line_chart = stats.line_chart_svg(
            [_tick(day, history.period, is_today) for day, is_today, _counts in history_rows],
            {family_name(family): values for family, values in history.series.items()},
            label=_("Valid labels per label family over time"),
            axis=_("valid labels"),
        )

    bw_today = RegistryFilters(family="bw", region="DE-BW", valid_on=today)
    quick_bw = urlencode(
        {"ask-region": "DE-BW", "ask-label": "family:bw", "ask-on": today.isoformat()}
    )
    quick_bw_registry = urlencode(bw_today.as_query())
    creative = RegistryFilters(
        family="ecei", country="DE", sector="creative_industries", status="valid"
    )
    return render(
        request,
        "labels/statistics.html",
        {
            "counts": counts,
            "families": [(family, family_short_name(family)) for family in counts.families],
            "history": history,
            "history_families": [family_short_name(f) for f in (history.series if history else {})],
            "history_rows": history_rows,
            "bar_chart": bar_chart,
            "line_chart": line_chart,
            "question": question,
            "answer": answer,
            "quick_bw": quick_bw,
            "quick_bw_registry": quick_bw_registry,
            "quick_creative": urlencode(creative.as_query()),
            "today": today,
        },
    )
