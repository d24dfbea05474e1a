"""Self-service pages: register or claim an organisation; the secretariat's list of pending
registrations and claims with its decisions.

A registration or claim outside the secretariat's schemes is a 404, so its existence is not
revealed; a person with a staff role has no registration page (404).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.service_forms import Handlers, run_for_form, run_service
from clusterlabel.organisations import registration
from clusterlabel.organisations.forms import ClaimForm, DecisionForm, RegistrationForm
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.selectors import scheme_versions_current_by_id


def _register_page(
    request: AuthenticatedHttpRequest, form: RegistrationForm, claim_form: ClaimForm | None = None
) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    return render(
        request,
        "organisations/register.html",
        {
            "form": form,
            "claim_form": claim_form or ClaimForm(),
            "search": search,
            "candidates": registration.claimable_organisations(user=request.user, search=search),
            "open_claims": list(
                request.user.organisation_claims.filter(decided_at__isnull=True).select_related(
                    "organisation"
                )
            ),
        },
    )


def _as_messages(request: HttpRequest) -> Handlers:
    """A refused registration step's reasons as error messages above the next page."""

    def show(exc: ValidationError) -> None:
        for message in exc.messages:
            messages.error(request, message)

    return {ValidationError: show}


@login_required
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a new organisation (POST), or find an existing one to claim (GET ``q``)."""
    if not registration.may_register(request.user):
        raise Http404
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = run_for_form(
            form,
            lambda: registration.organisation_register(
                actor=request.user,
                data=form.profile_data(),
                requested_scheme_id=form.cleaned_data["requested_scheme_id"],
                funding_sources=form.funding_shares(),
                programmes=form.cleaned_data["programmes"],
            ),
            on={ValidationError: form.add_service_errors},
        )
        if outcome.value is not None:
            messages.success(
                request,
                _(
                    "Your organisation has been registered. You can complete its profile and "
                    "prepare an application; the secretariat confirms it before the application "
                    "is accepted."
                ),
            )
            return redirect("organisations:detail", pk=outcome.value.pk)
    return _register_page(request, form)


@login_required
@require_POST
def claim(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask to manage an existing, confirmed organisation. Grants nothing."""
    if not registration.may_register(request.user):
        raise Http404
    organisation = get_object_or_404(Organisation, pk=pk, confirmed_at__isnull=False)
    form = ClaimForm(request.POST)
    if form.is_valid():
        outcome = run_service(
            lambda: registration.organisation_claim(
                actor=request.user,
                organisation=organisation,
                scheme_id=form.cleaned_data["scheme_id"],
                note=form.cleaned_data["note"],
            ),
            on=_as_messages(request),
        )
        if outcome.ok:
            messages.success(
                request,
                _(
                    "Your request to manage %(name)s has been sent to the secretariat. You will "
                    "receive an e-mail when it has been decided."
                )
                % {"name": organisation.cluster_name},
            )
        return redirect("organisations:register")
    return _register_page(request, RegistrationForm(), form)


@login_required
@require_safe
def pending(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Registrations and claims waiting for this secretariat, for its schemes only."""
    schemes = registration.confirmable_scheme_ids(request.user)
    if not schemes:
        raise Http404
    return render(
        request,
        "organisations/pending.html",
        {
            "registrations": list(registration.pending_registrations(user=request.user)),
            "claims": list(registration.open_claims(user=request.user)),
            "schemes": scheme_versions_current_by_id(),
        },
    )


def _decide(
    request: HttpRequest,
    on_confirm: Callable[..., Any],
    on_reject: Callable[..., Any],
    target: Mapping[str, Any],
) -> HttpResponse:
    """Confirm, or reject with the reason, through the service; back to the list."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("organisations:pending")

    def decide() -> None:
        if form.cleaned_data["decision"] == "confirm":
            on_confirm(actor=request.user, **target)
            messages.success(request, _("Confirmed."))
        else:
            on_reject(actor=request.user, reason=form.cleaned_data["reason"], **target)
            messages.success(request, _("Rejected; the person has been told why."))

    run_service(decide, on=_as_messages(request))
    return redirect("organisations:pending")


@login_required
@require_POST
def decide_registration(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(registration.pending_registrations(user=request.user), pk=pk)
    return _decide(
        request,
        registration.registration_confirm,
        registration.registration_reject,
        {"organisation": organisation},
    )


@login_required
@require_POST
def decide_claim(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim_ = get_object_or_404(registration.open_claims(user=request.user), pk=pk)
    return _decide(request, registration.claim_accept, registration.claim_reject, {"claim": claim_})
