"""Which URLs a webhook may be sent to.

Always: ``http`` or ``https`` with a host, no user name or password in the URL. In production
(``WEBHOOK_ALLOW_PRIVATE`` off, the default unless ``DEBUG``) also: ``https`` only, and the host
must not be or resolve to a loopback, private, link-local, reserved or multicast address, so that
a webhook cannot be used to reach the installation's own network. The check runs when an
endpoint is registered and again before every attempt (a name may resolve elsewhere later).
Redirects are never followed (``webhooks.delivery``), so a receiver cannot send us on.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The addresses ``host`` resolves to (empty when it does not)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def url_problem(
    url: str, *, allow_private: bool | None = None, resolver: Resolver = resolve
) -> str | None:
    """Why ``url`` may not receive webhooks, in the reader's language, or ``None``."""
    if allow_private is None:
        allow_private = bool(settings.WEBHOOK_ALLOW_PRIVATE)
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("The address must begin with https:// (or http://) and name a host.")
    if parts.username or parts.password:
        return _("The address must not contain a user name or password.")
    if allow_private:
        return None
    if parts.scheme != "https":
        return _("The address must begin with https://: webhooks are sent encrypted only.")
    host = parts.hostname
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return _("The address must not point to this server or its internal network.")
        addresses = resolver(host)
        if not addresses:
            return _("The host %(host)s cannot be found.") % {"host": host}
    if any(_internal(address) for address in addresses):
        return _("The address must not point to this server or its internal network.")
    return None
