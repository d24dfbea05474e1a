"""The cache of the anonymous public pages (registry, holder, verification page, credential,
badge, statistics): ``@public_page()`` on a view.

A page is kept in Django's cache (Redis when ``REDIS_URL`` is set, shared by all application
servers) under a key made of:

- the *data generation* (``labels.generation``), read from the database before anything else,
  which every label write bumps in its own transaction: once a revocation is committed, no
  request finds a page cached before it, on any server;
- today's date, for pages that say whether a label is valid *today* (``by_date``);
- the language the page is rendered in (from the cookie or ``Accept-Language``);
- the path and the query with its parameters in a fixed order (``?b=2&a=1`` = ``?a=1&b=2``).

Nothing is ever deleted: a change makes new keys, and the old pages expire
(``PUBLIC_PAGE_CACHE_SECONDS``; 0 keeps no page). The same key, hashed, is the page's ``ETag``,
so a browser, proxy or CDN revalidating with ``If-None-Match`` gets a 304 for one row read.
Responses say ``Cache-Control: public`` (the badge and the credential, which a proxy or CDN
may keep for everybody) or ``private`` (HTML pages: they hold the visitor's CSRF token), with
``max-age`` ``PUBLIC_PAGE_MAX_AGE`` (0 by default: ``no-cache``, revalidate every time, so that a
downstream cache never shows a revoked label as valid; a positive value lets it serve a page
that long without asking, accepting that delay) and ``Vary: Accept-Language, Cookie``.

Only anonymous visitors without a session get cached pages: a request with a session or a
message cookie (logged in, or a message waiting to be shown) is answered by the view itself and
marked ``private, no-store``. The page's CSRF token (the language switcher's form) is not
shared: it is stored as a placeholder and each visitor gets their own token on the way out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

from clusterlabel.labels.generation import data_generation, pinned_generation

KEY_PREFIX = "public-page"
#: Defaults of the settings ``PUBLIC_PAGE_MAX_AGE`` (what downstream caches are told) and
#: ``PUBLIC_PAGE_CACHE_SECONDS`` (how long an unused page stays in the cache).
DEFAULT_MAX_AGE = 0
DEFAULT_CACHE_SECONDS = 600
#: The response headers a cached page keeps (the rest the middleware sets again).
KEPT_HEADERS = (
    "Content-Disposition",
    "Content-Language",
    "Access-Control-Allow-Origin",
    "Cross-Origin-Resource-Policy",
    "Content-Security-Policy",
)
CSRF_PLACEHOLDER = "\0csrf-token\0"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]*)(")')

View = Callable[..., HttpResponseBase]


def _normalised_query(request: HttpRequest) -> str:
    return urlencode(sorted(request.GET.lists()), doseq=True)


def page_key(
    request: HttpRequest,
    *,
    generation: int,
    by_date: bool,
    query: Callable[[HttpRequest], str] = _normalised_query,
) -> str:
    """The cache key of the page ``request`` asks for (see the module docstring)."""
    parts = (
        str(generation),
        timezone.localdate().isoformat() if by_date else "",
        get_language() or "",
        request.path,
        query(request),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"{KEY_PREFIX}:{digest}"


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _cache_control(response: HttpResponseBase, etag: str, *, shared: bool) -> HttpResponseBase:
    max_age = getattr(settings, "PUBLIC_PAGE_MAX_AGE", DEFAULT_MAX_AGE)
    scope = "public" if shared else "private"
    response["Cache-Control"] = f"{scope}, max-age={max_age}" if max_age else f"{scope}, no-cache"
    response["ETag"] = etag
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _stored(response: HttpResponse) -> dict[str, Any]:
    return {
        "content": _CSRF_INPUT.sub(
            lambda m: m.group(1) + CSRF_PLACEHOLDER.encode() + m.group(3), response.content
        ),
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }


def _restored(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content: bytes = stored["content"]
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, status=stored["status"], content_type=stored["content_type"])
    for name, value in stored["headers"].items():
        response[name] = value
    return response


def public_page(
    *,
    by_date: bool = True,
    query: Callable[[HttpRequest], str] = _normalised_query,
    shared: bool = False,
) -> Callable[[View], View]:
    """Cache the view's page for anonymous visitors; ``by_date``: the page depends on today's
    date (it says whether a label is valid today); ``query``: what of the query string the page
    depends on (default: all of it, normalised), so that parameters the page ignores or reads
    as the same value share one page and one ``ETag``; ``shared``: a proxy or CDN may keep the
    response for everybody (``public``; the badge, the credential). An HTML page holds the
    visitor's own CSRF token (and its first visit sets the CSRF cookie), so only the
    visitor's browser may keep it (``private``); the server's cache shares it all the same."""

    def decorator(view: View) -> View:
        @wraps(view)
        def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _cacheable_request(request):
                response = view(request, *args, **kwargs)
                response["Cache-Control"] = "private, no-store"
                patch_vary_headers(response, ("Cookie",))
                return response
            # The generation first: the page is never stored under a newer generation than
            # the data it shows.
            generation = data_generation()
            key = page_key(request, generation=generation, by_date=by_date, query=query)
            etag = f'W/"{key.rsplit(":", 1)[1][:32]}"'
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                return _cache_control(HttpResponseNotModified(), etag, shared=shared)
            stored = cache.get(key)
            if stored is not None:
                return _cache_control(_restored(request, stored), etag, shared=shared)
            with pinned_generation(generation):
                response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and isinstance(response, HttpResponse)
                and not response.cookies
            ):
                seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
                cache.set(key, _stored(response), seconds)
            return _cache_control(response, etag, shared=shared)

        return cached_view

    return decorator
