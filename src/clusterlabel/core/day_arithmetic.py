"""Days between two date columns in the database, alike on PostgreSQL and SQLite.

Django's own ``F("end") - F("start")`` on dates is an interval (a ``DurationField``), computed
on SQLite by a Python function. :class:`DaysBetween` is PostgreSQL's ``date - date`` (whole
days, an integer), which an expression index holds and ``max()`` reads from its end; on SQLite
the same through ``julianday``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """``end - start`` in days, for two date expressions (``end`` first)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
