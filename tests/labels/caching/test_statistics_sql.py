"""The statistics counted by the database say what the Python rules say (``Label.status_on``
for today, ``held_interval`` for the history), and are cached per data generation and day."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from clusterlabel.labels import services
from clusterlabel.labels.models import Label
from clusterlabel.labels.registry.queries import SchemeCatalogue
from clusterlabel.labels.registry.statistics import (
    count_on_days,
    counts_today,
    held_interval,
    labels_over_time,
    statistics_for,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.registry.test_registry import make_label

pytestmark = pytest.mark.django_db

SCHEMES = ("ecei-bronze", "ecei-silver", "ecei-gold", "bw-cluster-excellence")
PLACES = (("DE", "DE-BW"), ("DE", "DE-BY"), ("AT", ""), ("FR", "FR-ARA"))
SECTORS = ("photonics", "health", "energy")


@pytest.fixture
def register(loaded_schemes):
    """Sixty labels of twenty organisations (one unconfirmed), in every state, some withdrawn
    before, some after they started, some never held."""
    rng = random.Random(7)
    today = timezone.localdate()
    organisations = []
    for n in range(20):
        country, region = rng.choice(PLACES)
        organisations.append(
            OrganisationFactory(
                country=country,
                region=region,
                sector=rng.choice(SECTORS),
                confirmed_at=None if n == 0 else timezone.now(),
            )
        )
    for _ in range(60):
        start = today - timedelta(days=rng.randrange(0, 6 * 365))
        state = rng.choice(("active", "active", "superseded", "suspended", "revoked"))
        changed = None
        if state in ("suspended", "revoked") and rng.random() < 0.9:
            changed_day = start + timedelta(days=rng.randrange(-30, 900))
            changed = timezone.make_aware(datetime.combine(changed_day, time(rng.randrange(24))))
        make_label(
            rng.choice(organisations),
            rng.choice(SCHEMES),
            start,
            versions=loaded_schemes,
            state=state,
            changed_at=changed,
        )
    # valid today, not tomorrow
    make_label(
        organisations[1],
        "ecei-gold",
        today - timedelta(days=300),
        today,
        versions=loaded_schemes,
    )
    return today


def test_todays_counts_are_those_of_the_labels_valid_today(register):
    today = register
    valid = [
        label
        for label in Label.objects.select_related("organisation")
        if label.organisation.confirmed_at and label.status_on(today) == "valid"
    ]
    counts = counts_today(catalogue=SchemeCatalogue.load(), today=today)
    assert counts.labels == len(valid)
    assert counts.organisations == len({label.organisation_id for label in valid})
    per_label = defaultdict(set)
    for label in valid:
        per_label[f"{label.scheme_id}:{label.level_id}"].add(label.organisation_id)
    assert {row.key: row.organisations for row in counts.by_label} == {
        key: len(holders) for key, holders in per_label.items()
    }
    per_sector = defaultdict(lambda: defaultdict(set))
    for label in valid:
        per_sector[label.organisation.sector][label.family].add(label.organisation_id)
    assert {row.key: row.by_family for row in counts.by_sector} == {
        sector: {family: len(ids) for family, ids in families.items()}
        for sector, families in per_sector.items()
    }
    per_place = defaultdict(set)
    for label in valid:
        organisation = label.organisation
        per_place[organisation.region or organisation.country].add(label.organisation_id)
    assert {row.key: row.organisations for row in counts.by_region} == {
        place: len(ids) for place, ids in per_place.items()
    }


def test_the_history_counts_the_held_intervals(register):
    today = register
    history = labels_over_time(today=today)
    intervals = defaultdict(list)
    for label in Label.objects.all():
        interval = held_interval(
            label.valid_from, label.valid_until, label.state, label.state_changed_at
        )
        intervals[label.family].extend([interval] if interval else [])
    assert history is not None
    assert history.series == {
        family: count_on_days(intervals[family], history.days) for family in sorted(intervals)
    }
    assert any(any(values) for values in history.series.values())


def test_the_counts_are_cached_per_generation_and_day(register, django_assert_num_queries):
    today = register
    catalogue = SchemeCatalogue.load()
    counts, _history = statistics_for(catalogue=catalogue, today=today)
    with django_assert_num_queries(1):  # the data generation
        assert statistics_for(catalogue=catalogue, today=today)[0] == counts
    tomorrow, _history = statistics_for(catalogue=catalogue, today=today + timedelta(days=1))
    assert tomorrow == counts_today(catalogue=catalogue, today=today + timedelta(days=1))
    assert tomorrow.labels < counts.labels
    held = Label.objects.filter(
        state="active", valid_from__lte=today, valid_until__gte=today
    ).exclude(organisation__confirmed_at=None)
    services.label_change_state(
        label=held.first(), actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    after, _history = statistics_for(catalogue=catalogue, today=today)
    assert after.labels == counts.labels - 1


def test_an_empty_register_has_no_history(loaded_schemes):
    assert labels_over_time(today=date(2026, 1, 1)) is None
