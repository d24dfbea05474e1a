"""The programme view: the programmes a person follows, and one programme's members with
their labels, procedures under way and standing, as a page, CSV and XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.spreadsheet import CSV_TYPE, DELIMITERS, XLSX_TYPE, csv_pieces, xlsx_workbook
from clusterlabel.programmes.presenters import (
    EXPIRING_FILTERS,
    STANDING_FILTERS,
    export_columns,
    export_rows,
    member_rows,
    rule_text,
    scheme_names,
)
from clusterlabel.programmes.selectors import programme_get, programme_members, programmes_visible


@login_required
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The programmes the person follows; straight to the one when there is only one."""
    programmes = list(programmes_visible(user=request.user))
    if len(programmes) == 1:
        return redirect("programmes:detail", slug=programmes[0].slug)
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
def programme_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    """One programme's members. Filters: ``standing`` (met, unmet), ``expiring`` (90, 180,
    365 days); ``format`` csv or xlsx downloads every row the filters keep."""
    programme = programme_get(slug=slug, viewer=request.user)
    today = timezone.localdate()
    standing = request.GET.get("standing", "")
    standing = standing if standing in STANDING_FILTERS else ""
    expiring = request.GET.get("expiring", "")
    expiring = expiring if expiring in EXPIRING_FILTERS else ""
    members = programme_members(programme=programme, day=today)
    rule = programme.member_rule
    names = scheme_names(
        [a.scheme_id for a in rule.alternatives]
        + [ml.label.scheme_id for m in members for ml in m.labels]
    )
    rows = member_rows(
        members,
        names,
        day=today,
        standing=standing,
        expiring_days=int(expiring) if expiring else None,
    )
    fmt = request.GET.get("format", "")
    filename = f"clusterlabel-{programme.slug}-{today.isoformat()}"
    if fmt == "xlsx":
        workbook = xlsx_workbook(
            export_columns(),
            export_rows(rows),
            title=programme.name,
            date_columns=[export_columns()[6]],
        )
        response = HttpResponse(workbook, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if fmt == "csv":
        delimiter = DELIMITERS.get(request.GET.get("sep", ""), ",")
        streamed = StreamingHttpResponse(
            csv_pieces(export_columns(), export_rows(rows), delimiter=delimiter),
            content_type=CSV_TYPE,
        )
        streamed["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return streamed
    counts = {
        "members": len(members),
        "met": sum(1 for m in members if m.standing.holds is True),
        "unmet": sum(1 for m in members if m.standing.holds is False),
    }
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "rule_text": rule_text(rule, names),
            "rows": rows,
            "counts": counts,
            "standing": standing,
            "expiring": expiring,
            "standing_filters": STANDING_FILTERS,
            "expiring_filters": EXPIRING_FILTERS,
            "filtered": bool(standing or expiring),
            "today": today,
        },
    )
