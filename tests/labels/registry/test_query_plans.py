"""The public reads use indexes at any size, on PostgreSQL (the production database): with
enough rows and fresh statistics (``ANALYZE``), and sequential scans allowed, the planner reads
the registry's first page, a filtered page, a name search and a certificate-number lookup
through indexes, never by scanning all labels or all organisations.

Selected only when ``DATABASE_URL`` is PostgreSQL (``@pytest.mark.postgresql``, see
``tests/conftest.py``): SQLite's planner is another one, and its plans say nothing about
PostgreSQL's. The counts the pages show are not among them: a count reads every selected row,
which is why it is cached per data generation (``registry_count``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterlabel.labels.changes import data_generation
from clusterlabel.labels.models import Label
from clusterlabel.labels.registry.queries import RegistryFilters, registry_labels, registry_page
from clusterlabel.labels.selectors import label_by_number, label_for_verification
from clusterlabel.organisations.models import Organisation, name_search_key

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

ORGANISATIONS = 10_000
LABELS = 20_000
SCANNED_TABLES = (Label._meta.db_table, Organisation._meta.db_table)
REGIONS = ("DE-BW", "DE-BY", "DE-NW", "DE-HE", "DE-SN", "AT-9", "FR-ARA", "PL-10")
LEVELS = {
    "bw-cluster-excellence": ("label", "BW"),
    "ecei-bronze": ("bronze", "ECEI-B"),
    "ecei-silver": ("silver", "ECEI-S"),
    "ecei-gold": ("gold", "ECEI-G"),
}


@pytest.fixture
def many_labels(loaded_schemes) -> None:
    """A registry of some size (fixed seed), with the planner's statistics gathered."""
    rng = random.Random(13)
    organisations = []
    for n in range(ORGANISATIONS):
        region = rng.choice(REGIONS)
        legal_name = f"{('Photonik', 'Medizintechnik', 'Logistik')[n % 3]} Cluster {n} e. V."
        cluster_name = f"Netzwerk {('Württemberg', 'Łódź', 'Köln')[n // 3 % 3]} {n}"
        organisations.append(
            Organisation(
                legal_name=legal_name,
                cluster_name=cluster_name,
                name_search_key=name_search_key(legal_name, cluster_name),
                country=region[:2],
                region=region,
                sector="ict",
            )
        )
    organisations = Organisation.objects.bulk_create(organisations, batch_size=2000)
    labels = []
    for n in range(LABELS):
        scheme_id = rng.choice(list(LEVELS))
        level_id, prefix = LEVELS[scheme_id]
        version = loaded_schemes[scheme_id]
        valid_from = date(2012, 1, 1) + timedelta(days=rng.randrange(5300))
        state = rng.choices(("active", "suspended", "revoked"), (94, 3, 3))[0]
        labels.append(
            Label(
                organisation=rng.choice(organisations),
                scheme_version=version,
                scheme_id=scheme_id,
                family=version.family,
                level_id=level_id,
                certificate_number=f"{prefix}-{valid_from.year}-{n + 1:05d}",
                valid_from=valid_from,
                valid_until=valid_from + timedelta(days=730),
                awarded_on=valid_from,
                first_awarded_on=valid_from,
                state=state,
                source="imported",
                status_list_index=n + 1,
            )
        )
    Label.objects.bulk_create(labels, batch_size=5000)
    with connection.cursor() as cursor:
        for table in SCANNED_TABLES:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


def plans_of(run) -> list[str]:
    """The plans of the queries ``run()`` sends, as PostgreSQL would execute them."""
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans
    return plans


def scanned_tables(plan: str) -> set[str]:
    return {table for table in SCANNED_TABLES if f"Seq Scan on {table}" in plan}


def page_plans(filters: RegistryFilters) -> list[str]:
    labels = registry_labels(filters)
    generation = data_generation()
    _page, rows = registry_page(labels, 1, generation=generation)  # counted (and cached) here
    assert rows  # the filters select something: the plan is that of a real page
    return plans_of(lambda: registry_page(labels, 1, generation=generation))


PAGES = [
    RegistryFilters(),
    RegistryFilters(status="valid"),
    RegistryFilters(status="revoked"),
    RegistryFilters(valid_on=date(2018, 6, 30), region="DE-BY"),
    RegistryFilters(country="PL"),
    RegistryFilters(scheme="ecei-gold"),
    RegistryFilters(level="silver"),
    RegistryFilters(country="FR", level="gold"),
    RegistryFilters(scheme="ecei-bronze", region="AT-9"),
    RegistryFilters(q="photonik cluster 1233"),
    RegistryFilters(q="Łódź 3999", status="expired"),
]


def test_a_registry_page_reads_no_table_whole(many_labels):
    # One test for all pages: the data take seconds to make.
    scans = {}
    # The start of a certificate number as a holder types it (all but its last digit); a
    # shorter start matching hundreds of labels has its own test below.
    number = Label.objects.values_list("certificate_number", flat=True)[2345]
    for filters in [*PAGES, RegistryFilters(q=number[:-1].lower())]:
        (plan,) = page_plans(filters)
        if scanned_tables(plan):
            scans[str(filters.as_query())] = plan
    assert not scans, "\n\n".join(f"{query}:\n{plan}" for query, plan in scans.items())


