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
- the registry's last page sorted by organisation;
- the full CSV and JSON exports (consuming the streamed content);
- the statistics page (charts from the cache, and drawn anew), and with a question;

and prints best and median times, the number of SQL queries and the response size.
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
    return parser.parse_args()


def create_data(organisations: int, labels: int) -> None:
    from django.utils import timezone

    from clusterlabel.domain.dates import add_months
    from clusterlabel.labels.models import Label
    from clusterlabel.organisations.choices import Sector
    from clusterlabel.organisations.models import Organisation, name_search_key
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
        rows.append(
            Organisation(
                legal_name=f"{part}-Cluster {place} {n} {legal_form}",
                cluster_name=f"{part} {place} {n}",
                name_search_key=name_search_key(
                    f"{part}-Cluster {place} {n} {legal_form}", f"{part} {place} {n}"
                ),
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


def run(arguments: argparse.Namespace) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    start = time.perf_counter()
    create_data(arguments.organisations, arguments.labels)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # table statistics, as autovacuum would gather them
    created_in = time.perf_counter() - start
    from clusterlabel.labels.models import Label
    from clusterlabel.organisations.models import Organisation

    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']})\n"
        f"data: {Organisation.objects.count():,} organisations, "
        f"{Label.objects.count():,} labels (created in {created_in:.1f} s)\n"
    )
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
