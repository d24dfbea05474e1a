"""The sign-up pages: the form, "check your mailbox", and the confirmation link.

The confirmation link shows a button; only the POST confirms and logs in, so a mail scanner that
opens links does not spend it.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from clusterlabel.accounts import signup
from clusterlabel.accounts.forms import SignupForm

_BACKEND = "django.contrib.auth.backends.ModelBackend"


@never_cache
@require_http_methods(["GET", "POST"])
def signup_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:start")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if signup.signup_throttled(request.META.get("REMOTE_ADDR", "")):
            return render(request, "accounts/signup_throttled.html", status=429)
        data = form.cleaned_data
        signup.account_signup(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            preferred_language=data["preferred_language"],
        )
        return redirect("signup_done")
    return render(request, "accounts/signup.html", {"form": form})


@require_safe
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/signup_confirm.html", {"token": token})
    try:
        user = signup.account_confirm(token=token)
    except signup.ConfirmationRefused as refused:
        return render(
            request, "accounts/signup_confirm.html", {"refused": refused.code}, status=400
        )
    login(request, user, backend=_BACKEND)
    return redirect("organisations:register")
