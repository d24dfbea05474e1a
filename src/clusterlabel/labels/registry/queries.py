"""The public registry: every current and past label, filtered, sorted, paged and exported.

Reads only. ``registry_labels`` turns a :class:`RegistryFilters` (from :class:`RegistryFilterForm`)
into a ``Label`` queryset; the registry page, both open-data exports and the statistics page's
question all use it, so an export holds exactly the rows the page lists (all pages of them).

*Valid on a day* is precise about history: a label counts on day ``d`` when
``valid_from <= d <= valid_until`` and it was neither suspended nor revoked on ``d``. A label
suspended or revoked later (``state_changed_at``) still counts on the days before the local date
of that change; the day of the change itself no longer counts. A suspension that was lifted again
is not in the label row (only in the audit trail), so a reinstated label counts throughout.

*Name search* is tolerant of case, accents, spacing and punctuation (see
:mod:`clusterlabel.labels.registry.name_search`). The filter values, choices and names live in
:mod:`clusterlabel.labels.registry.filters`, the forms in :mod:`clusterlabel.labels.registry.forms`;
the names other modules import from here are re-exported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    Lookup,
)
from django.utils import timezone
from django.utils.functional import cached_property

from clusterlabel.domain.labels import (
    LabelStatus,
    canonical_certificate_number,
    label_status,
    looks_like_certificate_number,
)
from clusterlabel.domain.validity import Validity
from clusterlabel.labels.changes import data_generation
from clusterlabel.labels.models import STATUS_LABELS, VALIDITY_DAYS, Label, LabelState
from clusterlabel.labels.registry.filters import (
    DEFAULT_SORT,
    SORT_FIELDS,
    RegistryFilters,
    SchemeCatalogue,
    region_name,
)
from clusterlabel.labels.registry.filters import family_name as family_name
from clusterlabel.labels.registry.filters import family_short_name as family_short_name
from clusterlabel.labels.registry.forms import QuestionForm as QuestionForm
from clusterlabel.labels.registry.forms import RegistryFilterForm as RegistryFilterForm
from clusterlabel.labels.registry.name_search import fold_name as fold_name
from clusterlabel.labels.registry.name_search import name_search_terms, organisations_named
from clusterlabel.labels.stored_aggregates import stored_aggregate
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.models import Organisation

PAGE_SIZE = 50

# Recorded states in which a label counts as held (a superseded label keeps its own period).
HELD_STATES = (LabelState.ACTIVE, LabelState.SUPERSEDED)
WITHDRAWN_STATES = (LabelState.SUSPENDED, LabelState.REVOKED)


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def valid_on_condition(day: date) -> Q:
    """Labels valid on ``day`` as it was then (see the module docstring)."""
    withdrawn_later = Q(
        state__in=WITHDRAWN_STATES, state_changed_at__gte=day_start(day + timedelta(days=1))
    )
    return Q(valid_from__lte=day, valid_until__gte=day) & (
        Q(state__in=HELD_STATES) | withdrawn_later
    )


def longest_validity_days() -> int | None:
    """The longest validity of any label, in days (``valid_until - valid_from``): one step
    down the ``labels_validity_days`` index. None when there is no label."""
    days: int | None = Label.objects.aggregate(days=Max(VALIDITY_DAYS))["days"]
    return days


def valid_on_range(day: date, longest: int | None) -> Q:
    """What ``valid_on_condition(day)`` implies about a label's end when no label is valid
    longer than ``longest`` days: it ends at most ``longest`` days after ``day``. A bound
    that an index range stops at: with ``valid_until >= day`` alone, the read in the
    registry's order (``labels_registry_order``, latest end first) stepped over every label
    ending after the valid ones to reach the first of them, the more the more labels there
    are. A number, not a subquery: the planner must know the range to estimate it (a
    subquery's value is unknown when it plans, and its guess of a few rows made it sort every
    valid label). No bound on the start: the planner takes the start and the end as
    independent, and with both bounded it expected a few rows where a seventh of all labels
    were. Clamped to the last date a ``DateField`` holds."""
    if longest is None:  # no label at all
        return Q()
    return Q(valid_until__lte=day + timedelta(days=min(longest, (date.max - day).days)))


def status_condition(status: str, today: date) -> Q | None:
    """Labels whose status today is ``status`` (as ``Label.status`` computes it)."""
    held = Q(state__in=HELD_STATES)
    conditions: dict[str, Q] = {
        LabelStatus.VALID: held & Q(valid_from__lte=today, valid_until__gte=today),
        LabelStatus.EXPIRED: held & Q(valid_until__lt=today),
        LabelStatus.NOT_YET_VALID: held & Q(valid_from__gt=today),
        LabelStatus.SUSPENDED: Q(state=LabelState.SUSPENDED),
        LabelStatus.REVOKED: Q(state=LabelState.REVOKED),
    }
    return conditions.get(status)


def _ordering(sort: str, level_ranks: Mapping[str, int]) -> list[Any]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_FIELDS:
        return _ordering(DEFAULT_SORT, level_ranks)
    # Without ranks the levels are ordered by their id: a Case of no branch would be the bare
    # constant, which PostgreSQL reads as "ORDER BY 0", a column position, and refuses.
    level_rank: Any = (
        Case(
            *(When(level_id=level_id, then=Value(rank)) for level_id, rank in level_ranks.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
        if level_ranks
        else F("level_id")
    )
    orderings: dict[str, list[Any]] = {
        "organisation": [Lower("organisation__legal_name"), F("organisation_id")],
        "scheme": [F("family"), F("scheme_id"), level_rank],
        "level": [level_rank, F("scheme_id")],
        "valid_from": [F("valid_from")],
        "valid_until": [F("valid_until")],
    }
    expressions = orderings[key]
    ordered = [e.desc() if descending else e.asc() for e in expressions]
    return [*ordered, F("certificate_number").asc()]


def public_labels() -> QuerySet[Label]:
    """Every label the registry shows, unfiltered and unordered."""
    # A self-registered organisation is not public before the secretariat confirms it.
    return Label.objects.filter(organisation__confirmed_at__isnull=False)


def registry_labels(
    filters: RegistryFilters,
    *,
    today: date | None = None,
    level_ranks: Mapping[str, int] | None = None,
) -> QuerySet[Label]:
    """The labels the filters select, in the filters' order. Query count: one, whatever the
    filters (the name search is a subquery), and with a day (``valid_on``) one before it, here,
    for the longest validity (``valid_on_range``)."""
    today = today or timezone.localdate()
    labels = public_labels()
    ordering = _ordering(filters.sort, level_ranks or {})
    if filters.q and looks_like_certificate_number(filters.q):
        # (The start of) a certificate number, "ecei-g-2024-00001" or "ECEI-G-2024": a prefix
        # match on the unique index (on PostgreSQL its ``_like`` twin), not a name search.
        number = canonical_certificate_number(filters.q)
        labels = labels.filter(certificate_number__startswith=number)
        if few_numbers_start_with(number):
            ordering = [matches_sorted(number), *ordering]
    elif filters.q and name_search_terms(filters.q):
        labels = labels.filter(organisation__in=organisations_named(filters.q).values("pk"))
    for field_name, lookup in (
        ("family", "family"),
        ("scheme", "scheme_id"),
        ("level", "level_id"),
        ("country", "organisation__country"),
        ("region", "organisation__region"),
        ("sector", "organisation__sector"),
    ):
        value = getattr(filters, field_name)
        if value:
            labels = labels.filter(**{lookup: value})
    if filters.status:
        condition = status_condition(filters.status, today)
        if condition is not None:
            labels = labels.filter(condition)
    if filters.valid_on:
        # The longest validity is read here, in a query of its own: a label written between
        # it and the rows' query, valid longer than any before it and valid on that day, may be
        # missing from this one answer, as if the request had come a moment earlier.
        labels = labels.filter(
            valid_on_condition(filters.valid_on),
            valid_on_range(filters.valid_on, longest_validity_days()),
        )
    return labels.order_by(*ordering)


#: Up to how many labels a certificate number's start may match for the registry to sort
#: them (``matches_sorted``): a top-50 sort of that many rows takes about a millisecond.
NUMBER_MATCHES_SORTED = 2000


def few_numbers_start_with(number: str) -> bool:
    """Whether at most ``NUMBER_MATCHES_SORTED`` certificate numbers start with ``number``
    (any holder's): counted in the numbers' index, never more than that many entries."""
    matching = Label.objects.filter(certificate_number__startswith=number).order_by()
    return matching[: NUMBER_MATCHES_SORTED + 1].count() <= NUMBER_MATCHES_SORTED


def matches_sorted(number: str) -> OrderBy:
    """An ordering that every label starting with ``number`` shares (so the order stays the
    chosen one), but which no index holds: the database reads the few labels the number
    matches through its index and sorts them. Otherwise the planner, taking the matches as
    spread evenly over the registry's order, walked that order's index for the first 50 of
    them; but a number holds its year ("ECEI-G-2019-…"), so they lie together, and a start
    such as "ECEI-G-2019" stepped over every label ending later, the more the more labels."""
    return Case(
        When(certificate_number__startswith=number, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    ).asc()


# How long a count or a list of places stays cached: they are keyed by the data generation,
# so a change of the labels makes new keys at once; this only frees memory.
AGGREGATE_TIMEOUT = 24 * 60 * 60


class CountedPaginator(Paginator):
    """A paginator told its number of rows, instead of counting them itself."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _selection_digest(labels: QuerySet[Label], *, ordered: bool = False) -> str:
    """A short fingerprint of the rows (and with ``ordered`` their order) ``labels`` selects,
    for cache keys: its SQL and parameters."""
    ids = labels.values("pk") if ordered else labels.values("pk").order_by()
    sql, params = ids.query.sql_with_params()
    return hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]


