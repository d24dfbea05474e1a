"""What the page benchmarks share: a throwaway database and timing a page through Django's
test client. Imported by the scripts next to it (``python benchmarks/<script>.py``)."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
