"""Time one organisation's benchmarking report (page and PDF) and the pool page at scale.

A plain script: ``.venv/bin/python benchmarks/benchmark_report_page.py``. For each pool size
(default 1,000 and 10,000 organisations, ECEI Bronze's 36 indicators) it fills a fresh SQLite
database in a temporary directory (or, with ``--database-url postgres://...``, a fresh
``test_<name>`` database on that server, dropped afterwards) with one latest assessment per
organisation (fixed seed; values drawn around each indicator's threshold, 3 % missing, scored by
the domain like real assessments) plus one organisation of ours, builds and stores the pool as
an import does after it commits (timed: the latest pool with its report parts and the pool over
time), runs ``ANALYZE``, and times through Django's test ``Client`` logged in as the secretariat
(best and median over several repetitions after a warm-up):

- the report page in a new process (nothing cached, nothing of the pool in memory: the stored
  figures and the report's parts, the organisation's and its comparison group's, are read from
  the database) and in a warm one, against all organisations and against the same sector,
- the report as PDF,
- the pool page for programme owners (new process: the stored figures and summaries of the
  latest pool and the pool over time are read; and warm),

and prints the number of SQL queries of each, which must not change with the pool size. "New
process" above is this process with its cache and pools forgotten; the report and pool pages
are then also timed in newly started Python processes ("started process": each imports
``clusterlabel.wsgi`` as a server's worker does, warming up, and serves the page twice; the
first request and the second, best and median over the repetitions).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from decimal import Decimal

from harness import benchmark_database, measure, measure_fresh_process

SEED = 20261121


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="pool sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/clusterlabel (optional)"
    )
    return parser.parse_args()


def value_for(indicator, rng) -> object:
    """A plausible value: around the threshold, within the indicator's bounds."""
    if rng.random() < 0.03:
        return None
    if indicator.type == "boolean":
        return rng.random() < 0.6
    if indicator.type == "choice":
        return indicator.choice_ids[int(rng.integers(0, len(indicator.choice_ids)))]
    threshold = float(indicator.threshold)
    low, high = indicator.bounds()
    value = max(0.0, rng.normal(threshold * 0.85, max(abs(threshold) * 0.4, 1.0)))
    if low is not None:
        value = max(value, float(low))
    if high is not None:
        value = min(value, float(high))
    return Decimal(round(value)) if indicator.type == "number" else Decimal(str(round(value, 1)))


def create_pool(size: int, version, organisation) -> float:
    """Fill the pool and build it; returns the seconds the build took."""
    import numpy as np

    from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
    from clusterlabel.benchmarks.services import _scored_fields
    from clusterlabel.benchmarks.stored_pools import pools_build
    from clusterlabel.organisations.choices import Sector

    rng = np.random.default_rng(SEED)
    scheme = version.scheme
    sectors = [value for value in Sector.values if value != "other"]
    countries = ["DE", "AT", "FR", "ES", "IT", "PL", "SE", "DK", "NL", "BE", "CZ", "PT"]
    rows = []
    for n in range(size):
        values = {indicator.id: value_for(indicator, rng) for indicator in scheme.indicators}
        rows.append(
            ReferenceAssessment(
                pool_id=scheme.pool_id,
                scheme_version=version,
                external_key=f"bench-{n}",
                name=f"Benchmark organisation {n}",
                source=ReferenceSource.IMPORT,
                assessed_on=date(2016, 1, 1) + timedelta(days=int(rng.integers(0, 3600))),
                sector=sectors[int(rng.integers(0, len(sectors)))],
                country=countries[int(rng.integers(0, len(countries)))],
                founding_year=int(rng.integers(1990, 2024)),
                committed_members=int(rng.integers(15, 400)),
                is_latest=True,
                **_scored_fields(scheme, values),
            )
        )
    own_values = {i.id: value_for(i, rng) for i in scheme.indicators}
    rows.append(
        ReferenceAssessment(
            pool_id=scheme.pool_id,
            scheme_version=version,
            organisation=organisation,
            name=organisation.cluster_name,
            source=ReferenceSource.PROCEDURE,
            assessed_on=date(2026, 3, 1),
            sector=organisation.sector,
            country=organisation.country,
            founding_year=2008,
            committed_members=120,
            is_latest=True,
            **_scored_fields(scheme, own_values),
        )
    )
    ReferenceAssessment.objects.bulk_create(rows, batch_size=2000)
    start = time.perf_counter()
    pools_build([scheme.pool_id])  # as an import does after it commits
    return time.perf_counter() - start