def registry_count(labels: QuerySet[Label], *, generation: int) -> int:
    """How many labels ``labels`` selects, counted once per data generation (and per day: the
    status filters depend on it). A count reads every selected row, which no index avoids;
    the generation changes with every label write (``labels.changes``), so a cached count is
    never stale."""
    digest = _selection_digest(labels)
    key = f"registry:count:{generation}:{digest}"
    count = cache.get(key)
    if count is None:
        # The unfiltered registry (its first page, the API's list) is counted on write, with
        # the statistics (``registry.aggregates``): read that row when it is of this generation.
        if digest == _selection_digest(public_labels()):
            count = stored_aggregate(TOTAL_KEY, generation=generation)
        if count is None:
            count = labels.count()
        cache.set(key, count, AGGREGATE_TIMEOUT)
    return int(count)


#: A page whose rows lie deeper than this in the list, from both ends, is found from where
#: its first row lies (``page_starts``) instead of by stepping over the rows before it.
DEEP_ROWS = 1000


def page_starts(
    labels: QuerySet[Label], *, per_page: int, generation: int
) -> list[tuple[tuple[Any, ...], int]]:
    """Where each page of ``per_page`` rows of ``labels`` starts: the sort key of the group of
    rows its first row belongs to (the values of all but the last item of the ordering, the
    unique certificate number: a holder in the name order, an end day in the default one) and
    how many rows of that group come before it. One grouped query, which counts every
    selected row as a count does, once per data generation (cached like the count)."""
    digest = _selection_digest(labels, ordered=True)
    key = f"registry:starts:{generation}:{per_page}:{digest}"
    starts = cache.get(key)
    if starts is None:
        ordering = _ordering_of(labels)[:-1]
        keys = {f"key_{n}": item.expression for n, item in enumerate(ordering)}
        groups = (
            labels.order_by()
            .values(**keys)
            .annotate(rows=Count("pk"))
            .order_by(
                *[
                    F(name).desc() if item.descending else F(name).asc()
                    for name, item in zip(keys, ordering, strict=True)
                ]
            )
            .values_list(*keys, "rows")
        )
        starts = []
        before = next_start = 0  # rows before the group; the next page's first row
        for *group, rows in groups:
            while next_start < before + rows:
                starts.append((tuple(group), next_start - before))
                next_start += per_page
            before += rows
        cache.set(key, starts, AGGREGATE_TIMEOUT)
    return list(starts)


