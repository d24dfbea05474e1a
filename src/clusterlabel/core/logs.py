"""The log lines: plain text by default, one JSON object per line with ``LOG_FORMAT=json``, and a
request id on every line written while a request is served.

``logging_config(log_format, level)`` is the settings' ``LOGGING``. ``text`` (the default) writes
the message alone, as before; ``json`` writes, per record, one JSON object with ``time`` (ISO
8601 with the offset), ``level``, ``logger``, ``message``, ``request_id`` (``-`` outside a
request) and, when the record carries one, ``exception`` (the traceback as text), through
python-json-logger, for a log collector (Loki, Elasticsearch, a cloud's log service) to index.

``RequestIdMiddleware`` takes the proxy's ``X-Request-ID`` (nginx's ``$request_id`` in
``deploy/nginx.conf``) when it is a plausible id, else makes one, answers it in the same header,
and keeps it for the log lines of that request: one id ties the proxy's access log line to the
application's lines. A leaf module: no app, no Django settings at import (the settings import it).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

LOG_FORMATS = ("text", "json")
REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
# Letters, digits and dashes, as proxies make them: anything else (a line break, a very long
# value) from a client is not copied into the logs.
_PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being served in this thread or task, ``-`` outside one."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (a filter on the handler, so every logger has it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RequestIdMiddleware:
    """Gives each request an id: the proxy's ``X-Request-ID`` if plausible, else a new one;
    answers it in ``X-Request-ID``. Reads no session and no database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _PLAUSIBLE_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dictionary for ``LOG_FORMAT`` (``text`` or ``json``) and ``LOG_LEVEL``;
    any other format is refused with one sentence."""
    log_format = (log_format or "text").strip().lower()
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json; got {log_format!r}.")
    handler: dict[str, Any] = {
        "class": "logging.StreamHandler",
        "filters": ["request_id"],
    }
    formatters: dict[str, Any] = {}
    if log_format == "json":
        formatters["json"] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
            },
        }
        # ISO 8601 with the offset, e.g. 2026-12-06T01:02:03+0100.
        formatters["json"]["datefmt"] = "%Y-%m-%dT%H:%M:%S%z"
        handler["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "clusterlabel.core.logs.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
