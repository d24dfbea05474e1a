"""The public registry, its open-data export and the label statistics. No login, no personal
data: organisations are legal entities; nobody's name or e-mail is shown or exported.

The export is streamed (``StreamingHttpResponse`` over ``values().iterator(chunk_size=2000)``):
CSV is for people's spreadsheets as well as programs (``core.spreadsheet``): UTF-8 with a
byte-order mark, CRLF line ends, a header row, comma-separated (RFC 4180) or, with
``?sep=semicolon``, semicolon-separated as a German Excel expects, and no cell that a spreadsheet
would run as a formula; XLSX is the same table as a workbook (dates as dates); JSON is
``{"source", "registry", "generated_at", "filters", "labels": [...]}`` with ISO dates, for
programs, unchanged. All hold all rows the registry's filters select, not only one page. A
filter value that is not valid makes the export answer 400 with the problems, rather than
silently export more rows than asked for.

``?full=1`` is the operators' export for moving a register (``clusterlabel import-labels``
reads it back): the same columns plus ``state_reason``, the free-text reason of a suspension or
revocation, which the open data leaves out because the secretariat's note may name people. It
holds only the labels the person may manage (``restrict(..., MANAGE_LABEL)``); without a login
it is refused (403).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
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
from django.views.decorators.http import require_GET

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.core.spreadsheet import CSV_TYPE, DELIMITERS, XLSX_TYPE, csv_pieces, xlsx_workbook
from clusterlabel.labels.changes import data_generation
from clusterlabel.labels.presenters.registry import registry_listing
from clusterlabel.labels.presenters.statistics import statistics_page
from clusterlabel.labels.public_cache import public_page
from clusterlabel.labels.registry.filters import RegistryFilters
from clusterlabel.labels.registry.queries import (
    EXPORT_COLUMNS,
    FULL_EXPORT_COLUMNS,
    QuestionForm,
    RegistryFilterForm,
    SchemeCatalogue,
    holder_places,
    registry_export_records,
    registry_labels,
    registry_page,
)


@require_GET
@public_page()
def registry(request: HttpRequest) -> HttpResponse:
    """Every current and past label, searchable, filterable, sortable, 50 per page."""
    generation = data_generation()  # before the data (see labels.changes)
    catalogue = SchemeCatalogue.load()
    places = holder_places(generation=generation)
    form = RegistryFilterForm(request.GET, catalogue=catalogue, places=places)
    filters = form.filters()
    today = timezone.localdate()
    labels = registry_labels(filters, today=today, level_ranks=catalogue.level_ranks())
    page, values = registry_page(labels, request.GET.get("page"), generation=generation)
    context = registry_listing(
        form, filters=filters, page=page, values=values, catalogue=catalogue, today=today
    )
    return render(request, "labels/registry.html", context)


# Rows per piece of the stream: fewer, larger pieces cost less per row.
ROWS_PER_PIECE = 1000


#: The export's columns that hold days (ISO text in CSV and JSON, dates in XLSX).
DATE_COLUMNS = (
    "valid_from",
    "valid_until",
    "awarded_on",
    "first_awarded_on",
    "state_changed_on",
)


def _json_pieces(
    head: dict[str, Any],
    records: Iterator[tuple[Any, ...]],
    columns: tuple[str, ...] = EXPORT_COLUMNS,
) -> Iterator[str]:
    encoder = json.JSONEncoder(ensure_ascii=False)
    yield encoder.encode(head)[:-1] + ', "labels": ['
    separator, batch = "", []
    for record in records:
        batch.append(encoder.encode(dict(zip(columns, record, strict=True))))
        if len(batch) == ROWS_PER_PIECE:
            yield separator + ",".join(batch)
            separator, batch = ",", []
    yield (separator + ",".join(batch) if batch else "") + "]}"


#: How long a built workbook of the open data stays in the cache (its key holds the data
#: generation, so a label change is never answered from it).
WORKBOOK_CACHE_SECONDS = 10 * 60


def _workbook(
    columns: tuple[str, ...],
    records: Iterator[tuple[Any, ...]],
    *,
    filters: RegistryFilters,
    today: date,
    shared: bool,
) -> bytes:
    """The XLSX workbook of ``records``; the open data's (``shared``) is kept per data
    generation, day and filters: a workbook costs about 0.3 ms of CPU per label to build, a
    CSV a tenth of that, and the same list is asked for again and again."""
    if not shared:
        return xlsx_workbook(columns, records, title="registry", date_columns=DATE_COLUMNS)
    # The generation before the data (``records`` reads the labels when iterated).
    query = urlencode(sorted(filters.as_query().items()))
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    key = f"registry:xlsx:{data_generation()}:{today.isoformat()}:{digest}"
    workbook = cache.get(key)
    if workbook is None:
        workbook = xlsx_workbook(columns, records, title="registry", date_columns=DATE_COLUMNS)
        cache.set(key, workbook, WORKBOOK_CACHE_SECONDS)
    return bytes(workbook)


@require_GET
def registry_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The registry's filtered list, all pages, as CSV or JSON (open data; ``?full=1``: the
    operators' export with the reasons, of the labels the person may manage)."""
    if fmt not in ("csv", "json", "xlsx"):
        raise Http404
    full = request.GET.get("full") == "1"
    if full and not request.user.is_authenticated:
        raise PermissionDenied
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
    if full:
        labels = restrict(labels, request.user, Activity.MANAGE_LABEL)
    columns = FULL_EXPORT_COLUMNS if full else EXPORT_COLUMNS
    site = settings.SITE_URL
    records = registry_export_records(
        labels,
        catalogue=catalogue,
        today=today,
        verify_url=site + reverse("labels:verify", args=["NUMBER"]).replace("NUMBER", "{number}"),
        holder_url=site + reverse("labels:holder", args=[0]).replace("/0/", "/{pk}/"),
        full=full,
    )
    filename = f"clusterlabel-registry-{today.isoformat()}.{fmt}"
    if fmt == "csv":
        delimiter = DELIMITERS.get(request.GET.get("sep", ""), ",")
        response = StreamingHttpResponse(
            csv_pieces(columns, records, delimiter=delimiter),
            content_type=CSV_TYPE,
        )
    elif fmt == "xlsx":
        workbook = _workbook(columns, records, filters=filters, today=today, shared=not full)
        workbook_response = HttpResponse(workbook, content_type=XLSX_TYPE)
        workbook_response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return workbook_response
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
            _json_pieces(head, records, columns), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@public_page()
def statistics(request: HttpRequest) -> HttpResponse:
    """Counts of valid labels today and over time, with charts, and the seeds' questions."""
    catalogue = SchemeCatalogue.load()
    asked = any(key.startswith("ask-") for key in request.GET)
    question = QuestionForm(
        request.GET if asked else None, catalogue=catalogue, places=holder_places()
    )
    context = statistics_page(
        question, asked=asked, catalogue=catalogue, today=timezone.localdate()
    )
    return render(request, "labels/statistics.html", context)
