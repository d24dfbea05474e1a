"""When the assessment can take place: availability periods, the deadline window, candidate dates.

An assessor records the periods in which they are available (:class:`Period`, whole days, both
ends included). A person's periods never overlap (:func:`overlapping_period`). The assessment
occupies ``assessment_span(days)`` consecutive days from its start date; a start date is possible
when every day it occupies lies in each panel member's availability and the start lies in the
deadline window (:func:`deadline_window`), which is built from the same rules the procedure's
guards and deadlines read: the scheme's preparation time
(``self_assessment_due_days_before_assessment``, see ``assessment_leaves_preparation_time``) and
the day count of the panel step (``deadline_days(self_assessment_submitted)``).

Refusals are :class:`~clusterlabel.domain.procedure.Blocked` reasons (code and plain
parameters), translated by the UI like every other reason. Pure Python, standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from clusterlabel.domain.procedure import Blocked

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    """The days from ``start`` to ``end``, both included. Guarantees ``start <= end``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period ends on or after its start: {self.start} to {self.end}")

    @property
    def days(self) -> int:
        """How many days the period has (at least one)."""
        return (self.end - self.start).days + 1

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def covers(self, other: Period) -> bool:
        """Whether every day of ``other`` lies in this period."""
        return self.start <= other.start and other.end <= self.end

    def dates(self) -> Iterable[date]:
        """Every day of the period, in order."""
        return (self.start + timedelta(days=offset) for offset in range(self.days))


def overlapping_period(existing: Iterable[Period], new: Period) -> Period | None:
    """The earliest of a person's ``existing`` periods that shares a day with ``new``, or
    ``None`` when ``new`` may be recorded (periods of one person never overlap; touching ones,
    one ending the day before the other starts, are allowed)."""
    clashes = sorted(period for period in existing if period.overlaps(new))
    return clashes[0] if clashes else None


def merged(periods: Iterable[Period]) -> tuple[Period, ...]:
    """The same days as disjoint periods in order, overlapping and touching ones joined
    (so that an appointment spanning two adjacent periods counts as available)."""
    result: list[Period] = []
    for period in sorted(periods):
        if result and period.start <= result[-1].end + ONE_DAY:
            last = result[-1]
            result[-1] = Period(last.start, max(last.end, period.end))
        else:
            result.append(period)
    return tuple(result)


def intersection(first: Iterable[Period], second: Iterable[Period]) -> tuple[Period, ...]:
    """The days that lie in both sets of periods, as disjoint periods in order."""
    a, b = merged(first), merged(second)
    result: list[Period] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        if start <= end:
            result.append(Period(start, end))
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return tuple(result)


def common_availability(
    availability: Mapping[str, Iterable[Period]], within: Period
) -> tuple[Period, ...]:
    """The days of ``within`` on which everybody in ``availability`` (person -> periods) is
    available; all of ``within`` when nobody is named."""
    common: tuple[Period, ...] = (within,)
    for periods in availability.values():
        common = intersection(common, periods)
    return common


def assessment_span(days: Decimal | int) -> int:
    """How many calendar days an assessment of ``days`` (the scheme's ``assessment_days``,
    possibly a fraction such as 0.5) occupies: whole days, at least one."""
    if days <= 0:
        raise ValueError(f"an assessment takes more than 0 days, found {days}")
    return max(1, math.ceil(days))


def occupied(start: date, span_days: int) -> Period:
    """The days an assessment starting on ``start`` occupies."""
    if span_days < 1:
        raise ValueError(f"an assessment occupies at least one day, found {span_days}")
    return Period(start, start + timedelta(days=span_days - 1))


def deadline_window(
    *, today: date, submitted_on: date | None, preparation_days: int, step_days: int
) -> Period:
    """The start dates the scheme's deadlines allow.

    Earliest: the preparation time (``preparation_days``) after the self-assessment was
    submitted (``submitted_on``) and after today, as the guard of ``assign_assessors`` asks
    (the assessors get the preparation time with the final self-assessment). Latest: the panel
    step's due date (``step_days`` after the submission; today when it is not known) moved by the
    same preparation time, i.e. the earliest date the secretariat could have set on the last day
    of its step. When that step is already overdue the window is ``step_days`` long from its
    earliest day, so that a late procedure can always still be scheduled (deadlines elsewhere
    mark it as overdue; they never stop it). Guarantees: never empty.
    """
    if preparation_days < 0 or step_days < 1:
        raise ValueError("preparation_days must be >= 0 and step_days >= 1")
    base = submitted_on if submitted_on is not None else today
    preparation = timedelta(days=preparation_days)
    earliest = max(today, base) + preparation
    due = base + timedelta(days=step_days)
    latest = due + preparation if due >= today else earliest + timedelta(days=step_days)
    return Period(earliest, max(earliest, latest))


