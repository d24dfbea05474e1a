"""Counting on write what the public pages would otherwise count on every request after a
label change: the statistics of today and tomorrow, the holders' places and how many labels
the unfiltered registry lists, stored as ``StoredAggregate`` rows (``labels.stored_aggregates``).

When: after the commit of every write that calls ``labels.changes.labels_changed`` (the hook
``labels_changes``; the build is a task, so with a worker, ``TASKS_BACKEND=database``, no web
request counts, and with the immediate backend it runs when the write commits), after
``migrate``, and in the daily run (``clusterlabel send-reminders``, ``core.daily.daily_jobs``),
so that the day after a quiet day finds its statistics counted too: each build counts today's
and tomorrow's.

Why it stays correct: the generation is read *before* counting, and a reader uses a row only
for the generation it reads itself, so a row never shows data older than its generation says
(a revocation committed after the build made a new generation, which the row does not have). A
build that fails is logged; the page then counts for itself, as it did before, and caches that.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from clusterlabel.core.daily import DailyRun
from clusterlabel.labels.changes import Change
from clusterlabel.labels.generation import data_generation
from clusterlabel.labels.models import Label, StoredAggregate
from clusterlabel.labels.registry.queries import (
    PLACES_KEY,
    TOTAL_KEY,
    holder_places_counted,
    public_labels,
)
from clusterlabel.labels.registry.statistics import (
    STATISTICS_KEY_PREFIX,
    counted_statistics,
    statistics_key,
)
from clusterlabel.labels.stored_aggregates import aggregate_is_current, aggregate_store

logger = logging.getLogger(__name__)


def public_aggregates_build(*, today: date | None = None) -> bool:
    """Count and store the places, the registry's total and the statistics of ``today``
    (default: today) and of the day after, unless they are stored for the current generation
    already; delete the statistics of days before yesterday. Whether anything was counted."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    generation = data_generation()  # before counting: see the module docstring
    if all(
        aggregate_is_current(key, generation=generation)
        for key in (statistics_key(tomorrow), statistics_key(today), TOTAL_KEY)
    ):
        return False
    aggregate_store(
        PLACES_KEY, generation=generation, value=[list(p) for p in holder_places_counted()]
    )
    aggregate_store(TOTAL_KEY, generation=generation, value=public_labels().count())
    for day in (today, tomorrow):
        aggregate_store(statistics_key(day), generation=generation, value=counted_statistics(day))
    StoredAggregate.objects.filter(
        key__startswith=STATISTICS_KEY_PREFIX,
        key__lt=statistics_key(today - timedelta(days=1)),
    ).delete()
    return True


@task()
def build_public_aggregates_task() -> None:
    """Count the public aggregates after a committed label write (see the module docstring)."""
    try:
        public_aggregates_build()
    except Exception:
        # The write stands; a page that finds no row for its generation counts for itself.
        logger.exception("Counting the public label aggregates failed")


def public_aggregates_changed(change: Change) -> None:
    """``labels.changes.labels_changes`` subscriber: once the write commits, count anew (a
    rolled-back write counts nothing)."""
    transaction.on_commit(build_public_aggregates_task.enqueue)


def public_aggregates_build_all(**kwargs: Any) -> None:
    """``post_migrate``: after a release's ``clusterlabel migrate`` the statistics and places are
    counted, so the first requests do not count them. Nothing when the tables are not there
    (migrated back to before them) or hold no label yet (a new installation: its first label
    write counts them)."""
    tables = connection.introspection.table_names()
    if StoredAggregate._meta.db_table not in tables or Label._meta.db_table not in tables:
        return
    if Label.objects.exists():
        public_aggregates_build()


def public_aggregates_run(run: DailyRun) -> None:
    """``core.daily.daily_jobs`` subscriber: the day's and the next day's statistics counted
    (nothing to do when a label change since yesterday's run counted them already)."""
    if run.dry_run:
        return
    counted = public_aggregates_build(today=run.today)
    run.write(
        f"[statistics] {'counted' if counted else 'already counted'} for "
        f"{run.today:%Y-%m-%d} and the day after."
    )