def _ordering_of(labels: QuerySet[Label]) -> list[OrderBy]:
    """``labels``' ordering as ``registry_labels`` gives it: ``OrderBy`` expressions."""
    ordering = list(labels.query.order_by)
    if not all(isinstance(item, OrderBy) for item in ordering):
        raise TypeError("the registry's orderings are expressions (see _ordering)")
    return ordering  # type: ignore[return-value]


def at_or_after(ordering: Sequence[OrderBy], key: Sequence[Any]) -> Q:
    """The rows whose sort key in ``ordering`` is ``key`` or comes after it (a keyset). Led by
    the first key's bound alone, which an index range starts at: the planner does not find it
    among the alternatives."""
    if len(ordering) != len(key):
        raise ValueError("a sort key has a value for each item of the ordering")
    bounds = list(zip(ordering, key, strict=True))
    from_key = _beyond(*bounds[-1], inclusive=True)
    for item, value in reversed(bounds[:-1]):
        from_key = _beyond(item, value) | (Q(Exact(item.expression, value)) & from_key)
    if len(bounds) == 1:
        return from_key
    return _beyond(*bounds[0], inclusive=True) & from_key


def _beyond(item: OrderBy, value: Any, *, inclusive: bool = False) -> Q:
    """The rows after ``value`` in ``item``'s order (with ``inclusive``, at it too)."""
    lookup: type[Lookup[Any]]
    if item.descending:
        lookup = LessThanOrEqual if inclusive else LessThan
    else:
        lookup = GreaterThanOrEqual if inclusive else GreaterThan
    return Q(lookup(item.expression, value))


