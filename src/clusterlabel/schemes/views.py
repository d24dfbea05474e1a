"""Public pages of the scheme catalogue: what each scheme asks, scores and costs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clusterlabel.domain.errors import FeeNotDefined
from clusterlabel.domain.fees import quote_fee
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
        # A fee for "any" mode is quoted for the scheme's first assessment mode.
        mode = item.mode if item.mode != "any" else scheme.procedure.assessment_modes[0]
        try:
            # The price list: the renewal fee as such, for a customer in the operator's country.
            quote = quote_fee(
                scheme,
                process=item.process,
                mode=mode,
                application_date=today,
                check_renewal_window=False,
            )
        except FeeNotDefined:
            continue
        fee_quotes.append((item, quote))
    recognitions = []
    for level in scheme.levels:
        for recognition in level.recognitions:
            recognised = selectors.scheme_versions_current().filter(scheme_id=recognition.scheme)
            recognised_version = recognised.first()
            recognitions.append(
                {
                    "level": level,
                    "scheme_version": recognised_version,
                    "level_name": recognised_version.scheme.level(recognition.level).name
                    if recognised_version
                    else None,
                    "recognition": recognition,
                }
            )
    categories = [(category, scheme.indicators_in(category.id)) for category in scheme.categories]
    return render(
        request,
        "schemes/scheme_detail.html",
        {
            "scheme_version": scheme_version,
            "scheme": scheme,
            "categories": categories,
            "fee_quotes": fee_quotes,
            "recognitions": recognitions,
            "other_versions": selectors.scheme_versions_of(scheme_id=scheme_id).exclude(
                pk=scheme_version.pk
            ),
        },
    )