def test_the_name_search_uses_the_trigram_index(many_labels):
    (plan,) = page_plans(RegistryFilters(q="Medizintechnik Cluster 2002"))
    assert "organisations_name_search_trgm" in plan, plan
    assert scanned_tables(plan) == set(), plan


def test_a_certificate_number_is_looked_up_in_the_unique_index(many_labels):
    number = Label.objects.values_list("certificate_number", flat=True)[1234]
    (plan,) = plans_of(lambda: label_by_number(f" {number.lower()} "))
    assert scanned_tables(plan) == set(), plan
    assert "labels_label_certificate_number" in plan, plan


def test_the_verification_page_reads_its_label_and_recognitions_through_indexes(many_labels):
    number = Label.objects.values_list("certificate_number", flat=True)[4321]
    (plan,) = plans_of(lambda: label_for_verification(number.lower()))
    assert scanned_tables(plan) == set(), plan
    assert "labels_label_recognised_with_id" in plan, plan


def test_the_first_and_last_pages_sorted_by_organisation_read_no_table_whole(many_labels):
    # The organisations' name index gives the order (organisations_name_order); a page in the
    # back half is read from the end, so the last page is as cheap as the first.
    scans = {}
    generation = data_generation()
    for sort in ("organisation", "-organisation"):
        labels = registry_labels(RegistryFilters(sort=sort))
        page, _rows = registry_page(labels, 1, generation=generation)
        for number in (1, page.paginator.num_pages):
            (plan,) = plans_of(
                lambda labels=labels, number=number: registry_page(
                    labels, number, generation=generation
                )
            )
            if scanned_tables(plan):
                scans[f"{sort}, page {number}"] = plan
    assert not scans, "\n\n".join(f"{query}:\n{plan}" for query, plan in scans.items())


def test_the_labels_valid_on_a_day_are_an_index_range_bounded_at_both_ends(many_labels):
    # ``valid_until >= day`` alone is a range open to the latest label: the page in the
    # registry's order stepped over every label ending after the valid ones, more of them the
    # more labels. Bounded by the longest validity (730 days here), the range ends where the
    # valid labels end. (Which index reads it is the planner's choice: with the visibility
    # map that autovacuum keeps, as in the benchmark, it walks labels_registry_order in the
    # page's order; in a test's transaction it may read and sort the range instead.)
    for filters in (
        RegistryFilters(valid_on=date(2016, 6, 30), region="DE-BY"),
        RegistryFilters(valid_on=date(2016, 6, 30)),
    ):
        (plan,) = page_plans(filters)
        assert scanned_tables(plan) == set(), plan
        conditions = [
            line
            for line in plan.splitlines()
            if "Index Cond" in line and "valid_until >= '2016-06-30'" in line
        ]
        assert conditions, plan
        assert all("valid_until <= '2018-06-30'" in line for line in conditions), plan


def test_a_broad_certificate_number_start_reads_its_matches_through_the_number_index(
    many_labels,
):
    # "ecei-g-2019" matches a few hundred labels of one year, which lie together in the
    # registry's order: walking it for the first 50 stepped over every label ending later.
    # The page sorts the matches, read through the numbers' index; the count finds their
    # holders through the public organisations' index, not by hashing every organisation.
    filters = RegistryFilters(q="ecei-g-2019")
    labels = registry_labels(filters)
    assert 100 < labels.count() < 1000
    (plan,) = page_plans(filters)
    assert scanned_tables(plan) == set(), plan
    assert "certificate_number_" in plan and "_like" in plan, plan
    assert "labels_registry_order" not in plan, plan
    (count_plan,) = plans_of(labels.count)
    assert scanned_tables(count_plan) == set(), count_plan


def test_a_middle_page_starts_where_it_begins_instead_of_stepping_over_half_the_list(
    many_labels,
):
    # Page 200 of 400 stepped over 10,000 rows (half the list, from either end). Found from
    # its start (``page_starts``, read once per data generation), the page is an index range
    # from its first holder's name (or its first row's end day) on.
    generation = data_generation()
    starts = {"organisation": "lower((legal_name)::text) >=", "-valid_until": "valid_until <="}
    for sort, start in starts.items():
        labels = registry_labels(RegistryFilters(sort=sort))
        page, _rows = registry_page(labels, 1, generation=generation)
        middle = page.paginator.num_pages // 2
        registry_page(labels, middle, generation=generation)  # the starts read and cached
        (plan,) = plans_of(
            lambda labels=labels, middle=middle: registry_page(
                labels, middle, generation=generation
            )
        )
        assert scanned_tables(plan) == set(), plan
        assert any("Index Cond" in line and start in line for line in plan.splitlines()), plan