def registry_page(
    labels: QuerySet[Label],
    page_number: Any,
    *,
    per_page: int = PAGE_SIZE,
    generation: int | None = None,
) -> tuple[Page, list[dict[str, Any]]]:
    """One page of ``labels`` (a ``registry_labels`` queryset) as ``PAGE_VALUES`` dicts, in two
    queries: the count (none when it is cached for ``generation``), then the rows. The page's
    labels are chosen in a subquery that sorts only their ids (an index range read in the
    registry's orders), so the joined, wide rows are read for these 50 alone. A page deep in
    the list (``DEEP_ROWS`` from both ends) starts at its first row's sort key, read from
    ``page_starts`` (one more query, once per ``generation``): stepping over the rows before
    it cost as much as reading them (half the list for a middle page)."""
    ids = labels.values("pk")
    count = labels.count() if generation is None else registry_count(labels, generation=generation)
    page = CountedPaginator(ids, per_page, count=count).get_page(page_number)
    if not count:
        return page, []
    chosen = page_labels(labels, page, generation=generation)
    rows = Label.objects.filter(pk__in=chosen).order_by(*labels.query.order_by)
    return page, list(rows.values(*PAGE_VALUES))


def page_labels(labels: QuerySet[Label], page: Page, *, generation: int | None) -> QuerySet:
    """The ids of ``page``'s labels (``page`` of a paginator over ``labels``, told the count),
    as a subquery that reads no more of the list than it must (see ``registry_page``)."""
    paginator = page.paginator
    count, per_page = paginator.count, paginator.per_page
    first, last = page.start_index() - 1, page.end_index()
    starts = (
        page_starts(labels, per_page=per_page, generation=generation)
        if generation is not None and min(first, count - last) > DEEP_ROWS
        else []
    )
    if page.number <= len(starts):
        group, skip = starts[page.number - 1]
        start = at_or_after(_ordering_of(labels)[:-1], group)
        return labels.filter(start).values("pk")[skip : skip + per_page]
    if first > count - last:
        # A page in the back half is read from the list's end, in the reversed order (the
        # order is total: the certificate number breaks every tie): its offset stays short, so
        # the database keeps the top rows of one pass instead of sorting every row.
        return labels.reverse().values("pk")[count - last : count - first]
    return labels.values("pk")[first:last]


