"""Public pages of the scheme catalogue: what each scheme asks, scores and costs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clusterlabel.domain.fees import FeeNotDefined, quote_fee
from clusterlabel.schemes import selectors
from clusterlabel.schemes.models import SchemeVersion


def scheme_list(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.scheme_versions_current())
    return render(request, "schemes/scheme_list.html", {"versions": versions})


def scheme_detail(request: HttpRequest, scheme_id: str, version: str) -> HttpResponse:
    try:
        scheme_version = selectors.scheme_version_get(scheme_id=scheme_id, version=version)
    except SchemeVersion.DoesNotExist as exc:
        raise Http404 from exc
    scheme = scheme_version.scheme
    today = timezone.localdate()
    fee_quotes = []
    for item in scheme.fees.items:
        try:
            quote = quote_fee(scheme, process=item.process, mode=item.mode, application_date=today)
        except FeeNotDefined:
            continue
        fee_quotes.append((item, quote))
    categories = [(category, scheme.indicators_in(category.id)) for category in scheme.categories]
    return render(
        request,
        "schemes/scheme_detail.html",
        {
            "scheme_version": scheme_version,
            "scheme": scheme,
            "categories": categories,
            "fee_quotes": fee_quotes,
            "other_versions": selectors.scheme_versions_of(scheme_id=scheme_id).exclude(
                pk=scheme_version.pk
            ),
        },
    )
