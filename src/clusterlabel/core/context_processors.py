"""Values every page's layout needs."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "can_open_back_office": bool(user and user.is_authenticated and user.is_staff),
    }
