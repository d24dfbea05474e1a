"""Time the public registry, its open-data export and the statistics page at scale.

A plain script: ``.venv/bin/python benchmarks/benchmark_registry.py``. It creates a fresh SQLite
database in a temporary directory (or, with ``--database-url postgres://...``, a fresh
``test_<name>`` database on that server, dropped afterwards), loads the shipped schemes and
bulk-creates 10,000 organisations and 50,000 labels (fixed seed: 60 % in Germany with a fifth of
those in Baden-Württemberg, all sectors, ECEI Bronze/Silver/Gold and the BW state label, validity
starts from 2012 to 2026, about 3 % suspended and 3 % revoked) and runs ``ANALYZE``. Then it
times, with ``time.perf_counter`` over several repetitions after one warm-up request, through
Django's test ``Client``:

- the registry's first page, unfiltered;
- the registry filtered by ``valid_on`` and ``region``;
- the registry searched by name (accent- and spacing-tolerant) and filtered by status;
- the registry's last page sorted by organisation (with ``--server``: its middle page);
- the full CSV and JSON exports (consuming the streamed content);
- the statistics page (charts from the cache, and drawn anew), and with a question;

and prints best and median times, the number of SQL queries and the response size.

``--server`` measures the public pages as the server spends on them when the page cache does
not answer (a cookie bypasses it; the counts and places cached per data generation are used,
as in production), split into the time spent in the database (every query, timed around its
execution) and the CPU time of the application, which a busy machine distorts less than the
wall time; also a certificate-number lookup (verification page and badge), a name search, and
the exports' peak of Python memory (``tracemalloc``), with ``--cold`` before each request the
caches are emptied (the filtered counts computed anew; the unfiltered total, the places and the
statistics are read from the rows counted on write, ``labels.registry.aggregates``, which the
script builds after loading the data, as an import's commit would).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta

from harness import benchmark_database, measure

SEED = 20240601
REGIONS_DE = (
    *("DE-BB", "DE-BE", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV"),
    *("DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH"),
)
OTHER_COUNTRIES = (
    ("AT", "AT-9"),
    ("FR", "FR-ARA"),
    ("ES", "ES-CT"),
    ("PL", "PL-10"),
    ("SE", "SE-AB"),
    ("NO", "NO-03"),
    ("DK", "DK-84"),
    ("IT", "IT-25"),
    ("NL", "NL-NH"),
)
NAME_PARTS = (
    "Medizintechnik",
    "Photonik",
    "Musikwirtschaft",
    "Biotech",
    "Automotive",
    "Luft- und Raumfahrt",
    "Energie",
    "Logistik",
    "Kreativwirtschaft",
    "Mikrosystemtechnik",
    "Lebensmittel",
    "Textil",
    "Bioökonomie",
    "Maritime Wirtschaft",
    "Software",
)
PLACES = (
    "Mannheim",
    "Tuttlingen",
    "Württemberg",
    "Südbaden",
    "Köln",
    "München",
    "Rostock",
    "Łódź",
    "Île-de-France",
    "Göteborg",
)
LEGAL_FORMS = ("e. V.", "e.V.", "GmbH", "AG", "gGmbH", "Association", "ASBL")
SCHEMES = (
    ("ecei-bronze", "bronze", "ECEI-B", 0.45),
    ("ecei-silver", "silver", "ECEI-S", 0.25),
    ("ecei-gold", "gold", "ECEI-G", 0.15),
    ("bw-cluster-excellence", "label", "BW", 0.15),
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--labels", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per page")
    parser.add_argument("--export-repeat", type=int, default=3, help="repetitions per export")
    parser.add_argument(
        "--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/clusterlabel (optional)"
    )
    parser.add_argument(
        "--server", action="store_true", help="server time of uncached pages: database and CPU"
    )
    parser.add_argument(
        "--cold", action="store_true", help="with --server: empty the caches before each request"
    )
    return parser.parse_args()


def create_data(organisations: int, labels: int) -> None:
    from django.utils import timezone

    from clusterlabel.domain.dates import add_months
    from clusterlabel.labels.models import Label
    from clusterlabel.organisations.choices import Sector
    from clusterlabel.organisations.models import Organisation

    try:
        from clusterlabel.organisations.models import name_search_key
    except ImportError:  # a version before the stored search key (to compare with it)
        name_search_key = None
    from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

    versions = {
        result.scheme_version.scheme_id: result.scheme_version
        for result in scheme_versions_load_directory(directory=SHIPPED_DIR)
    }
    rng = random.Random(SEED)
    sectors = [value for value in Sector.values if value != "other"]
    rows = []
    for n in range(organisations):
        if rng.random() < 0.6:
            country = "DE"
            region = "DE-BW" if rng.random() < 0.2 else rng.choice(REGIONS_DE)
        else:
            country, region = rng.choice(OTHER_COUNTRIES)
        part, place = rng.choice(NAME_PARTS), rng.choice(PLACES)
        legal_form = rng.choice(LEGAL_FORMS)
        legal_name, cluster_name = f"{part}-Cluster {place} {n} {legal_form}", f"{part} {place} {n}"
        searched = (
            {"name_search_key": name_search_key(legal_name, cluster_name)}
            if name_search_key
            else {}
        )
        rows.append(
            Organisation(
                legal_name=legal_name,
                cluster_name=cluster_name,
                **searched,
                country=country,
                region=region,
                city=place,
                sector=rng.choice(sectors),
            )
        )
    created = Organisation.objects.bulk_create(rows, batch_size=2000)
    in_bw = [o for o in created if o.region == "DE-BW"]
    weights = [weight for *_rest, weight in SCHEMES]
    first, last = date(2012, 1, 1), date(2026, 6, 30)
    span = (last - first).days
    now = timezone.now()
    batch = []
    for n in range(labels):
        scheme_id, level_id, prefix, _weight = rng.choices(SCHEMES, weights)[0]
        organisation = rng.choice(in_bw) if scheme_id.startswith("bw") else rng.choice(created)
        valid_from = first + timedelta(days=rng.randrange(span))
        valid_until = add_months(valid_from, 24) - timedelta(days=1)
        roll = rng.random()
        state, changed_at = "active", None
        if roll < 0.06:
            state = "suspended" if roll < 0.03 else "revoked"
            latest = min(valid_until, now.date())
            if latest > valid_from:
                changed_on = valid_from + timedelta(days=rng.randrange((latest - valid_from).days))
                changed_at = timezone.make_aware(datetime.combine(changed_on, datetime.min.time()))
            else:
                changed_at = now
        version = versions[scheme_id]
        batch.append(
            Label(
                organisation=organisation,
                scheme_version=version,
                scheme_id=scheme_id,
                family=version.family,
                level_id=level_id,
                certificate_number=f"{prefix}-{valid_from.year}-{n + 1:05d}",
                valid_from=valid_from,
                valid_until=valid_until,
                awarded_on=valid_from,
                first_awarded_on=valid_from,
                state=state,
                state_changed_at=changed_at,
                source="imported",
                status_list_index=n + 1,
            )
        )
        if len(batch) == 5000:
            Label.objects.bulk_create(batch)
            batch = []
    Label.objects.bulk_create(batch)


def main() -> None:
    arguments = parse_arguments()
    with benchmark_database(arguments.database_url, "registry.sqlite3"):
        run(arguments)


def measure_server(client, path, params, repeat, before=None) -> dict[str, float]:
    """Median wall time, database time and application CPU time of ``repeat`` GETs after one
    warm-up, and the peak of Python memory allocated during one more."""
    import statistics
    import tracemalloc

    from django.db import connection

    database = [0.0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database[0] += time.perf_counter() - start

    def fetch() -> int:
        if before is not None:
            before()
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
        if response.streaming:  # consumed piece by piece, as a server sends it
            return sum(len(piece) for piece in response.streaming_content)
        return len(response.content)

    fetch()
    walls, databases, cpus = [], [], []
    with connection.execute_wrapper(timed):
        for _ in range(repeat):
            database[0] = 0.0
            wall, cpu = time.perf_counter(), time.process_time()
            fetch()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            databases.append(database[0])
    tracemalloc.start()
    size = fetch()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "wall": statistics.median(walls),
        "database": statistics.median(databases),
        "cpu": statistics.median(cpus),
        "executed": executed_in_database(fetch),
        "peak": peak,
        "size": size,
    }


def executed_in_database(fetch) -> float:
    """PostgreSQL's own execution time of the reads of one more request (``EXPLAIN ANALYZE``,
    the sum of the lowest of three runs of each): what the database does, without the waiting
    for a CPU that a busy machine adds to the time measured from outside."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return float("nan")
    with CaptureQueriesContext(connection) as captured:
        fetch()
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            runs = []
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                runs.append(cursor.fetchone()[0][0]["Execution Time"])
            total += min(runs)
    return total / 1000


