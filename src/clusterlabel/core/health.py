"""The health check a load balancer or an orchestrator asks: is this application server up?"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """``ok`` while the process serves requests. It reads no database, no session and no user,
    so a busy or unreachable database does not take every server out of the balancer at once,
    and the answer costs only the request's way through the middleware: the load benchmark
    (``benchmarks/load.py``) pairs every endpoint with it as the trivial view. Exempt from the
    redirect to HTTPS (``SECURE_REDIRECT_EXEMPT``), as balancers ask over plain HTTP."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