#: The holders' places among the ``StoredAggregate`` rows (``registry.aggregates`` stores them).
PLACES_KEY = "places"
#: How many labels the unfiltered registry lists (``public_labels``), stored beside them.
TOTAL_KEY = "registry-total"


def holder_places(*, generation: int | None = None) -> list[tuple[str, str]]:
    """(country, region) of every organisation that holds or held a label: as stored when the
    labels last changed (``StoredAggregate`` under ``PLACES_KEY``, one row read), or counted
    (``holder_places_counted``, one query); none when cached for ``generation`` (the current
    ``labels.changes.data_generation()``, read once per request by the caller; read here when
    not given)."""
    if generation is None:
        generation = data_generation()
    key = f"registry:places:{generation}"
    places = cache.get(key)
    if places is None:
        stored = stored_aggregate(PLACES_KEY, generation=generation)
        places = (
            [tuple(place) for place in stored] if stored is not None else holder_places_counted()
        )
        cache.set(key, places, AGGREGATE_TIMEOUT)
    return list(places)


def holder_places_counted() -> list[tuple[str, str]]:
    return list(
        Organisation.objects.filter(Exists(Label.objects.filter(organisation=OuterRef("pk"))))
        .values_list("country", "region")
        .distinct()
        .order_by("country", "region")
    )


# --- rows ----------------------------------------------------------------------------------------

PAGE_VALUES = (
    "certificate_number",
    "organisation_id",
    "organisation__legal_name",
    "organisation__cluster_name",
    "organisation__country",
    "organisation__region",
    "organisation__city",
    "organisation__sector",
    "scheme_version_id",
    "scheme_id",
    "family",
    "level_id",
    "valid_from",
    "valid_until",
    "state",
    "previous_id",
)

SECTOR_NAMES = dict(Sector.choices)


@dataclass(frozen=True)
class RegistryRow:
    """One line of the registry page."""

    certificate_number: str
    organisation_id: int
    legal_name: str
    cluster_name: str
    country: str
    region: str
    city: str
    sector: str
    label_name: str
    valid_from: date
    valid_until: date
    status: LabelStatus
    is_renewal: bool

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    @property
    def sector_name(self) -> str:
        return str(SECTOR_NAMES.get(self.sector, self.sector))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def registry_rows(
    values: Iterable[Mapping[str, Any]], *, catalogue: SchemeCatalogue, today: date
) -> list[RegistryRow]:
    """Rows for the page from ``registry_labels(...).values(*PAGE_VALUES)``."""
    return [
        RegistryRow(
            certificate_number=value["certificate_number"],
            organisation_id=value["organisation_id"],
            legal_name=value["organisation__legal_name"],
            cluster_name=value["organisation__cluster_name"],
            country=value["organisation__country"],
            region=value["organisation__region"],
            city=value["organisation__city"],
            sector=value["organisation__sector"],
            label_name=catalogue.label_name(
                scheme_id=value["scheme_id"],
                level_id=value["level_id"],
                scheme_version_id=value["scheme_version_id"],
            ),
            valid_from=value["valid_from"],
            valid_until=value["valid_until"],
            status=label_status(
                value["state"], Validity(value["valid_from"], value["valid_until"]), today
            ),
            is_renewal=value["previous_id"] is not None,
        )
        for value in values
    ]


EXPORT_VALUES = (
    *PAGE_VALUES,
    "awarded_on",
    "first_awarded_on",
    "source",
    "state_changed_at",
    "previous__certificate_number",
    "recognised_with__certificate_number",
    "organisation__website",
    "state_reason",
    "catalogue_version",
)

