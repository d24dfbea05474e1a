"""The public aggregates counted on write (``labels.registry.aggregates``): the statistics page
and the registry's place list read one stored row for the current data generation instead of
counting every label, never a row of an older generation (a revoked label is not counted from
it), and count for themselves when no row fits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from clusterlabel.labels.changes import Change, labels_changed
from clusterlabel.labels.generation import data_generation
from clusterlabel.labels.models import Label, StoredAggregate
from clusterlabel.labels.registry.aggregates import public_aggregates_build
from clusterlabel.labels.registry.queries import (
    PLACES_KEY,
    SECTOR_NAMES,
    TOTAL_KEY,
    RegistryFilters,
    SchemeCatalogue,
    holder_places,
    registry_labels,
    registry_page,
)
from clusterlabel.labels.registry.statistics import (
    counted_statistics,
    counts_today,
    named_counts,
    statistics_for,
    statistics_key,
)
from clusterlabel.labels.stored_aggregates import (
    FORMAT,
    aggregate_store,
    stored_aggregate,
)
from tests.factories import OrganisationFactory
from tests.labels.registry.test_registry import bulk_labels, make_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(loaded_schemes):
    return loaded_schemes


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def statistics_numbers(response) -> tuple[int, int, list[tuple[str, int, int]]]:
    counts = response.context["counts"]
    return (
        counts.organisations,
        counts.labels,
        [(row.key, row.organisations, row.labels) for row in counts.by_label],
    )


def test_after_a_build_the_statistics_page_reads_one_stored_row(
    client, versions, django_assert_num_queries
):
    bulk_labels(40, versions=versions)
    counted = statistics_numbers(client.get(reverse("labels:statistics")))
    cache.clear()
    assert public_aggregates_build() is True
    # data generation, scheme versions, the stored places, the stored statistics
    with django_assert_num_queries(4):
        response = client.get(reverse("labels:statistics"))
    assert statistics_numbers(response) == counted
    assert counted[1] > 0


def test_without_a_stored_row_the_page_counts_for_itself(
    client, versions, django_assert_num_queries
):
    bulk_labels(40, versions=versions)
    # data generation, scheme versions, places (no stored row, counted), statistics (no stored
    # row; today's labels, the history's first start and its counts)
    with django_assert_num_queries(8):
        response = client.get(reverse("labels:statistics"))
    assert response.context["counts"].labels > 0


def test_a_label_revoked_after_the_build_is_not_counted_from_the_stored_row(versions):
    holder = OrganisationFactory(country="DE", region="DE-BW")
    today = timezone.localdate()
    label = make_label(holder, "ecei-bronze", today - timedelta(days=30), versions=versions)
    public_aggregates_build()
    catalogue = SchemeCatalogue.load()
    assert statistics_for(catalogue=catalogue, today=today)[0].labels == 1
    with transaction.atomic():  # as label_change_state writes it; no build follows (no commit)
        Label.objects.filter(pk=label.pk).update(state="revoked", state_changed_at=timezone.now())
        labels_changed(Change.STATE)
    stale = StoredAggregate.objects.get(key=statistics_key(today))
    assert stale.generation < data_generation()
    assert stale.data["value"]["today"]["labels"] == 1
    counts, _history = statistics_for(catalogue=catalogue, today=today)
    assert counts.labels == 0
    assert counts.organisations == 0


def test_a_committed_label_write_counts_the_aggregates_anew(
    versions, django_capture_on_commit_callbacks
):
    holder = OrganisationFactory(country="DE", region="DE-BY")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        make_label(holder, "ecei-gold", today - timedelta(days=3), versions=versions)
        generation = labels_changed(Change.ISSUED)
    assert callbacks, "the build is queued for after the commit"
    rows = {row.key: row for row in StoredAggregate.objects.all()}
    tomorrow = today + timedelta(days=1)
    assert set(rows) == {PLACES_KEY, TOTAL_KEY, statistics_key(today), statistics_key(tomorrow)}
    assert all(row.generation == generation for row in rows.values())
    assert stored_aggregate(PLACES_KEY, generation=generation) == [["DE", "DE-BY"]]
    stored_today = stored_aggregate(statistics_key(today), generation=generation)
    assert stored_today["today"]["by_label"] == [["ecei-gold", "gold", 1, 1]]


def test_a_rolled_back_write_counts_nothing(versions, django_capture_on_commit_callbacks):
    holder = OrganisationFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_label(holder, "ecei-gold", timezone.localdate(), versions=versions)
        labels_changed(Change.ISSUED)
        raise RuntimeError("the write fails")
    assert callbacks == []
    assert not StoredAggregate.objects.exists()


def test_tomorrow_is_counted_with_today_so_the_first_request_after_midnight_reads_it(
    versions, django_assert_num_queries
):
    holder = OrganisationFactory()
    today = timezone.localdate()
    make_label(
        holder, "ecei-bronze", today - timedelta(days=700), today, versions=versions
    )  # its last day is today
    make_label(holder, "ecei-gold", today - timedelta(days=10), versions=versions)
    public_aggregates_build(today=today)
    catalogue = SchemeCatalogue.load()
    tomorrow = today + timedelta(days=1)
    with django_assert_num_queries(2):  # the generation, the stored row
        counts, history = statistics_for(catalogue=catalogue, today=tomorrow)
    assert counts.day == tomorrow
    assert [(row.key, row.labels) for row in counts.by_label] == [("ecei-gold:gold", 1)]
    assert history is not None and history.days[-1] == tomorrow
    # the same as counting tomorrow's labels directly
    assert counts == counts_today(catalogue=catalogue, today=tomorrow)


def test_a_build_for_the_current_generation_counts_nothing_again(
    versions, django_assert_num_queries
):
    make_label(OrganisationFactory(), "ecei-gold", timezone.localdate(), versions=versions)
    assert public_aggregates_build() is True
    # the generation; is tomorrow's, today's and the registry's total row current
    with django_assert_num_queries(4):
        assert public_aggregates_build() is False


def test_statistics_of_days_before_yesterday_are_deleted(versions):
    today = timezone.localdate()
    generation = data_generation()
    for days_ago in (5, 2, 1):
        aggregate_store(
            statistics_key(today - timedelta(days=days_ago)), generation=generation, value={}
        )
    labels_changed(Change.ISSUED)
    public_aggregates_build(today=today)
    assert sorted(StoredAggregate.objects.values_list("key", flat=True)) == sorted(
        [
            PLACES_KEY,
            TOTAL_KEY,
            statistics_key(today - timedelta(days=1)),
            statistics_key(today),
            statistics_key(today + timedelta(days=1)),
        ]
    )


def test_a_row_is_never_replaced_by_one_counted_at_an_older_generation():
    assert aggregate_store("places", generation=7, value=[["DE", "DE-BW"]]) is True
    assert aggregate_store("places", generation=6, value=[["FR", ""]]) is False
    assert stored_aggregate("places", generation=7) == [["DE", "DE-BW"]]
    assert stored_aggregate("places", generation=6) is None
    assert aggregate_store("places", generation=8, value=[["AT", ""]]) is True
    assert stored_aggregate("places", generation=8) == [["AT", ""]]


def test_a_row_in_another_format_is_not_read():
    StoredAggregate.objects.create(
        key="places", generation=3, data={"format": FORMAT + 1, "value": [["DE", ""]]}
    )
    assert stored_aggregate("places", generation=3) is None
    StoredAggregate.objects.filter(key="places").update(data=[["DE", ""]])
    assert stored_aggregate("places", generation=3) is None


def test_the_places_come_from_the_stored_row(versions, django_assert_num_queries):
    make_label(
        OrganisationFactory(country="AT", region=""),
        "ecei-gold",
        timezone.localdate(),
        versions=versions,
    )
    public_aggregates_build()
    generation = data_generation()
    with django_assert_num_queries(1):
        assert holder_places(generation=generation) == [("AT", "")]


def test_stored_counts_are_named_in_the_reader_s_language(versions):
    holder = OrganisationFactory(country="DE", region="DE-BW", sector="health_medical")
    make_label(holder, "bw-cluster-excellence", timezone.localdate(), versions=versions)
    raw = counted_statistics(timezone.localdate())["today"]
    catalogue = SchemeCatalogue.load()
    with translation.override("de"):
        german = named_counts(raw, catalogue=catalogue, sector_names=SECTOR_NAMES)
    with translation.override("en"):
        english = named_counts(raw, catalogue=catalogue, sector_names=SECTOR_NAMES)
    assert german.by_region[0].name == "Baden-Württemberg"
    assert (german.by_sector[0].name, english.by_sector[0].name) != (
        english.by_sector[0].name,
        german.by_sector[0].name,
    )
    assert german.by_sector[0].name != english.by_sector[0].name
    assert german.by_label[0].name != english.by_label[0].name


def test_the_daily_run_counts_today_and_tomorrow(versions, capsys):
    make_label(OrganisationFactory(), "ecei-gold", timezone.localdate(), versions=versions)
    labels_changed(Change.ISSUED)
    today = timezone.localdate()
    call_command("send_reminders", "--today", today.isoformat())
    out = capsys.readouterr().out
    assert f"[statistics] counted for {today:%Y-%m-%d} and the day after." in out
    assert StoredAggregate.objects.filter(key=statistics_key(today + timedelta(days=1))).exists()
    call_command("send_reminders", "--today", today.isoformat())
    assert "[statistics] already counted" in capsys.readouterr().out


def test_migrate_counts_them(versions):
    """After a release's ``migrate`` the first requests find them counted."""
    make_label(OrganisationFactory(), "ecei-gold", timezone.localdate(), versions=versions)
    labels_changed(Change.ISSUED)  # no commit in a test: no build
    assert not StoredAggregate.objects.exists()
    call_command("migrate", verbosity=0)
    generation = data_generation()
    assert stored_aggregate(PLACES_KEY, generation=generation) is not None
    assert stored_aggregate(statistics_key(timezone.localdate()), generation=generation)


