"""The page a person sees when django-axes refuses a login because of too many failures."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

LOCKOUT_STATUS = 429  # Too Many Requests


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """Our login layout, in the visitor's language, saying when to try again.

    Every refused attempt during a lockout starts the cool-off again (django-axes'
    ``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``), so "now plus the cool-off" is the
    moment the lockout ends.
    """
    cool_off = get_cool_off(request)
    context = {
        "try_again_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=LOCKOUT_STATUS)