# The open-data columns, in order (new ones are added at the end). No personal data:
# organisations are legal entities, and the free-text reason for a suspension or revocation is
# left out: it is written by the secretariat and may name people (who reported what).
EXPORT_COLUMNS = (
    "certificate_number",
    "organisation_id",
    "organisation",
    "cluster_name",
    "country",
    "region",
    "city",
    "sector",
    "family",
    "scheme",
    "scheme_version",
    "level",
    "label_en",
    "label_de",
    "valid_from",
    "valid_until",
    "awarded_on",
    "first_awarded_on",
    "renews",
    "source",
    "state",
    "state_changed_on",
    "status_today",
    "verify_url",
    "holder_url",
    "recognised_with",
    "website",
)
# The operators' full export (``?full=1``, the labels the person may manage): the open-data
# columns and the reason of each state, so that ``import-labels`` restores the register.
FULL_EXPORT_COLUMNS = (*EXPORT_COLUMNS, "state_reason")


def registry_export_records(
    labels: QuerySet[Label],
    *,
    catalogue: SchemeCatalogue,
    today: date,
    verify_url: str,
    holder_url: str,
    full: bool = False,
    chunk_size: int = 2000,
) -> Iterator[tuple[Any, ...]]:
    """Every selected label as an open-data record: a tuple in ``EXPORT_COLUMNS`` order (with
    ``full``: ``FULL_EXPORT_COLUMNS``, the reason of the state too), dates as ISO text,
    unknown values None; streamed from the database in chunks of ``chunk_size`` (plain
    tuples, no model instances: memory stays flat whatever the number of labels).
    ``verify_url`` contains ``{number}`` and ``holder_url`` contains ``{pk}``."""
    verify_start, verify_end = verify_url.split("{number}")
    holder_start, holder_end = holder_url.split("{pk}")
    names: dict[tuple[int, str, str], tuple[str, str, str]] = {}
    # Labels share few dates and validities: each is written and judged once, not per row.
    iso: dict[date, str] = {}
    statuses: dict[tuple[str, date, date], str] = {}
    rows = labels.values_list(*EXPORT_VALUES).iterator(chunk_size=chunk_size)
    for (
        number,
        organisation_id,
        legal_name,
        cluster_name,
        country,
        region,
        city,
        sector,
        version_id,
        scheme_id,
        family,
        level_id,
        valid_from,
        valid_until,
        state,
        _previous_id,
        awarded_on,
        first_awarded_on,
        source,
        changed_at,
        renews,
        recognised_with,
        website,
        state_reason,
        catalogue_version,
    ) in rows:
        key = (version_id, scheme_id, level_id)
        named = names.get(key)
        if named is None:
            entry = catalogue.entries.get(version_id)
            label = {"scheme_id": scheme_id, "level_id": level_id, "scheme_version_id": version_id}
            named = names[key] = (
                entry.version if entry else "",
                catalogue.label_name(**label, language="en"),
                catalogue.label_name(**label, language="de"),
            )
        record = (
            number,
            organisation_id,
            legal_name,
            cluster_name,
            country,
            region,
            city,
            sector,
            family,
            scheme_id,
            catalogue_version or None,  # the catalogue assessed under; unknown: empty
            level_id,
            named[1],
            named[2],
            iso.get(valid_from) or iso.setdefault(valid_from, valid_from.isoformat()),
            iso.get(valid_until) or iso.setdefault(valid_until, valid_until.isoformat()),
            iso.get(awarded_on) or iso.setdefault(awarded_on, awarded_on.isoformat()),
            iso.get(first_awarded_on)
            or iso.setdefault(first_awarded_on, first_awarded_on.isoformat()),
            renews,
            source,
            state,
            timezone.localdate(changed_at).isoformat() if changed_at else None,
            statuses.get((state, valid_from, valid_until))
            or statuses.setdefault(
                (state, valid_from, valid_until),
                label_status(state, Validity(valid_from, valid_until), today).value,
            ),
            f"{verify_start}{number}{verify_end}",
            f"{holder_start}{organisation_id}{holder_end}",
            recognised_with,
            website,
        )
        yield (*record, state_reason) if full else record
