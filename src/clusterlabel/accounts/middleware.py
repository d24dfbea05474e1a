"""Sends a person who needs a second factor to enrol or verify it before any other page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from clusterlabel.accounts.second_factor import has_authenticator, second_factor_enforced

# Pages open without a verified second factor: logging in and out, the second factor's own
# pages, password reset, the language switch and the public pages anybody may read.
OPEN_VIEW_NAMES = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "second_factor_setup",
        "second_factor_verify",
        "invitation_accept",
        "set_language",
        "admin:login",
        "admin:logout",
        "schemes:list",
        "schemes:detail",
        "labels:jwks",
        "labels:status_list",
        "labels:verify_form",
        "labels:verify",
        "labels:credential",
        "labels:badge",
        "labels:registry",
        "labels:registry_export",
        "labels:holder",
        "labels:statistics",
    }
)


class SecondFactorMiddleware:
    """After ``OTPMiddleware``: a signed-in person whose second factor is enforced and whose
    session is not verified is redirected to enrolment (no authenticator yet) or to
    verification, with the page they asked for as ``next``; the Django admin included.

    Works on the resolved view (``process_view``), so static files and unknown paths are
    untouched and a new page is closed until it is listed in ``OPEN_VIEW_NAMES``. The start page
    is not listed: for staff it shows the work waiting, so login leads straight to the code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEW_NAMES:
            return None
        if not second_factor_enforced(user):
            return None
        target = "second_factor_verify" if has_authenticator(user) else "second_factor_setup"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
