"""Label statistics: how many organisations hold which label, by scheme and level, by state and by
sector, today and over time; the answer to "how many organisations in <region> hold <label> on
<date>?"; and charts of the numbers as inline SVG.

Today's tables read the labels valid today once (one query; about a tenth of 100,000 labels)
and count them in Python: measured faster than six grouped ``COUNT(DISTINCT organisation)``
queries, which sort. The history is counted by the database: for each sample day the labels
whose *held interval* contains it (the interval ends the day before a suspension or revocation,
as ``registry.valid_on_condition`` decides; ``held_interval`` and ``count_on_days`` say the same
in Python, and the tests hold the two to each other), one grouped query with a filtered count
per day instead of every label's row in Python. Counts of organisations are of distinct
organisations. The page keeps the counts in the cache for the data generation and the day
(``statistics_for``).

Charts are written as SVG elements (``statistics_charts`` on ``core.charts``: no JavaScript, no
CDN, about a millisecond each); each carries ``role="img"`` and an ``aria-label``, and the page
shows the same numbers in a table below it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min
from django.utils import timezone

from clusterlabel.core.countries import country_name
from clusterlabel.labels.generation import data_generation
from clusterlabel.labels.models import Label
from clusterlabel.labels.registry import statistics_charts
from clusterlabel.labels.registry.queries import (
    SECTOR_NAMES,
    WITHDRAWN_STATES,
    RegistryFilters,
    SchemeCatalogue,
    region_name,
    registry_labels,
    valid_on_condition,
)
from clusterlabel.labels.stored_aggregates import stored_aggregate

CACHE_PREFIX = "label-statistics"
#: Counts are kept for the day they are of; a change makes new keys before that.
CACHE_SECONDS = 24 * 60 * 60

# --- today ---------------------------------------------------------------------------------------


@dataclass
class CountRow:
    """One line of a count table: organisations holding a valid label (in total and per label
    family) and the number of valid labels."""

    key: str
    name: str
    organisations: int = 0
    labels: int = 0
    by_family: dict[str, int] = field(default_factory=dict)
    family_values: list[int] = field(
        default_factory=list
    )  # by_family in TodayCounts.families order


@dataclass
class TodayCounts:
    day: date
    families: list[str]
    organisations: int
    labels: int
    by_label: list[CountRow]
    by_region: list[CountRow]
    by_sector: list[CountRow]


TodayRow = tuple[int, str, str, str, str, str, str]

#: Counts as stored and cached (``tally_rows``): JSON, no names, the same in every language.
RawCounts = dict[str, Any]


def tally_rows(rows: Iterable[TodayRow], *, day: date) -> RawCounts:
    """Count rows of (organisation id, family, scheme id, level id, country, region, sector):
    labels and distinct organisations in total, per label, per place and per sector (these
    two also per label family), as JSON without names (``named_counts`` adds them)."""
    label_orgs: dict[tuple[str, str], set[int]] = defaultdict(set)
    label_count: dict[tuple[str, str], int] = defaultdict(int)
    region_orgs: dict[tuple[str, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    region_count: dict[tuple[str, str], int] = defaultdict(int)
    sector_orgs: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    sector_count: dict[str, int] = defaultdict(int)
    families: set[str] = set()
    holders: set[int] = set()
    total = 0
    for organisation_id, family, scheme_id, level_id, country, region, sector in rows:
        total += 1
        holders.add(organisation_id)
        families.add(family)
        label_orgs[(scheme_id, level_id)].add(organisation_id)
        label_count[(scheme_id, level_id)] += 1
        region_orgs[(country, region)][family].add(organisation_id)
        region_count[(country, region)] += 1
        sector_orgs[sector][family].add(organisation_id)
        sector_count[sector] += 1

    def per_family(orgs: dict[str, set[int]]) -> tuple[int, dict[str, int]]:
        return len(set().union(*orgs.values())), {f: len(m) for f, m in sorted(orgs.items())}

    return {
        "day": day.isoformat(),
        "families": sorted(families),
        "organisations": len(holders),
        "labels": total,
        "by_label": [
            [scheme_id, level_id, len(label_orgs[(scheme_id, level_id)]), count]
            for (scheme_id, level_id), count in sorted(label_count.items())
        ],
        "by_region": [
            [country, region, *per_family(region_orgs[(country, region)]), count]
            for (country, region), count in sorted(region_count.items())
        ],
        "by_sector": [
            [sector, *per_family(sector_orgs[sector]), count]
            for sector, count in sorted(sector_count.items())
        ],
    }


def named_counts(
    raw: RawCounts, *, catalogue: SchemeCatalogue, sector_names: Mapping[str, Any]
) -> TodayCounts:
    """``tally_rows``' counts with names in the current language, in the page's order: labels
    by family and level, places by country and region, sectors by organisations then name."""
    ranks = catalogue.level_ranks()
    families: list[str] = raw["families"]

    def label_sort(row: list[Any]) -> tuple[str, int, str]:
        entry = catalogue.schemes.get(row[0])
        return (entry.family if entry else "~", ranks.get(row[1], 0), row[0])

    by_label = [
        CountRow(
            key=f"{scheme_id}:{level_id}",
            name=catalogue.label_name(scheme_id=scheme_id, level_id=level_id),
            organisations=organisations,
            labels=labels,
        )
        for scheme_id, level_id, organisations, labels in sorted(raw["by_label"], key=label_sort)
    ]

    def grouped(key: str, name: str, organisations: int, by_family: dict[str, int], labels: int):
        return CountRow(
            key=key,
            name=name,
            organisations=organisations,
            labels=labels,
            by_family=by_family,
            family_values=[by_family.get(family, 0) for family in families],
        )

    by_region = [
        grouped(region or country, region_name(region) if region else country_name(country), *rest)
        for country, region, *rest in raw["by_region"]
    ]
    by_sector = sorted(
        (
            grouped(sector, str(sector_names.get(sector, sector)), *rest)
            for sector, *rest in raw["by_sector"]
        ),
        key=lambda row: (-row.organisations, row.name),
    )
    return TodayCounts(
        day=date.fromisoformat(raw["day"]),
        families=families,
        organisations=raw["organisations"],
        labels=raw["labels"],
        by_label=by_label,
        by_region=by_region,
        by_sector=by_sector,
    )


def tally_today(
    rows: Iterable[TodayRow], *, catalogue: SchemeCatalogue, sector_names: dict[str, Any], day: date
) -> TodayCounts:
    """Count rows of (organisation id, family, scheme id, level id, country, region, sector)
    and name the counts."""
    return named_counts(tally_rows(rows, day=day), catalogue=catalogue, sector_names=sector_names)


def _today_rows(today: date) -> Iterable[TodayRow]:
    return (
        registry_labels(RegistryFilters(status="valid"), today=today)
        .order_by()
        .values_list(
            "organisation_id",
            "family",
            "scheme_id",
            "level_id",
            "organisation__country",
            "organisation__region",
            "organisation__sector",
        )
    )


def counts_today(*, catalogue: SchemeCatalogue, today: date | None = None) -> TodayCounts:
    """Today's counts of valid labels (one query)."""
    today = today or timezone.localdate()
    return tally_today(
        _today_rows(today), catalogue=catalogue, sector_names=SECTOR_NAMES, day=today
    )


