"""Organisation pages: the list (oversight), the profile with its eligibility per scheme, and
the profile form (create for the secretariat, edit for the managers and the secretariat).

Someone else's organisation is a 404, so its existence is not revealed; an organisation the user
may see but not change is a 403 on the edit page.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clusterlabel.access.policy import Activity, can, held_roles
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.service_forms import run_for_form
from clusterlabel.organisations import selectors, services
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.forms import OrganisationForm
from clusterlabel.organisations.models import Organisation

if TYPE_CHECKING:
    pass  # the stubs' type of a lazy string

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

        def show_conflict(exc: services.OrganisationConflict) -> HttpResponse:
            # Nothing was saved: what was typed is shown again, now based on the profile as it
            # stands, so saving again keeps this version knowingly.
            current = exc.organisation
            retyped = request.POST.copy()
            retyped["revision"] = str(current.revision)
            again = OrganisationForm(
                retyped, instance=copy.copy(current), with_managers=with_managers
            )
            again.is_valid()
            again.add_error(None, _conflict_message(form, current))
            response = _render_form(request, again, current)
            response.status_code = 409
            return response

        outcome = run_for_form(
            form,
            lambda: services.organisation_update(
                organisation=organisation,
                actor=user,
                data=form.profile_data(),
                funding_sources=form.funding_shares(),
                programmes=form.cleaned_data["programmes"],
                managers=form.cleaned_data["managers"] if with_managers else None,
                based_on_revision=form.cleaned_data.get("revision"),
            ),
            on={
                ValidationError: form.add_service_errors,
                services.OrganisationConflict: show_conflict,
            },
        )
        if outcome.response is not None:
            return outcome.response
        if outcome.ok:
            messages.success(request, _("The profile has been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return _render_form(request, form, organisation)


def _conflict_message(form: OrganisationForm, current: Organisation) -> str:
    """What the second of two editors is told: when the profile was saved in the meantime,
    and which of the typed values differ from the stored ones now."""
    differing = [
        str(form.fields[field].label)
        for field in services.PROFILE_FIELDS
        if field in form.cleaned_data and form.cleaned_data[field] != getattr(current, field)
    ]
    when = formats.date_format(timezone.localtime(current.updated_at), "SHORT_DATETIME_FORMAT")
    text = _(
        "Someone else saved this profile at %(time)s while you were editing it, so your "
        "changes were not saved. What you typed is shown below: check it and save again "
        "to keep your version."
    ) % {"time": when}
    if differing:
        text += " " + _("Stored now with a different value: %(fields)s.") % {
            "fields": ", ".join(differing)
        }
    return text


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, Activity.CREATE_ORGANISATION):
        raise Http404
    form = OrganisationForm(request.POST if request.method == "POST" else None, with_managers=True)
    if request.method == "POST" and form.is_valid():
        outcome = run_for_form(
            form,
            lambda: services.organisation_create(
                actor=user,
                data=form.profile_data(),
                funding_sources=form.funding_shares(),
                programmes=form.cleaned_data["programmes"],
                managers=form.cleaned_data["managers"],
            ),
            on={ValidationError: form.add_service_errors},
        )
        if outcome.value is not None:
            messages.success(request, _("The organisation has been created."))
            return redirect("organisations:detail", pk=outcome.value.pk)
    return _render_form(request, form, None)
