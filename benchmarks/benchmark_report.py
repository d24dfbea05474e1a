"""Time building the benchmarking pool and one organisation's report.

A plain script: ``.venv/bin/python benchmarks/benchmark_report.py``. Builds synthetic pools of
1,000 and 10,000 organisations x 36 indicators (fixed seed; numbers, percents, booleans and
choices, a few lower-is-better, about 5 % missing), then times with ``time.perf_counter``
(best and median over several repetitions):

- making the ``PoolRow`` objects (what the Django layer's selector would produce),
- ``Pool.from_rows`` (done once per pool),
- one ``organisation_report`` against all organisations and against a sector peer group,
- ``pool_overview`` (whole-pool distributions).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from clusterlabel.domain.benchmark import (
    IndicatorSpec,
    PeerGroup,
    Pool,
    PoolRow,
    organisation_report,
    pool_overview,
)

SEED = 20240601
INDICATORS = 36
CATEGORIES = ("structure", "governance", "financing", "services", "contacts", "achievements")
SECTORS = ("medtech", "music", "microsystems", "health", "automotive", "energy", "it", "food")
COUNTRIES = ("DE", "AT", "FR", "ES", "PL", "SE", "NO", "DK", "IT", "NL")
TARGET = "org-00042"
REPETITIONS = {"rows": 3, "build": 3, "report": 30, "overview": 10}


def catalogue() -> list[IndicatorSpec]:
    specs = []
    for i in range(INDICATORS):
        category = CATEGORIES[i % len(CATEGORIES)]
        indicator_id = f"IND-{i:02d}"
        if i % 9 == 4:
            specs.append(IndicatorSpec.boolean(indicator_id, category, threshold=True, points=2))
        elif i % 9 == 7:
            specs.append(
                IndicatorSpec.choice(
                    indicator_id,
                    category,
                    choices=("none", "partial", "full"),
                    threshold="full",
                    points=4,
                )
            )
        elif i % 7 == 3:
            specs.append(
                IndicatorSpec(indicator_id, category, threshold=10, points=3, direction="lower")
            )
        else:
            specs.append(IndicatorSpec(indicator_id, category, threshold=50, points=5))
    return specs


def synthetic_rows(organisations: int, specs: list[IndicatorSpec]) -> list[PoolRow]:
    rng = np.random.default_rng(SEED)
    values = rng.gamma(4.0, 12.0, size=(organisations, len(specs)))
    for column, spec in enumerate(specs):
        if spec.kind == "boolean":
            values[:, column] = rng.random(organisations) < 0.6
        elif spec.kind == "choice":
            values[:, column] = rng.integers(0, 3, organisations)
    values[rng.random(values.shape) < 0.05] = np.nan
    category_scores = rng.uniform(0, 100, size=(organisations, len(CATEGORIES))).round(2)
    sectors = rng.choice(SECTORS, organisations)
    countries = rng.choice(COUNTRIES, organisations)
    founded = rng.integers(1990, 2024, organisations)
    members = rng.integers(15, 400, organisations)
    ids = [spec.id for spec in specs]
    rows = []
    for r in range(organisations):
        rows.append(
            PoolRow(
                organisation=f"org-{r:05d}",
                values={
                    i: (None if np.isnan(v) else float(v))
                    for i, v in zip(ids, values[r], strict=True)
                },
                category_scores=dict(zip(CATEGORIES, category_scores[r].tolist(), strict=True)),
                overall_score=float(category_scores[r].mean()),
                sector=str(sectors[r]),
                country=str(countries[r]),
                founding_year=int(founded[r]),
                committed_members=int(members[r]),
                assessment_year=2024,
            )
        )
    return rows


def timed(function: Callable[[], object], repetitions: int) -> tuple[float, float]:
    """Best and median wall time in milliseconds."""
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    specs = catalogue()
    print(f"{'organisations':>13}  {'step':<28}{'best ms':>10}{'median ms':>11}  repetitions")
    for organisations in (1_000, 10_000):
        rows = synthetic_rows(organisations, specs)
        pool = Pool.from_rows(rows, specs, reference_year=2024)
        steps: list[tuple[str, Callable[[], object], int]] = [
            (
                "make PoolRows",
                lambda n=organisations: synthetic_rows(n, specs),
                REPETITIONS["rows"],
            ),
            (
                "Pool.from_rows",
                lambda rows=rows: Pool.from_rows(rows, specs, reference_year=2024),
                REPETITIONS["build"],
            ),
            (
                "report (all)",
                lambda pool=pool: organisation_report(pool, TARGET),
                REPETITIONS["report"],
            ),
            (
                "report (sector)",
                lambda pool=pool: organisation_report(pool, TARGET, peer_group=PeerGroup.SECTOR),
                REPETITIONS["report"],
            ),
            ("pool_overview", lambda pool=pool: pool_overview(pool), REPETITIONS["overview"]),
        ]
        for name, function, repetitions in steps:
            best, median = timed(function, repetitions)
            print(
                f"{organisations:>13,}  {name:<28}{best:>10.2f}{median:>11.2f}  {repetitions:>11}"
            )


if __name__ == "__main__":
    main()