def run_server(arguments: argparse.Namespace) -> None:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from clusterlabel.labels.models import Label

    client = Client()
    # Any message cookie makes the public page cache step aside (labels.public_cache).
    client.cookies["messages"] = "benchmark"
    number = Label.objects.order_by("pk").values_list("certificate_number", flat=True)[777]
    middle_page = max(1, Label.objects.count() // 50 // 2)
    registry = reverse("labels:registry")
    export_csv = reverse("labels:registry_export", args=["csv"])
    cases = [
        ("registry, first page", registry, {}),
        ("registry, status=valid", registry, {"status": "valid"}),
        (
            "registry, valid_on=2020-06-30 & region=DE-BW",
            registry,
            {"valid_on": "2020-06-30", "region": "DE-BW"},
        ),
        ("registry, country=FR & level=gold", registry, {"country": "FR", "level": "gold"}),
        (
            "registry, q=wurttemberg & status=valid",
            registry,
            {"q": "wurttemberg", "status": "valid"},
        ),
        ("registry, q=Mannheim 1234", registry, {"q": "Mannheim 1234"}),
        ("registry, q=ecei-g-2019 (a number's start)", registry, {"q": "ecei-g-2019"}),
        (
            "registry, middle page, sort=organisation",
            registry,
            {"sort": "organisation", "page": str(middle_page)},
        ),
        (
            "verification page, number in lower case",
            reverse("labels:verify", args=[number.lower()]),
            {},
        ),
        ("badge, number in lower case", reverse("labels:badge", args=[number.lower()]), {}),
        ("export CSV, all labels", export_csv, {}),
        ("export JSON, all labels", reverse("labels:registry_export", args=["json"]), {}),
        (
            "export CSV, valid_on=2020-06-30 & region=DE-BW",
            export_csv,
            {"valid_on": "2020-06-30", "region": "DE-BW"},
        ),
    ]
    header = (
        f"{'case (page cache bypassed' + (', caches emptied' if arguments.cold else '') + ')':<52}"
        f" {'wall':>8} {'database':>9} {'pg exec':>8} {'app CPU':>8} {'py peak':>9} {'size':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, path, params in cases:
        repeat = arguments.export_repeat if "export" in name else arguments.repeat
        result = measure_server(
            client, path, params, repeat, cache.clear if arguments.cold else None
        )
        print(
            f"{name:<52} {result['wall'] * 1000:>6.1f}ms {result['database'] * 1000:>7.1f}ms"
            f" {result['executed'] * 1000:>6.1f}ms"
            f" {result['cpu'] * 1000:>6.1f}ms {result['peak'] / 1024:>7.0f}kB"
            f" {result['size'] / 1024:>7.0f}kB"
        )
    print(
        f"\nmedians of {arguments.repeat} (exports {arguments.export_repeat}) after one warm-up;"
        " database: time around each query's execution; pg exec: PostgreSQL's execution time"
        " of the request's reads (EXPLAIN ANALYZE, best of 3); app CPU: the process's CPU time"
        " (includes the database driver); py peak: Python allocations during one more request"
    )


def run(arguments: argparse.Namespace) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    start = time.perf_counter()
    create_data(arguments.organisations, arguments.labels)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # table statistics, as autovacuum would gather them
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load: the visibility map that lets the
            # registry's ids come from its index alone.
            cursor.execute("VACUUM ANALYZE labels_label")
    from clusterlabel.labels.registry.aggregates import public_aggregates_build

    public_aggregates_build()  # as the import's commit would leave them
    created_in = time.perf_counter() - start
    from clusterlabel.labels.models import Label
    from clusterlabel.organisations.models import Organisation

    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']})\n"
        f"data: {Organisation.objects.count():,} organisations, "
        f"{Label.objects.count():,} labels (created in {created_in:.1f} s)\n"
    )
    if arguments.server:
        run_server(arguments)
        return
    client = Client()
    registry = reverse("labels:registry")
    statistics_page = reverse("labels:statistics")
    cases = [
        ("registry, first page, unfiltered", registry, {}, arguments.repeat),
        (
            "registry, valid_on=2020-06-30 & region=DE-BW",
            registry,
            {"valid_on": "2020-06-30", "region": "DE-BW"},
            arguments.repeat,
        ),
        (
            "registry, q=wurttemberg & status=valid",
            registry,
            {"q": "wurttemberg", "status": "valid"},
            arguments.repeat,
        ),
        (
            "registry, last page, sort=organisation",
            registry,
            {"sort": "organisation", "page": "999999"},
            arguments.repeat,
        ),
        (
            "export CSV, all labels",
            reverse("labels:registry_export", args=["csv"]),
            {},
            arguments.export_repeat,
        ),
        (
            "export JSON, all labels",
            reverse("labels:registry_export", args=["json"]),
            {},
            arguments.export_repeat,
        ),
        (
            "export CSV, valid_on=2020-06-30 & region=DE-BW",
            reverse("labels:registry_export", args=["csv"]),
            {"valid_on": "2020-06-30", "region": "DE-BW"},
            arguments.export_repeat,
        ),
        ("statistics page (charts cached)", statistics_page, {}, arguments.repeat),
        (
            "statistics page (charts drawn)",
            statistics_page,
            {},
            arguments.repeat,
            cache.clear,
        ),
        (
            "statistics page + question (DE-BW, BW label, 2020-06-30)",
            statistics_page,
            {"ask-region": "DE-BW", "ask-label": "family:bw", "ask-on": "2020-06-30"},
            arguments.repeat,
        ),
    ]
    header = f"{'case':<58} {'best':>9} {'median':>9} {'queries':>8} {'size':>10}"
    print(header)
    print("-" * len(header))
    for name, path, params, repeat, *before in cases:
        result = measure(client, path, params, repeat, *before)
        print(
            f"{name:<58} {result['best'] * 1000:>7.0f}ms {result['median'] * 1000:>7.0f}ms"
            f" {result['queries']:>8} {result['size'] / 1024:>8.0f}kB"
        )
    print(
        f"\nrepetitions: pages {arguments.repeat}, exports {arguments.export_repeat}, after one"
        " warm-up request; times include rendering and, for exports, consuming the stream"
    )


if __name__ == "__main__":
    main()
