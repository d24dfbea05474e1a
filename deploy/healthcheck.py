#!/usr/bin/env python3
"""The container's HEALTHCHECK: ``GET /healthz`` on this container's own server.

Exit 0 when it answers 200, 1 otherwise (503 names the failed check; it is printed, and the
server's log has the reason). The request carries the first host name of ``ALLOWED_HOSTS`` (a
leading dot stripped, ``*`` skipped), as Django refuses any other; plain HTTP, which
``SECURE_REDIRECT_EXEMPT`` lets through. Standard library only: it runs every 30 seconds and
must not load Django. ``HEALTHCHECK_URL`` overrides the address (default
``http://127.0.0.1:8000/healthz``).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host_name() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
    request = urllib.request.Request(url, headers={"Host": host_name()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            print(response.read().decode("utf-8", "replace"))
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:
        print(f"{exc.code}: {exc.read().decode('utf-8', 'replace')}")
    except OSError as exc:
        print(f"no answer: {exc}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
