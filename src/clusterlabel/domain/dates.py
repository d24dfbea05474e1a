"""Calendar-month arithmetic on :class:`datetime.date`.

Labels are valid for whole months ("two years from the month of the interview"), so the domain
needs month arithmetic that never produces an invalid date and keeps month ends as month ends.
"""

from __future__ import annotations

import calendar
from datetime import date


def last_day_of_month(d: date) -> date:
    """The last day of ``d``'s month (2024-02-10 -> 2024-02-29)."""
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def first_day_of_month(d: date) -> date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def is_month_end(d: date) -> bool:
    """True when ``d`` is the last day of its month (2023-02-28 yes, 2024-02-28 no)."""
    return d == last_day_of_month(d)


def add_months(d: date, months: int) -> date:
    """``d`` moved by ``months`` calendar months (negative moves back).

    The day of month is kept; when the target month is shorter it is clamped to that month's
    last day (2024-01-31 + 1 -> 2024-02-29; 2024-02-29 + 12 -> 2025-02-28). Monotone: a later
    ``d`` never gives an earlier result for the same ``months``.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    day = min(d.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def add_months_keeping_month_end(d: date, months: int) -> date:
    """Like :func:`add_months`, but a month end stays a month end.

    2019-09-30 + 36 -> 2022-09-30; 2023-02-28 + 12 -> 2024-02-29 (``add_months`` would give
    2024-02-28); 2023-04-30 + 1 -> 2023-05-31. Dates that are not month ends behave exactly as
    in :func:`add_months`. Also monotone in ``d`` and in ``months``.
    """
    if is_month_end(d):
        return last_day_of_month(add_months(first_day_of_month(d), months))
    return add_months(d, months)
