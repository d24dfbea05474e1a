"""Time the label import at scale: checking and importing an operator's list of 10,000 rows.

A plain script: ``.venv/bin/python benchmarks/benchmark_import.py [--rows 10000]
[--existing 2000] [--database-url postgres://...]``. It creates a fresh database (SQLite in a
temporary directory, or a throwaway ``test_<name>`` database on the PostgreSQL server given),
loads the shipped schemes and ``--existing`` organisations (so rows are matched, not only
created), then writes a semicolon-separated, Windows-1252 list the way operators keep them
(fixed seed: German headers, German dates and some ISO ones, names with legal forms and
accents, a fifth of the rows renewals of an earlier row, ECEI levels and the BW state label) and
times, with ``time.perf_counter``:

- the dry run (read, check and plan every row; nothing written);
- the import itself (all rows written in one transaction);
- the same file imported again (every row recognised; nothing written).

It prints each time, the rows per second, the load average before each (a busy machine's
figures are slower; compare figures taken at a similar load) and what the import reported.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date

from harness import benchmark_database

SEED = 20261205
LEGAL_FORMS = ("e. V.", "e.V.", "GmbH", "gGmbH", "", "", "")
PARTS = (
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
    "Bioökonomie",
    "Holzbau",
    "Wasserstoff",
)
PLACES = (
    "Nordwürttemberg",
    "Oberrhein",
    "Rhein-Neckar",
    "Bodensee",
    "Schwarzwald",
    "Hohenlohe",
    "Ostalb",
    "Mannheim",
    "Karlsruhe",
    "Ulm",
    "Freiburg",
    "Stuttgart",
)
COUNTRIES = ("Deutschland", "DE", "Germany", "Österreich", "AT", "Spain", "Polska", "FR")
SECTORS = ("Photonik", "Biotech", "Energie", "IKT", "Maschinenbau", "Logistik", "")
LABELS = (("ECEI", "Bronze"), ("ECEI", "Silber"), ("ECEI", "Gold"), ("Cluster-Exzellenz BW", ""))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=2_000)
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite)")
    return parser.parse_args()


def organisation_name(index: int) -> str:
    return f"{PARTS[index % len(PARTS)]} {PLACES[index // len(PARTS) % len(PLACES)]} {index}"


def list_text(rows: int, rng: random.Random) -> str:
    lines = ["Clustername;Land;Branche;Label;Stufe;Gültig bis;Website"]
    written = 0
    organisation = 0
    while written < rows:
        name = organisation_name(organisation)
        form = rng.choice(LEGAL_FORMS)
        scheme, level = rng.choice(LABELS)
        country = "DE" if scheme != "ECEI" else rng.choice(COUNTRIES)
        end = date(rng.randint(2014, 2028), rng.randint(1, 12), 1)
        cycles = 2 if rng.random() < 0.2 else 1
        for cycle in range(cycles):
            until = end.replace(year=end.year + 2 * cycle)
            shown = until.strftime("%d.%m.%Y") if rng.random() < 0.8 else until.isoformat()
            lines.append(
                f"{name} {form}".strip()
                + f";{country};{rng.choice(SECTORS)};{scheme};{level};{shown};"
                + f"https://cluster-{organisation}.example.org"
            )
            written += 1
        organisation += 1
    return "\n".join(lines[: rows + 1]) + "\n"


def main() -> None:
    arguments = parse_arguments()
    with benchmark_database(arguments.database_url, "import.sqlite3"):
        run(arguments)


def run(arguments: argparse.Namespace) -> None:
    from django.db import connection

    from clusterlabel.labels.issuing import importing
    from clusterlabel.labels.models import Label
    from clusterlabel.organisations.models import Organisation
    from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

    list(scheme_versions_load_directory(directory=SHIPPED_DIR))
    Organisation.objects.bulk_create(
        Organisation(
            legal_name=f"{organisation_name(index)} e. V.",
            cluster_name=organisation_name(index),
            country="DE",
            sector="other",
        )
        for index in range(arguments.existing)
    )
    rng = random.Random(SEED)
    data = list_text(arguments.rows, rng).encode("cp1252")
    print(
        f"database: {connection.vendor}\n"
        f"list: {arguments.rows:,} rows, {len(data) / 1e6:.1f} MB; "
        f"{Organisation.objects.count():,} organisations before\n"
    )
    for title, dry_run in (("dry run", True), ("import", False), ("import again", False)):
        load = os.getloadavg()[0]
        start = time.perf_counter()
        result = importing.labels_import(
            data=data, actor=None, file_name="list.csv", dry_run=dry_run
        )
        seconds = time.perf_counter() - start
        print(
            f"{title:13} {seconds:6.2f} s  {arguments.rows / seconds:8,.0f} rows/s  "
            f"load {load:.2f}  "
            f"errors {len(result.errors)}, labels created {len(result.created)}, "
            f"new organisations {len(result.new_organisations)}, written {result.written}"
        )
        if result.errors:
            for problem in result.errors[:5]:
                print(f"  line {problem.line}: {problem.message}")
    print(
        f"\nafter: {Organisation.objects.count():,} organisations, {Label.objects.count():,} labels"
    )


if __name__ == "__main__":
    main()
