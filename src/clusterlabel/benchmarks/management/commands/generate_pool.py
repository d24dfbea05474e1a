"""``clusterlabel generate-pool``: fill a benchmarking pool with synthetic demo organisations.

Reproducible: the same pool, number of organisations, seed and day give the same rows, and
generating again changes nothing. See ``clusterlabel.benchmarks.synthetic``.
"""

from __future__ import annotations

import time
from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from clusterlabel.benchmarks.synthetic import (
    SyntheticPoolError,
    synthetic_pool_generate,
    synthetic_pool_summary,
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Generate a reproducible synthetic benchmarking pool (invented organisations, clearly "
        "marked as synthetic) so the benchmark views have data to show. Running it again with "
        "the same options changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pool", default="ecei-bronze", help="The pool (a scheme id); default ecei-bronze."
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=1300,
            help="How many organisations to invent; default 1300.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="The random seed; default 2026.")
        parser.add_argument(
            "--today",
            type=_day,
            help="The day the assessments run up to (YYYY-MM-DD); default today.",
        )

    # Operators read (and grep) this output: always in English.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        pool_id = str(options["pool"])
        seed = int(str(options["seed"]))
        organisations = int(str(options["organisations"]))
        today = options["today"]
        started = time.perf_counter()
        try:
            outcome = synthetic_pool_generate(
                pool_id=pool_id,
                organisations=organisations,
                seed=seed,
                today=today if isinstance(today, date) else None,
            )
        except SyntheticPoolError as exc:
            raise CommandError(f"Nothing was generated: {exc}") from exc
        seconds = time.perf_counter() - started
        summary = synthetic_pool_summary(pool_id, seed)
        out = self.stdout.write
        out(
            f"Synthetic pool {pool_id}, seed {seed}: {summary.organisations} organisations "
            f"from {summary.countries} countries in {summary.sectors} sectors, "
            f"{summary.assessments} assessments"
            + (f" ({summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d})" if summary.first else "")
            + f"; {summary.several_cycles} organisations with several cycles."
        )
        out(
            self.style.SUCCESS(
                f"Assessments: {outcome.created} created, {outcome.updated} changed, "
                f"{outcome.unchanged} unchanged ({seconds:.1f} s)."
            )
        )
