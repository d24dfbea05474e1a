"""The 400 page with its reason, where there is one the visitor can act on.

Django answers a request it cannot read with ``400.html`` and no word why. A form post larger
than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a 10 MB paste into the credential check) is refused
before any view runs, already by the CSRF check reading the form; the page then says that it
was too large and how much is accepted. Rendered without the request, like the template says:
nothing of a request the site could not read is used again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBadRequest:
    """``handler400``: ``400.html``, with the reason for a request that was too large."""
    reason = ""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        reason = _(
            "The request is too large: the site reads at most %(limit)s MiB of form data "
            "(a credential has at most 64 KiB)."
        ) % {"limit": limit}
    return HttpResponseBadRequest(loader.get_template("400.html").render({"reason": reason}))
