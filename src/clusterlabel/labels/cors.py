"""Read-only CORS for the documents verifiers fetch from a browser: key sets, issuer profiles,
status lists and credentials (``@read_only_cors`` on a view).

Any origin may read them (``Access-Control-Allow-Origin: *``): they are public, carry no
personal data and are never answered differently for a logged-in visitor, so no credentials
(cookies) are involved and ``*`` is safe. Only GET and HEAD are allowed; an ``OPTIONS``
preflight is answered here with 204, before the view. ``ETag`` and ``Last-Modified`` are
exposed, so an in-browser verifier can revalidate a status list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
#: How long a browser may keep a preflight's answer (one day).
PREFLIGHT_MAX_AGE = "86400"

View = Callable[..., HttpResponseBase]


def read_only_cors(view: View) -> View:
    """Let any origin GET/HEAD the view's response; answer preflights (OPTIONS) itself."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
            response["Allow"] = ALLOWED_METHODS
        else:
            response = view(request, *args, **kwargs)
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