def start_problems(
    start: date,
    *,
    span_days: int,
    window: Period,
    availability: Mapping[str, Iterable[Period]],
) -> tuple[Blocked, ...]:
    """Why an assessment cannot start on ``start`` (empty: it can).

    Codes: ``appointment_before_window`` (``earliest``), ``appointment_after_window``
    (``latest``), and one ``assessor_unavailable`` per person of ``availability`` (person ->
    periods; a person without periods is unavailable) who is not available on every occupied
    day (``assessor``, ``days``: the ISO dates missing, ``first`` and ``last`` of the
    appointment), people in sorted order."""
    problems: list[Blocked] = []
    if start < window.start:
        problems.append(Blocked("appointment_before_window", {"earliest": window.start}))
    if start > window.end:
        problems.append(Blocked("appointment_after_window", {"latest": window.end}))
    days = occupied(start, span_days)
    for person in sorted(availability):
        free = merged(availability[person])
        missing = tuple(
            day for day in days.dates() if not any(p.start <= day <= p.end for p in free)
        )
        if missing:
            problems.append(
                Blocked(
                    "assessor_unavailable",
                    {
                        "assessor": person,
                        "days": len(missing),
                        "first": days.start,
                        "last": days.end,
                    },
                )
            )
    return tuple(problems)


def candidate_starts(
    *, span_days: int, window: Period, availability: Mapping[str, Iterable[Period]]
) -> tuple[date, ...]:
    """Every start date in ``window`` on which :func:`start_problems` finds nothing, in order.

    Guarantees: exactly the dates ``d`` of the window with ``start_problems(d, ...) == ()``; the
    appointment's later days may lie beyond the window (the window bounds the start)."""
    reach = Period(window.start, window.end + timedelta(days=span_days - 1))
    starts: list[date] = []
    for free in common_availability(availability, reach):
        last_start = min(free.end - timedelta(days=span_days - 1), window.end)
        day = max(free.start, window.start)
        while day <= last_start:
            starts.append(day)
            day += ONE_DAY
    return tuple(starts)


# --- what an appointment holds --------------------------------------------------------------


ON_SITE = "on_site"
VIDEO = "video"


@dataclass(frozen=True, order=True)
class AgendaItem:
    """One item of the agenda: on which day of the assessment (1 = the first), at what time,
    what. Ordered by day and time."""

    day: int
    at: time
    title: str


def agenda_problems(items: Sequence[AgendaItem], *, span_days: int) -> tuple[Blocked, ...]:
    """Why an agenda cannot be used for an assessment of ``span_days`` days (empty: it can):
    ``agenda_day_outside`` (``day``, ``days``) for an item on a day the assessment does not
    have, ``agenda_item_untitled`` (``day``, ``time``) for one without a title,
    ``agenda_time_twice`` (``day``, ``time``) for two items at the same time of one day."""
    problems: list[Blocked] = []
    seen: set[tuple[int, time]] = set()
    for item in sorted(items):
        if not 1 <= item.day <= span_days:
            problems.append(Blocked("agenda_day_outside", {"day": item.day, "days": span_days}))
        if not item.title.strip():
            problems.append(
                Blocked(
                    "agenda_item_untitled", {"day": item.day, "time": item.at.strftime("%H:%M")}
                )
            )
        if (item.day, item.at) in seen:
            problems.append(
                Blocked("agenda_time_twice", {"day": item.day, "time": item.at.strftime("%H:%M")})
            )
        seen.add((item.day, item.at))
    return tuple(problems)


def video_link_problem(link: str) -> Blocked | None:
    """``None`` for an ``https://`` address with a host and no user name or password in it;
    otherwise ``video_link_not_https`` (another scheme, or no host) or
    ``video_link_with_credentials``."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return Blocked("video_link_not_https", {})
    if parts.scheme.lower() != "https" or not parts.hostname:
        return Blocked("video_link_not_https", {})
    if parts.username is not None or parts.password is not None:
        return Blocked("video_link_with_credentials", {})
    return None


def venue_problems(*, mode: str, address: str, video_link: str) -> tuple[Blocked, ...]:
    """An on-site assessment needs its address (``appointment_address_missing``), a video
    assessment its link (``appointment_link_missing``, or the link's problem)."""
    if mode == ON_SITE and not address.strip():
        return (Blocked("appointment_address_missing", {}),)
    if mode == VIDEO:
        if not video_link.strip():
            return (Blocked("appointment_link_missing", {}),)
        problem = video_link_problem(video_link)
        return (problem,) if problem else ()
    return ()


def reschedule_problem(*, version: int, reason: str) -> Blocked | None:
    """Changing a fixed appointment (any version after the first) needs a reason."""
    if version > 1 and not reason.strip():
        return Blocked("reschedule_reason_missing", {})
    return None
