"""The second-factor pages: enrol an authenticator app, verify a session, see the devices."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from clusterlabel.accounts.forms import CodeForm
from clusterlabel.accounts.second_factor import (
    SecondFactorError,
    authenticator_confirm,
    authenticator_pending,
    authenticator_secret,
    has_authenticator,
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_enforced,
    second_factor_verify,
)
from clusterlabel.core.http import AuthenticatedHttpRequest


def _next_url(request: HttpRequest) -> str:
    """The page to continue to: ``next`` if it is on this site, else the start page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("portal:start")


def _with_next(view_name: str, next_url: str) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': next_url})}"


@never_cache
@login_required
def setup_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and key, confirmed with a current code; then the
    recovery codes, shown this once."""
    next_url = _next_url(request)
    if has_authenticator(request.user):
        # A second app only after the first was used in this session (and not here).
        if request.user.is_verified():
            return redirect("second_factor")
        return redirect(_with_next("second_factor_verify", next_url))
    try:
        device = authenticator_pending(user=request.user)
    except SecondFactorError as error:  # confirmed meanwhile in another tab
        messages.error(request, str(error))
        return redirect(_with_next("second_factor_verify", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = authenticator_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session.cycle_key()
            otp_login(request, TOTPDevice.objects.get(pk=device.pk))
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next_url": next_url, "first_time": True},
            )
    qr_code = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_code,
            "secret": authenticator_secret(device),
            "next_url": next_url,
            "required": second_factor_enforced(request.user),
        },
    )


@never_cache
@login_required
def verify_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator app or a recovery code, once per session."""
    next_url = _next_url(request)
    if not has_authenticator(request.user):
        return redirect(_with_next("second_factor_setup", next_url))
    if request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verification = second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if verification is None:
            form.add_error("code", _("This code was not accepted. Codes can be used only once."))
        else:
            request.session.cycle_key()
            otp_login(request, verification.device)
            if verification.used_recovery_code:
                left = recovery_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left.",
                        "You used a recovery code; %(count)d are left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
    return render(
        request, "accounts/second_factor_verify.html", {"form": form, "next_url": next_url}
    )


@never_cache
@login_required
def overview_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's second-factor devices; new recovery codes on request (after verifying)."""
    has_app = has_authenticator(request.user)
    if request.method == "POST":
        if has_app and not request.user.is_verified():
            return redirect(_with_next("second_factor_verify", reverse("second_factor")))
        if not has_app:
            return redirect("second_factor_setup")
        codes = recovery_codes_regenerate(user=request.user)
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": codes, "next_url": reverse("second_factor"), "first_time": False},
        )
    return render(
        request,
        "accounts/second_factor.html",
        {
            "authenticators": TOTPDevice.objects.filter(user=request.user, confirmed=True),
            "recovery_codes_left": recovery_codes_left(request.user),
            "required": second_factor_enforced(request.user),
            "verified": request.user.is_verified(),
        },
    )
