"""The person's API tokens: make one (its secret shown this once), see them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clusterlabel.accounts.api_tokens import api_token_create, api_token_revoke, api_tokens_of
from clusterlabel.accounts.forms import ApiTokenForm
from clusterlabel.accounts.models import ApiToken
from clusterlabel.core.http import AuthenticatedHttpRequest


@never_cache
@login_required
def api_tokens_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list and the form; a valid POST makes the token and shows its secret once (the
    answer is not cached and the secret is nowhere else)."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        new = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            lifetime_days=form.cleaned_data["lifetime"],
        )
        new_key = new.key
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": api_tokens_of(request.user),
            "new_key": new_key,
            "docs_url": reverse("api_docs"),
        },
        status=400 if request.method == "POST" and form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def api_token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's own tokens; anybody else's is a 404."""
    try:
        token = api_token_revoke(token=ApiToken(pk=pk), actor=request.user)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens")
