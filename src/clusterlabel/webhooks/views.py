"""The webhook pages: the endpoints a person manages with the form to register one (its secret
shown once), one endpoint with its recent deliveries and the button to deactivate it.

Reads go through ``webhooks.selectors`` (``restrict``: another operator's or programme's
endpoint is a 404); writes through ``webhooks.services``, which ask the policy again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clusterlabel.access.policy import Activity, can
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.webhooks import selectors, services
from clusterlabel.webhooks.forms import EndpointForm


@never_cache
@login_required
def endpoint_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list and the form; a valid POST registers the endpoint and shows its secret once
    (the answer is not cached and the secret is stored only encrypted)."""
    if not can(request.user, Activity.MANAGE_WEBHOOKS):
        raise PermissionDenied
    owners = selectors.owners_managed(request.user)
    form = EndpointForm(request.POST or None, owners=owners)
    new = None
    if request.method == "POST" and form.is_valid():
        try:
            new = services.endpoint_create(
                owner=form.chosen_owner(),
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            form = EndpointForm(owners=owners)
    return render(
        request,
        "webhooks/endpoint_list.html",
        {
            "form": form,
            "owners": owners,
            "endpoints": list(selectors.endpoint_list(request.user)),
            "new": new,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_GET
def endpoint_detail_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(request.user, pk)
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {"endpoint": endpoint, "deliveries": selectors.recent_deliveries(endpoint)},
    )


@login_required
@require_POST
def endpoint_deactivate_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(request.user, pk)
    services.endpoint_deactivate(endpoint=endpoint, actor=request.user)
    messages.success(request, _("%(url)s receives no more events.") % {"url": endpoint.url})
    return redirect("webhooks:detail", pk=endpoint.pk)
