"""The health checks a load balancer or an orchestrator asks: is this application server up
(``/health/``, liveness), and can it do its work (``/healthz``, readiness)?"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clusterlabel.core.hooks import Hook


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """``ok`` while the process serves requests. It reads no database, no session and no user,
    so a busy or unreachable database does not take every server out of the balancer at once,
    and the answer costs only the request's way through the middleware: the load benchmark
    (``benchmarks/load.py``) pairs every endpoint with it as the trivial view. Exempt from the
    redirect to HTTPS (``SECURE_REDIRECT_EXEMPT``), as balancers ask over plain HTTP."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


# ------------------------------------------------------------------------------- readiness

#: What ``/healthz`` asks, by name, in order: each subscriber returns when its part works and
#: raises when it does not. The database, the cache and the file storage are this module's;
#: apps above add theirs in ``AppConfig.ready`` (``labels``: the signing keys).
readiness_checks: Hook[None] = Hook()

logger = logging.getLogger(__name__)
PROBE_DIRECTORY = "healthz"


def database_check(_: None = None) -> None:
    """The default database answers a trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def cache_check(_: None = None) -> None:
    """The default cache keeps a value: a key of this probe's own is set, read and deleted."""
    key = f"healthz:{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        if cache.get(key) != token:
            raise RuntimeError("the cache did not return the value just set")
    finally:
        cache.delete(key)


def storage_check(_: None = None) -> None:
    """The storage of uploaded files takes, returns and deletes a small file (under
    ``healthz/``): a write, not only ``exists``, as an object store whose keys may read but not
    write (or a full disk) would otherwise pass while every upload fails."""
    token = uuid.uuid4().hex.encode()
    name = default_storage.save(f"{PROBE_DIRECTORY}/probe-{uuid.uuid4().hex}", ContentFile(token))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != token:
                raise RuntimeError("the storage did not return the file just written")
    finally:
        default_storage.delete(name)


readiness_checks.subscribe("database", database_check)
readiness_checks.subscribe("cache", cache_check)
readiness_checks.subscribe("storage", storage_check)


def readiness() -> dict[str, str]:
    """Each readiness check's answer by name: ``ok`` or ``failed``. A failure is logged with its
    exception for the operator; the answer itself names only the check, so that no host name,
    address or key reaches whoever asks."""
    answers: dict[str, str] = {}
    for name, check in readiness_checks.subscribers.items():
        try:
            check(None)
        except Exception:
            logger.exception("Readiness check %s failed", name)
            answers[name] = "failed"
        else:
            answers[name] = "ok"
    return answers


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: may this server take requests? 200 ``{"status": "ok", "checks": {...}}`` when
    the database, the cache, the file storage and the signing keys all work; else 503 with
    ``"status": "unavailable"``, the same checks and ``"failed"``, the names of those that
    failed. Never a 500, never cached, no session, exempt from the redirect to HTTPS. Costs a
    query, a cache round trip and a small file written, read and deleted: for the orchestrator's
    and the proxy's checks every few seconds, not for the load benchmark (``/health/``)."""
    checks = readiness()
    failed = [name for name, answer in checks.items() if answer != "ok"]
    if failed:
        return JsonResponse(
            {"status": "unavailable", "checks": checks, "failed": failed}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})
