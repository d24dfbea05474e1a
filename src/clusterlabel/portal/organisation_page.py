"""An organisation's page: its profile (from organisations), its procedures, labels and
benchmarking reports (from the apps above organisations), composed here in the top layer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clusterlabel.access.policy import Activity, can, can_view_benchmark_report
from clusterlabel.benchmarks.selectors import organisation_pools
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.labels.selectors import labels_of_organisation
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.presenters import eligibility_rows, funding_rows, members_rows
from clusterlabel.organisations.selectors import organisation_get
from clusterlabel.procedures.selectors import procedures_of_organisation


def _benchmark_reports(
    user: Any, organisation: Organisation, eligibility: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The benchmarking pools the organisation is in whose report the user may read (one
    query; the pools' names come from the scheme versions already read for eligibility). A
    secretariat of one scheme sees its own pool's report only: the others would answer 404."""
    if not can(user, Activity.VIEW_BENCHMARK_REPORT, organisation):
        return []
    names = {
        row["version"].scheme_id: row["version"].name(current_language()) for row in eligibility
    }
    return [
        {"pool_id": pool_id, "name": names.get(pool_id, pool_id), "count": n, "latest": latest}
        for pool_id, n, latest in organisation_pools(organisation)
        if can_view_benchmark_report(user, pool_id, organisation)
    ]


@login_required
@require_safe
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        organisation = organisation_get(pk=pk, viewer=request.user)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    funding = funding_rows(organisation)
    eligibility = eligibility_rows(organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members_rows(organisation),
            "funding": funding,
            "funding_total": sum((row["share"] for row in funding), Decimal(0)),
            "eligibility": eligibility,
            "benchmark_reports": _benchmark_reports(user, organisation, eligibility),
            "procedures": list(procedures_of_organisation(organisation=organisation, viewer=user)),
            "labels": list(labels_of_organisation(organisation_id=organisation.pk)),
            "managers": list(organisation.managers.all()),
            "programmes": list(organisation.programmes.all()),
            "show_emails": can(user, Activity.READ_CONTACT_DETAILS, organisation),
            "can_edit": can(user, Activity.EDIT_ORGANISATION, organisation),
            "can_apply": can(user, Activity.APPLY, organisation),
            "sees_register": can(user, Activity.BROWSE_ORGANISATIONS),
        },
    )
