"""The privacy pages, the download of one's own data and the request to be erased. Only the
signed-in person's own data, never anyone else's: no view takes a person's id."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterlabel.core.language import current_language
from clusterlabel.privacy.forms import ErasureRequestForm
from clusterlabel.privacy.models import ErasureRequest, ErasureStatus
from clusterlabel.privacy.selectors import operator_privacy, personal_data_export
from clusterlabel.privacy.services import erasure_request_create
from clusterlabel.schemes.models import Operator


def operator_list(request: HttpRequest) -> HttpResponse:
    """Every operator of this installation, each with its privacy page."""
    operators = Operator.objects.order_by("name")
    return render(request, "privacy/operator_list.html", {"operators": operators})


def operator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is responsible, what is kept, why, how long, and the person's rights."""
    operator = get_object_or_404(Operator, slug=slug)
    return render(
        request,
        "privacy/operator_detail.html",
        {"privacy": operator_privacy(operator=operator, language=current_language())},
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The signed-in person's data as a JSON download."""
    data = personal_data_export(user=request.user)  # type: ignore[arg-type]
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="clusterlabel-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erasure_request(request: HttpRequest) -> HttpResponse:
    """The signed-in person asks to be erased."""
    user = request.user
    open_request = ErasureRequest.objects.filter(user=user, status=ErasureStatus.OPEN).first()  # type: ignore[misc]
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and open_request is None and form.is_valid():
        erasure_request_create(user=user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "Your request has been recorded. An administrator will carry it out and "
                "tell you if something stands in the way."
            ),
        )
        return redirect("privacy:erasure_request")
    return render(
        request, "privacy/erasure_request.html", {"form": form, "open_request": open_request}
    )