# --- over time -----------------------------------------------------------------------------------


def held_interval(
    valid_from: date, valid_until: date, state: str, state_changed_at: datetime | None
) -> tuple[date, date] | None:
    """The days on which a label counted as held, or None if there were none: its validity,
    cut short the day before it was suspended or revoked."""
    end = valid_until
    if state in WITHDRAWN_STATES:
        if state_changed_at is None:
            return None
        end = min(end, timezone.localdate(state_changed_at) - timedelta(days=1))
    if end < valid_from:
        return None
    return valid_from, end


def _quarter_end(day: date) -> date:
    month = (day.month - 1) // 3 * 3 + 3
    following = date(day.year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def sample_days(first: date, today: date) -> tuple[list[date], str]:
    """The days the history is counted on: the end of every year (or, for less than three
    years of history, every quarter) from ``first`` to today, and today itself."""
    if first >= today:
        return [today], "year"
    if (today - first).days < 3 * 365:
        days, day = [], _quarter_end(first)
        while day < today:
            days.append(day)
            day = _quarter_end(day + timedelta(days=1))
        return [*days, today], "quarter"
    return [date(year, 12, 31) for year in range(first.year, today.year)] + [today], "year"


def count_on_days(intervals: Sequence[tuple[date, date]], days: Sequence[date]) -> list[int]:
    """How many of the (inclusive) intervals contain each day: those started by the day minus
    those that ended before it."""
    starts = sorted(start for start, _end in intervals)
    ends = sorted(end for _start, end in intervals)
    return [bisect_right(starts, day) - bisect_left(ends, day) for day in days]


@dataclass
class OverTime:
    days: list[date]
    period: str  # "year" or "quarter"
    series: dict[str, list[int]]  # label family -> valid labels on each day

    def rows(self) -> list[tuple[date, bool, list[int]]]:
        """(day, is today, counts per family in ``families`` order) for the table."""
        families = list(self.series)
        return [
            (day, index == len(self.days) - 1, [self.series[f][index] for f in families])
            for index, day in enumerate(self.days)
        ]


def labels_over_time(*, today: date | None = None) -> OverTime | None:
    """Valid labels per label family at the end of each year (or quarter) and today, counted by
    the database: the earliest start, then one grouped query with a count per sample day of the
    labels whose *held interval* (``held_interval``) contains it, which is what
    ``registry.valid_on_condition`` selects. None when no label was ever issued."""
    today = today or timezone.localdate()
    first = Label.objects.aggregate(first=Min("valid_from"))["first"]
    if first is None:
        return None
    days, period = sample_days(first, today)
    counts = {
        f"day_{index}": Count("pk", filter=valid_on_condition(day))
        for index, day in enumerate(days)
    }
    rows = Label.objects.order_by().values("family").annotate(**counts)
    series = {
        row["family"]: [row[f"day_{index}"] for index in range(len(days))]
        for row in sorted(rows, key=lambda row: row["family"])
    }
    return OverTime(days=days, period=period, series=series)


def counted_statistics(today: date) -> dict[str, Any]:
    """Today's counts and the history as JSON, without names (``tally_rows``): what is stored
    (``StoredAggregate``) and cached. Four queries; at 100,000 labels the slow part of the
    statistics page, which is why it is counted when labels change (``registry.aggregates``)."""
    history = labels_over_time(today=today)
    return {
        "today": tally_rows(_today_rows(today), day=today),
        "history": None
        if history is None
        else {
            "days": [day.isoformat() for day in history.days],
            "period": history.period,
            "series": history.series,
        },
    }


#: What the keys of the days' statistics among the ``StoredAggregate`` rows start with.
STATISTICS_KEY_PREFIX = "statistics:"


def statistics_key(day: date) -> str:
    """The key of a day's statistics among the ``StoredAggregate`` rows (ISO dates, so the
    keys sort as the days do)."""
    return f"{STATISTICS_KEY_PREFIX}{day.isoformat()}"


def statistics_for(
    *, catalogue: SchemeCatalogue, today: date
) -> tuple[TodayCounts, OverTime | None]:
    """Today's counts and the history, named in the current language. The counts are those
    stored for this data generation and day (``StoredAggregate``, counted when the labels
    changed and by the daily run, one row read), else counted here; either way kept in the
    cache for the generation and day. A label change makes a new generation, so a revoked
    label is never counted from the cache or from a stored row."""
    generation = data_generation()
    key = ":".join((CACHE_PREFIX, str(generation), today.isoformat()))
    found = cache.get(key)
    if found is None:
        found = stored_aggregate(statistics_key(today), generation=generation)
        if found is None:
            found = counted_statistics(today)
        cache.set(key, found, CACHE_SECONDS)
    history = found["history"]
    return (
        named_counts(found["today"], catalogue=catalogue, sector_names=SECTOR_NAMES),
        None
        if history is None
        else OverTime(
            days=[date.fromisoformat(day) for day in history["days"]],
            period=history["period"],
            series=history["series"],
        ),
    )


# --- the question --------------------------------------------------------------------------------


@dataclass
class Holder:
    organisation_id: int
    cluster_name: str
    legal_name: str
    labels: list[tuple[str, str]]  # (certificate number, label name)


def organisations_holding(filters: RegistryFilters, *, catalogue: SchemeCatalogue) -> list[Holder]:
    """The distinct organisations holding a label the filters select (one query; two with a
    day, as ``registry_labels``)."""
    holders: dict[int, Holder] = {}
    rows = registry_labels(filters, level_ranks=catalogue.level_ranks()).values_list(
        "organisation_id",
        "organisation__cluster_name",
        "organisation__legal_name",
        "certificate_number",
        "scheme_id",
        "level_id",
        "scheme_version_id",
    )
    for pk, cluster_name, legal_name, number, scheme_id, level_id, version_id in rows:
        holder = holders.setdefault(pk, Holder(pk, cluster_name, legal_name, []))
        name = catalogue.label_name(
            scheme_id=scheme_id, level_id=level_id, scheme_version_id=version_id
        )
        holder.labels.append((number, name))
    return sorted(holders.values(), key=lambda h: (h.cluster_name.casefold(), h.organisation_id))


# --- charts --------------------------------------------------------------------------------------


def bar_chart_svg(names: Sequence[str], values: Sequence[int], *, label: str, axis: str) -> str:
    """Horizontal bars, one per name, with the value at the end of each bar (SVG elements,
    ``statistics_charts``: about a millisecond, no cache needed)."""
    return statistics_charts.bar_chart(names, values, label=label, axis=axis)


def line_chart_svg(
    ticks: Sequence[str], series: dict[str, Sequence[int]], *, label: str, axis: str
) -> str:
    """One line per series over the tick labels, with marks of their own shape so that lines
    differ without colour."""
    return statistics_charts.line_chart(ticks, series, label=label, axis=axis)
