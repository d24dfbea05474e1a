"""Server time of the public pages about one label, the status lists and the statistics, with
and without the public page cache, and of the in-app credential check.

A plain script: ``.venv/bin/python benchmarks/benchmark_public.py --database-url
postgres://postgres@127.0.0.1:5432/clusterlabel``. Like ``benchmark_registry.py`` (whose data it
builds: 10,000 organisations, 50,000 labels, fixed seed; here every organisation confirmed, so
that its labels are public) it works on a fresh database, dropped afterwards. It times, through
Django's test ``Client`` (the whole middleware stack, no network), with ``time.perf_counter``:

- ``uncached``: the page cache off (``PUBLIC_PAGE_CACHE_SECONDS = 0``, the statistics cache
  off); the statistics and the places read from their ``StoredAggregate`` rows, counted after
  the data was written as an import's commit counts them (``labels.registry.aggregates``);
- ``cached``: the page cache on, every page requested once before (the cost of a hit: the data
  generation's row and the cache read);
- ``304``: a revalidation with the page's ``ETag``;

for the verification page, the credential, the badge (rotating through ``--sample`` labels),
the revocation list, the statistics page; then the in-app credential check
(``credentials.verify_token``, as the check page runs it) and, for comparison, what the status
list endpoint and the check did on every request before the lists were stored: building and
signing a list (``_sign_status_list``), and the counting a build does for one day
(``statistics counted``: what a page costs that finds no stored row). Prints median and best in
milliseconds and the queries
of one request.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from harness import benchmark_database


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--labels", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=40, help="requests per case")
    parser.add_argument("--sample", type=int, default=200, help="labels the pages rotate over")
    parser.add_argument(
        "--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/clusterlabel (optional)"
    )
    return parser.parse_args()


def timed(call: Callable[[int], object], repeat: int) -> tuple[float, float]:
    """Median and best of ``repeat`` calls in milliseconds (one warm-up call first)."""
    call(0)
    timings = []
    for n in range(repeat):
        start = time.perf_counter()
        call(n)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), min(timings)


def queries_of(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def run(arguments: argparse.Namespace) -> None:
    from benchmark_registry import create_data
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from clusterlabel.credentials.status_list import StatusPurpose
    from clusterlabel.labels.certificates import credentials
    from clusterlabel.labels.models import Label
    from clusterlabel.labels.registry import statistics as label_statistics
    from clusterlabel.labels.registry.aggregates import public_aggregates_build
    from clusterlabel.labels.registry.queries import holder_places_counted
    from clusterlabel.organisations.models import Organisation

    start = time.perf_counter()
    create_data(arguments.organisations, arguments.labels)
    Organisation.objects.update(confirmed_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    credentials.ensure_keys()
    credentials.stored_status_lists()  # as the first label write would leave them
    public_aggregates_build()  # as the import's commit would leave them
    print(
        f"database: {connection.vendor}; {Organisation.objects.count():,} organisations, "
        f"{Label.objects.count():,} labels (created in {time.perf_counter() - start:.0f} s)\n"
    )
    numbers = list(
        Label.objects.order_by("?").values_list("certificate_number", flat=True)[: arguments.sample]
    )
    pages: dict[str, Callable[[int], str]] = {
        "verify page": lambda n: reverse("labels:verify", args=[numbers[n % len(numbers)]]),
        "credential": lambda n: reverse("labels:credential", args=[numbers[n % len(numbers)]]),
        "badge": lambda n: reverse("labels:badge", args=[numbers[n % len(numbers)]]),
        "revocation list": lambda n: reverse("labels:status_list", args=["revocation"]),
        "statistics": lambda n: reverse("labels:statistics"),
    }
    client = Client()

    def get(url: str, **headers: str) -> object:
        response = client.get(url, **headers)
        assert response.status_code in (200, 304), (url, response.status_code)
        return response

    print(f"{'case':<34} {'median ms':>10} {'best ms':>8} {'queries':>8}")

    def report(name: str, call: Callable[[int], object], once: Callable[[], object]) -> None:
        median, best = timed(call, arguments.repeat)
        print(f"{name:<34} {median:>10.2f} {best:>8.2f} {queries_of(once):>8}")

    seconds = (
        settings.PUBLIC_PAGE_CACHE_SECONDS
        if hasattr(settings, "PUBLIC_PAGE_CACHE_SECONDS")
        else None
    )
    for name, url in pages.items():
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        label_statistics.CACHE_SECONDS = 0
        report(f"{name}, uncached", lambda n, url=url: get(url(n)), lambda url=url: get(url(0)))
        settings.PUBLIC_PAGE_CACHE_SECONDS = 600
        label_statistics.CACHE_SECONDS = 600
        for n in range(min(arguments.repeat + 1, len(numbers))):
            get(url(n))
        report(f"{name}, cached", lambda n, url=url: get(url(n)), lambda url=url: get(url(0)))
        etags = {n: get(url(n))["ETag"] for n in range(min(arguments.repeat + 1, len(numbers)))}
        report(
            f"{name}, 304",
            lambda n, url=url, etags=etags: get(url(n), HTTP_IF_NONE_MATCH=etags[n % len(etags)]),
            lambda url=url, etags=etags: get(url(0), HTTP_IF_NONE_MATCH=etags[0]),
        )
    if seconds is None:
        del settings.PUBLIC_PAGE_CACHE_SECONDS
    today = timezone.localdate()
    report(
        "statistics counted (no stored row)",
        lambda n: (label_statistics.counted_statistics(today), holder_places_counted()),
        lambda: (label_statistics.counted_statistics(today), holder_places_counted()),
    )
    labels = {
        number: Label.objects.select_related("organisation", "scheme_version").get(
            certificate_number=number
        )
        for number in numbers[:20]
    }
    tokens = [credentials.signed_label_credential(label) for label in labels.values()]
    report(
        "in-app credential check",
        lambda n: credentials.verify_token(tokens[n % len(tokens)]),
        lambda: credentials.verify_token(tokens[0]),
    )
    report(
        "build + sign one list (old, per req)",
        lambda n: credentials._sign_status_list(StatusPurpose.REVOCATION),
        lambda: credentials._sign_status_list(StatusPurpose.REVOCATION),
    )


def main() -> None:
    arguments = parse_arguments()
    with benchmark_database(arguments.database_url, "public.sqlite3"):
        run(arguments)


if __name__ == "__main__":
    main()
