"""What the page benchmarks share: a throwaway database and timing a page through Django's
test client. Imported by the scripts next to it (``python benchmarks/<script>.py``)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def benchmark_database(database_url: str | None, file_name: str) -> Iterator[str]:
    """Django set up on a fresh database: SQLite in a temporary directory, or, with
    ``database_url``, a fresh ``test_<name>`` database on that server, dropped afterwards.
    Yields the database's vendor."""
    workdir = tempfile.mkdtemp(prefix="clusterlabel-benchmark-")
    os.environ["CLUSTERLABEL_DATA_DIR"] = workdir
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir}/{file_name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if database_url:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        yield connection.vendor
    finally:
        if database_url:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)


def measure(
    client, path: str, params: dict[str, str], repeat: int, before: Callable[[], None] | None = None
) -> dict[str, float | int]:
    """Best and median time of ``repeat`` GETs after one warm-up (``before`` runs before each,
    untimed), the SQL queries of one more, the response's size and lines (streams consumed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch() -> tuple[int, int]:
        if before is not None:
            before()
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return len(body), body.count(b"\n")

    fetch()  # warm-up: templates, scheme parsing, matplotlib import
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        size, lines = fetch()
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        fetch()
    return {
        "best": min(timings),
        "median": statistics.median(timings),
        "queries": len(queries),
        "size": size,
        "lines": lines,
    }


# What a newly started application server's worker does: import the WSGI module (Django set up,
# the middleware loaded, the process warmed up), then serve. Timed: its first two GETs.
_FRESH_PROCESS = """
import json, sys, time
import clusterlabel.wsgi
from django.test import Client
from clusterlabel.accounts.models import User

client = Client()
client.handler.load_middleware()  # as get_wsgi_application() did for the server
client.force_login(User.objects.get(username=sys.argv[1]))
timings = []
for _ in range(2):
    start = time.perf_counter()
    response = client.get(sys.argv[2])
    timings.append(time.perf_counter() - start)
    assert response.status_code == 200, response.status_code
print(json.dumps(timings))
"""


def measure_fresh_process(username: str, path: str, repeat: int) -> dict[str, float]:
    """The first and the second GET of ``path`` (logged in as ``username``) in each of
    ``repeat`` newly started Python processes on this database: best and median of each."""
    from django.db import connection

    environment = dict(os.environ)
    if connection.vendor == "postgresql":  # the benchmark's own database, not the one named
        address = urlsplit(os.environ["DATABASE_URL"])
        name = connection.settings_dict["NAME"]
        environment["DATABASE_URL"] = address._replace(path=f"/{name}").geturl()
    firsts, seconds = [], []
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, "-c", _FRESH_PROCESS, username, path],
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        first, second = json.loads(output.stdout.strip().splitlines()[-1])
        firsts.append(first)
        seconds.append(second)
    return {
        "first_best": min(firsts),
        "first_median": statistics.median(firsts),
        "second_best": min(seconds),
        "second_median": statistics.median(seconds),
    }