def test_migrate_on_an_installation_without_labels_counts_nothing(versions):
    call_command("migrate", verbosity=0)
    assert not StoredAggregate.objects.exists()


def count_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if "COUNT(" in query["sql"].upper()]


def test_the_unfiltered_registry_reads_its_count_from_the_stored_row(client, versions):
    bulk_labels(60, versions=versions)
    make_label(
        OrganisationFactory(confirmed_at=None), "ecei-gold", timezone.localdate(), versions=versions
    )
    shown = Label.objects.filter(organisation__confirmed_at__isnull=False).count()
    assert shown == Label.objects.count() - 1
    public_aggregates_build()
    assert stored_aggregate(TOTAL_KEY, generation=data_generation()) == shown
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("labels:registry"))
    assert response.context["page"].paginator.count == shown
    assert count_queries(captured) == []
    # The same for every sort order and page: the total is of the rows, not of their order.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("labels:registry"), {"sort": "organisation", "page": "2"})
    assert response.context["page"].paginator.count == shown
    assert count_queries(captured) == []


def test_a_filtered_registry_page_counts_for_itself(client, versions):
    bulk_labels(30, versions=versions)
    public_aggregates_build()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("labels:registry"), {"level": "gold"})
    assert response.context["page"].paginator.count == Label.objects.filter(level_id="gold").count()
    assert len(count_queries(captured)) == 1


def test_a_label_written_after_the_build_is_counted_not_read_from_the_stored_total(versions):
    holder = OrganisationFactory()
    make_label(holder, "ecei-bronze", timezone.localdate(), versions=versions)
    public_aggregates_build()
    with transaction.atomic():  # as the issuing writes it; no build follows (no commit here)
        make_label(holder, "ecei-gold", timezone.localdate(), versions=versions)
        labels_changed(Change.ISSUED)
    generation = data_generation()
    assert stored_aggregate(TOTAL_KEY, generation=generation) is None
    page, _rows = registry_page(registry_labels(RegistryFilters()), 1, generation=generation)
    assert page.paginator.count == 2
