"""What every endpoint of the REST API shares: read-only access for everybody, and a request
rate per client address.

The rate is read from the settings at each request (``API_ANON_RATE``), not copied when the
class is defined as DRF's own throttles do, so that it can be changed without a restart of the
test process. The address is ``REMOTE_ADDR`` unless ``REST_FRAMEWORK["NUM_PROXIES"]`` says how
many proxies of our own stand in front (then the address they add to ``X-Forwarded-For``): a
client cannot pick a new address per request by sending the header itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

#: Requests per client address (``<number>/<second|minute|hour|day>``) unless set.
DEFAULT_ANON_RATE = "120/minute"


class ReadOnly(BasePermission):
    """The public API reads public data only: GET, HEAD and OPTIONS, for everybody."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS


class AddressRateThrottle(AnonRateThrottle):
    """At most ``API_ANON_RATE`` requests per client address."""

    def get_rate(self) -> str | None:
        return str(getattr(settings, "API_ANON_RATE", DEFAULT_ANON_RATE))
