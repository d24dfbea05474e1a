"""System checks for a safe deployment (``clusterlabel check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def debug_off_in_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An error, not Django's warning: a DEBUG page shows settings, code and request data to
    anybody who triggers an error."""
    if settings.DEBUG:
        return [
            Error(
                "DEBUG is on. A deployment must run with DEBUG off (unset it or set DEBUG=0).",
                id="clusterlabel.E001",
            )
        ]
    return []
