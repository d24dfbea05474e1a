"""The invitation page: the person a new account was made for sets their first password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from clusterlabel.accounts.invitations import invitation_accept, invitation_tokens
from clusterlabel.accounts.models import User


def _invited(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


@never_cache
@sensitive_post_parameters()
def invitation_accept_page(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set a password with a valid invitation link; a used or expired link gets a page that
    says so (the token dies with the password hash it was made from, and after
    ``INVITATION_DAYS``)."""
    user = _invited(uidb64)
    if user is None or not invitation_tokens.check_token(user, token):
        used = user is not None and user.has_usable_password()
        return render(request, "accounts/invitation_invalid.html", {"used": used}, status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is set. You can log in now."))
        return redirect("login")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})
