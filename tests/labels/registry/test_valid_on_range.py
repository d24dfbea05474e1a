"""The "valid on a day" filter bounded by the longest validity (``valid_on_range``) selects and
orders exactly what ``valid_on_condition`` alone selected: on crafted labels of every length
and state, on the days at their edges and at the ends of the calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clusterlabel.labels.models import Label
from clusterlabel.labels.registry.filters import SORT_FIELDS, SchemeCatalogue
from clusterlabel.labels.registry.queries import (
    RegistryFilters,
    longest_validity_days,
    registry_labels,
    valid_on_condition,
    valid_on_range,
)
from tests.factories import OrganisationFactory
from tests.labels.registry.test_registry import make_label

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN)


@pytest.fixture
def crafted(loaded_schemes) -> list[Label]:
    """Labels of one day, of two years, of thirty years; active, superseded, suspended and
    revoked (with and without a recorded change); at both ends of the calendar; one of an
    organisation the secretariat has not confirmed."""
    versions = loaded_schemes
    holder = OrganisationFactory(region="DE-BW")
    other = OrganisationFactory(country="FR", region="FR-ARA")
    unconfirmed = OrganisationFactory(confirmed_at=None)
    labels = [
        make_label(holder, "ecei-gold", date(2020, 6, 30), date(2020, 6, 30), versions=versions),
        make_label(holder, "ecei-bronze", date(2018, 7, 1), versions=versions),
        make_label(other, "ecei-silver", date(2019, 1, 1), versions=versions, state="superseded"),
        make_label(
            holder,
            "bw-cluster-excellence",
            date(2019, 3, 1),
            versions=versions,
            state="suspended",
            changed_at=at_midnight(date(2020, 6, 30)),
        ),
        make_label(
            other,
            "ecei-gold",
            date(2019, 9, 1),
            versions=versions,
            state="revoked",
            changed_at=at_midnight(date(2020, 7, 1)),
        ),
        make_label(other, "ecei-bronze", date(2020, 1, 1), versions=versions, state="revoked"),
        # imported from an old register: thirty years, the longest
        make_label(other, "ecei-silver", date(1995, 5, 5), date(2025, 5, 4), versions=versions),
        make_label(holder, "ecei-gold", date(2022, 6, 30), versions=versions),
        make_label(unconfirmed, "ecei-gold", date(2020, 1, 1), versions=versions),
        make_label(holder, "ecei-bronze", date(1, 1, 1), date(1, 1, 10), versions=versions),
        make_label(other, "ecei-silver", date(9999, 12, 20), date(9999, 12, 30), versions=versions),
    ]
    return labels


def edge_days(labels: list[Label]) -> list[date]:
    days = {date(1, 1, 1), date(9999, 12, 30), date(2020, 6, 30), date(2010, 1, 1)}
    for label in labels:
        for day in (label.valid_from, label.valid_until):
            days.update(day + timedelta(days=shift) for shift in (-1, 0, 1) if date.min < day)
        if label.state_changed_at:
            changed = label.state_changed_at.astimezone(BERLIN).date()
            days.update((changed - timedelta(days=1), changed))
    return sorted(day for day in days if day < date(9999, 12, 31))


def listed(filters: RegistryFilters) -> list[str]:
    ranks = SchemeCatalogue.load().level_ranks()
    labels = registry_labels(filters, level_ranks=ranks)
    return list(labels.values_list("certificate_number", flat=True))


def unbounded(filters: RegistryFilters, day: date) -> list[str]:
    """The rows as the registry selected them before the bound: ``valid_on_condition``."""
    ranks = SchemeCatalogue.load().level_ranks()
    labels = registry_labels(filters, level_ranks=ranks).filter(valid_on_condition(day))
    return list(labels.values_list("certificate_number", flat=True))


def test_the_bound_selects_the_same_labels_on_every_edge_day(crafted):
    assert longest_validity_days() == (date(2025, 5, 4) - date(1995, 5, 5)).days
    checked = 0
    for day in edge_days(crafted):
        numbers = listed(RegistryFilters(valid_on=day))
        assert numbers == unbounded(RegistryFilters(), day), day
        checked += bool(numbers)
    assert checked > 10  # the days chosen do select labels


@pytest.mark.parametrize("sort", [*SORT_FIELDS, *(f"-{key}" for key in SORT_FIELDS)])
def test_the_bound_keeps_every_order_and_the_other_filters(crafted, sort):
    for day in (date(2020, 6, 29), date(2020, 6, 30), date(2020, 7, 1), date(2021, 12, 31)):
        for filters in (
            RegistryFilters(valid_on=day, sort=sort),
            RegistryFilters(valid_on=day, sort=sort, country="FR"),
            RegistryFilters(valid_on=day, sort=sort, status="valid", region="DE-BW"),
        ):
            numbers = listed(filters)
            assert numbers == unbounded(RegistryFilters(**{**vars(filters), "valid_on": None}), day)


def test_withdrawn_labels_count_until_the_day_of_their_change(crafted):
    def valid_on(day: date) -> set[str]:
        return set(listed(RegistryFilters(valid_on=day)))

    suspended, revoked, never = crafted[3], crafted[4], crafted[5]
    assert suspended.certificate_number in valid_on(date(2020, 6, 29))
    assert suspended.certificate_number not in valid_on(date(2020, 6, 30))
    assert revoked.certificate_number in valid_on(date(2020, 6, 30))
    assert revoked.certificate_number not in valid_on(date(2020, 7, 1))
    assert never.certificate_number not in valid_on(date(2020, 6, 30))


def test_a_label_longer_than_all_before_it_is_found_at_once(crafted, loaded_schemes):
    # The longest validity is read with each query, never kept: a longer label written now
    # widens the bound of the next query.
    day = date(1990, 1, 1)
    assert unbounded(RegistryFilters(), day) == []
    assert not registry_labels(RegistryFilters(valid_on=day)).exists()
    holder = OrganisationFactory()
    longest = make_label(
        holder, "ecei-gold", date(1960, 1, 1), date(2060, 1, 1), versions=loaded_schemes
    )
    assert listed(RegistryFilters(valid_on=day)) == [longest.certificate_number]


def test_the_bounds_stay_inside_the_calendar():
    # No label: no bound (and nothing to find).
    assert valid_on_range(date(2020, 6, 30), None) == valid_on_range(date(1, 1, 1), None)
    # At the calendar's end the bound is its end, not an overflow.
    assert valid_on_range(date(9999, 12, 30), 10_000).children == [
        ("valid_until__lte", date(9999, 12, 31))
    ]
    assert valid_on_range(date(1, 1, 2), 10_000).children == [
        ("valid_until__lte", date(1, 1, 2) + timedelta(days=10_000))
    ]


def test_an_empty_register_has_no_longest_validity(db):
    assert longest_validity_days() is None
    assert not registry_labels(RegistryFilters(valid_on=date(2020, 6, 30))).exists()
