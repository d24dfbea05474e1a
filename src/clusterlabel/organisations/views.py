"""Organisation pages: the list (oversight), the profile with its eligibility per scheme, and
the profile form (create for the secretariat, edit for the managers and the secretariat).

Someone else's organisation is a 404, so its existence is not revealed; an organisation the user
may see but not change is a 403 on the edit page.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clusterlabel.access.policy import Activity, can, held_roles
from clusterlabel.benchmarks.selectors import organisation_pools
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain.eligibility import check_eligibility
from clusterlabel.labels.selectors import labels_of_organisation
from clusterlabel.organisations import selectors, services
from clusterlabel.organisations.choices import FundingKind, Sector
from clusterlabel.organisations.forms import OrganisationForm
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.selectors import scheme_versions_current

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # the stubs' type of a lazy string

PAGE_SIZE = 25


def load_organisation(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    """The organisation with its page's prefetches, if the user may see it; else 404."""
    try:
        return selectors.organisation_get(pk=pk, viewer=request.user)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_safe
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    filters = {
        "search": request.GET.get("q", "").strip(),
        "country": request.GET.get("country", "").strip().upper(),
        "region": request.GET.get("region", "").strip().upper(),
        "sector": request.GET.get("sector", "").strip(),
    }
    if filters["sector"] not in Sector.values:
        filters["sector"] = ""
    oversees = can(user, Activity.BROWSE_ORGANISATIONS)
    if not oversees:
        own = selectors.organisation_ids_managed_by(user=user, limit=2)
        if len(own) == 1:
            return redirect("organisations:detail", pk=own[0])
        if not own and held_roles(user):
            raise Http404  # assessors and board members reach organisations through procedures
    queryset = selectors.organisation_list(user=user, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "organisations": list(page.object_list),
        "oversees": oversees,
        "filters": filters,
        "filtered": any(filters.values()),
        "sectors": Sector.choices,
        "can_create": can(user, Activity.CREATE_ORGANISATION),
        "can_register": not held_roles(user),
        "show_emails": oversees,
    }
    if oversees:
        context.update(selectors.organisation_filter_options(user=user))
    return render(request, "organisations/organisation_list.html", context)


def _members_rows(organisation: Organisation) -> list[tuple[StrOrPromise, int | None, bool]]:
    """(label, count, is a sub-count) per member type, as the profile shows them."""

    def field(name: str) -> models.Field[Any, Any]:
        found = Organisation._meta.get_field(name)
        assert isinstance(found, models.Field)  # a concrete column, not a relation
        return found

    return [
        (field("members_companies").verbose_name, organisation.members_companies, False),
        (field("members_smes").verbose_name, organisation.members_smes, True),
        (
            field("members_research_education").verbose_name,
            organisation.members_research_education,
            False,
        ),
        (field("members_public_bodies").verbose_name, organisation.members_public_bodies, False),
        (field("members_civil_society").verbose_name, organisation.members_civil_society, False),
    ]


def _funding_rows(organisation: Organisation) -> list[dict[str, Any]]:
    """The funding sources in the order of ``FundingKind``, with the amount each share is of
    the annual budget when the budget is known."""
    by_kind = {source.kind: source for source in organisation.funding_sources.all()}
    rows = []
    for kind in FundingKind:
        source = by_kind.get(kind.value)
        if source is None:
            continue
        amount = None
        if organisation.annual_budget is not None:
            amount = (organisation.annual_budget * source.share_percent / 100).quantize(
                Decimal("0.01")
            )
        rows.append({"label": kind.label, "share": source.share_percent, "amount": amount})
    return rows


def _benchmark_reports(
    user: Any, organisation: Organisation, eligibility: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The benchmarking pools the organisation is in, for those who may read its reports (one
    query; the pools' names come from the scheme versions already read for eligibility)."""
    if not can(user, Activity.VIEW_BENCHMARK_REPORT, organisation):
        return []
    names = {
        row["version"].scheme_id: row["version"].name(current_language()) for row in eligibility
    }
    return [
        {"pool_id": pool_id, "name": names.get(pool_id, pool_id), "count": n, "latest": latest}
        for pool_id, n, latest in organisation_pools(organisation)
    ]


def _eligibility(organisation: Organisation) -> list[dict[str, Any]]:
    """Per current scheme version: eligible, or every failed criterion in words."""
    profile = organisation.profile()
    rows = []
    for version in scheme_versions_current():
        result = check_eligibility(version.scheme, profile)
        rows.append(
            {
                "version": version,
                "scheme": version.scheme,
                "eligible": result.eligible,
                "failures": describe_all(result.failures),
            }
        )
    return rows


@login_required
@require_safe
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = load_organisation(request, pk)
    user = request.user
    funding = _funding_rows(organisation)
    eligibility = _eligibility(organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "members": _members_rows(organisation),
            "funding": funding,
            "funding_total": sum((row["share"] for row in funding), Decimal(0)),
            "eligibility": eligibility,
            "benchmark_reports": _benchmark_reports(user, organisation, eligibility),
            "procedures": selectors.visible_procedures(organisation),
            "labels": list(labels_of_organisation(organisation_id=organisation.pk)),
            "managers": list(organisation.managers.all()),
            "programmes": list(organisation.programmes.all()),
            "show_emails": can(user, Activity.READ_CONTACT_DETAILS, organisation),
            "can_edit": can(user, Activity.EDIT_ORGANISATION, organisation),
            "can_apply": can(user, Activity.APPLY, organisation),
            "sees_register": can(user, Activity.BROWSE_ORGANISATIONS),
        },
    )


def _render_form(
    request: HttpRequest, form: OrganisationForm, organisation: Organisation | None
) -> HttpResponse:
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation, "with_managers": "managers" in form.fields},
    )


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = load_organisation(request, pk)
    user = request.user
    if not can(user, Activity.EDIT_ORGANISATION, organisation):
        raise PermissionDenied
    with_managers = can(user, Activity.CHANGE_MANAGERS, organisation)
    # The form writes what was typed into its instance; the page's heading keeps the stored name.
    form = OrganisationForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(organisation),
        with_managers=with_managers,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                actor=user,
                data=form.profile_data(),
                funding_sources=form.funding_shares(),
                programmes=form.cleaned_data["programmes"],
                managers=form.cleaned_data["managers"] if with_managers else None,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return _render_form(request, form, organisation)


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, Activity.CREATE_ORGANISATION):
        raise Http404
    form = OrganisationForm(request.POST if request.method == "POST" else None, with_managers=True)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=user,
                data=form.profile_data(),
                funding_sources=form.funding_shares(),
                programmes=form.cleaned_data["programmes"],
                managers=form.cleaned_data["managers"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The organisation has been created."))
            return redirect("organisations:detail", pk=organisation.pk)
    return _render_form(request, form, None)