def main() -> None:
    arguments = parse_arguments()
    with benchmark_database(arguments.database_url, "pool.sqlite3"):
        run(arguments)


def run(arguments: argparse.Namespace) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    def new_process() -> None:
        """What a process that has served nothing yet holds: no cache, no pool in memory."""
        from clusterlabel.benchmarks.stored_pools import _read

        cache.clear()
        _read.clear()

    from clusterlabel.access.models import Grant
    from clusterlabel.access.services import user_flags_sync
    from clusterlabel.accounts.choices import Role
    from clusterlabel.accounts.models import User
    from clusterlabel.benchmarks.models import ReferenceAssessment
    from clusterlabel.organisations.models import Organisation
    from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

    versions = {
        r.scheme_version.scheme_id: r.scheme_version
        for r in scheme_versions_load_directory(directory=SHIPPED_DIR)
    }
    version = versions["ecei-bronze"]
    organisation = Organisation.objects.create(
        legal_name="Benchmark Cluster e. V.",
        cluster_name="Benchmark Cluster",
        country="DE",
        sector="biotechnology",
    )
    user = User.objects.create_user(username="secretariat")
    Grant.objects.create(user=user, role=Role.SECRETARIAT, scheme_id="ecei-bronze")
    user_flags_sync(user)
    client = Client()
    client.force_login(user)
    report = reverse("benchmarks:report", args=["ecei-bronze", organisation.pk])
    pdf = reverse("benchmarks:report_pdf", args=["ecei-bronze", organisation.pk])
    pool = reverse("benchmarks:pool", args=["ecei-bronze"])
    print(f"database: {connection.vendor}; {len(version.scheme.indicators)} indicators\n")
    for size in [int(s) for s in arguments.sizes.split(",")]:
        ReferenceAssessment.objects.all().delete()
        start = time.perf_counter()
        built = create_pool(size, version, organisation)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"pool of {size:,} organisations (+ ours) created in "
            f"{time.perf_counter() - start:.1f} s, built and stored in {built:.2f} s"
        )
        cases = [
            ("report page, new process", report, {}, new_process),
            ("report page, warm process", report, {}, None),
            ("report page, same sector", report, {"group": "sector"}, None),
            ("report PDF (de)", pdf, {"lang": "de"}, None),
            ("pool page, new process", pool, {}, new_process),
            ("pool page, warm process", pool, {}, None),
        ]
        for name, path, params, before in cases:
            result = measure(client, path, params, arguments.repeat, before)
            print(
                f"  {name:<28} best {result['best'] * 1000:7.1f} ms  "
                f"median {result['median'] * 1000:7.1f} ms  "
                f"{result['queries']:2d} queries  {result['size'] / 1024:6.0f} KiB"
            )
        for name, path in (("report page", report), ("pool page", pool)):
            started = measure_fresh_process(user.username, path, max(arguments.repeat // 2, 1))
            print(
                f"  {name + ', started process':<28} first: best "
                f"{started['first_best'] * 1000:7.1f} ms  median "
                f"{started['first_median'] * 1000:7.1f} ms;  second: best "
                f"{started['second_best'] * 1000:7.1f} ms  median "
                f"{started['second_median'] * 1000:7.1f} ms"
            )
        print()


if __name__ == "__main__":
    main()
