"""A page deep in the registry's list is found from where it starts (``page_starts``: the sort
key of its first row's group and how many rows of the group come before it) instead of by
stepping over every row before it; it holds exactly the rows the page counted to held, in
every order, and the starts are read once per data generation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from clusterlabel.labels.changes import Change, data_generation, labels_changed
from clusterlabel.labels.registry import queries
from clusterlabel.labels.registry.filters import SORT_FIELDS, SchemeCatalogue
from clusterlabel.labels.registry.queries import (
    RegistryFilters,
    page_starts,
    registry_labels,
    registry_page,
)
from tests.factories import OrganisationFactory
from tests.labels.registry.test_registry import LEVELS, make_label

pytestmark = pytest.mark.django_db

SORTS = [*SORT_FIELDS, *(f"-{key}" for key in SORT_FIELDS)]
PER_PAGE = 4


@pytest.fixture
def many_ties(loaded_schemes) -> None:
    """31 labels of five holders (two with the same name but for case), of every scheme, in
    every state, many sharing an end day: every order has ties the number breaks."""
    names = ["Beta e. V.", "alpha GmbH", "Alpha GmbH", "Gamma", "beta e. v."]
    holders = [OrganisationFactory(legal_name=name) for name in names]
    states = ["active", "active", "superseded", "suspended", "revoked"]
    for n in range(31):
        make_label(
            holders[n % 5],
            list(LEVELS)[n % 4],
            date(2018, 1, 1) + timedelta(days=(n % 6) * 30),
            versions=loaded_schemes,
            state=states[n % 5],
            number=f"T-{2018 + n % 3}-{n:05d}",
        )


def numbers(rows) -> list[str]:
    return [row["certificate_number"] for row in rows]


def all_pages(labels, generation) -> list[str]:
    count = labels.count()
    pages = range(1, -(-count // PER_PAGE) + 1)
    found = [registry_page(labels, n, per_page=PER_PAGE, generation=generation) for n in pages]
    return [number for _page, rows in found for number in numbers(rows)]


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_from_its_start_holds_the_rows_counted_to(many_ties, sort, monkeypatch):
    ranks = SchemeCatalogue.load().level_ranks()
    generation = data_generation()
    for filters in (
        RegistryFilters(sort=sort),
        RegistryFilters(sort=sort, status="expired", valid_on=date(2019, 6, 1)),
        RegistryFilters(sort=sort, q="t-2019"),  # the few matches are sorted
    ):
        labels = registry_labels(filters, level_ranks=ranks)
        everything = list(labels.values_list("certificate_number", flat=True))
        assert everything, filters
        with monkeypatch.context() as patch:
            patch.setattr(queries, "DEEP_ROWS", -1)  # every page counts as deep
            assert all_pages(labels, generation) == everything, filters
        # the same as stepping over the rows before the page (no generation: no starts)
        assert all_pages(labels, None) == everything, filters


def test_the_starts_say_where_each_page_begins(many_ties):
    labels = registry_labels(RegistryFilters(sort="organisation"))
    starts = page_starts(labels, per_page=PER_PAGE, generation=data_generation())
    assert len(starts) == 8  # 31 labels, 4 a page
    everything = list(labels.values("organisation__legal_name", "organisation_id"))
    for number, ((name, holder), skip) in enumerate(starts):
        first = everything[number * PER_PAGE]
        assert (first["organisation__legal_name"].lower(), first["organisation_id"]) == (
            name,
            holder,
        )
        before = everything[: number * PER_PAGE]
        assert skip == sum(row["organisation_id"] == holder for row in before)


def test_the_starts_are_read_once_per_data_generation(
    many_ties, monkeypatch, django_assert_num_queries, loaded_schemes
):
    monkeypatch.setattr(queries, "DEEP_ROWS", 3)
    labels = registry_labels(RegistryFilters(sort="organisation"))
    generation = data_generation()
    registry_page(labels, 4, per_page=PER_PAGE, generation=generation)  # count, starts, rows
    with django_assert_num_queries(1):  # the rows
        page, rows = registry_page(labels, 5, per_page=PER_PAGE, generation=generation)
    assert page.number == 5 and len(rows) == PER_PAGE
    # A label write bumps the generation: counted and started anew, the new label listed.
    make_label(
        OrganisationFactory(legal_name="Alpha GmbH"),
        "ecei-gold",
        date(2018, 1, 1),
        versions=loaded_schemes,
        number="T-2018-99999",
    )
    generation = labels_changed(Change.ISSUED)
    everything = list(labels.values_list("certificate_number", flat=True))
    # the stored total (none of this generation: no build runs in the test's transaction),
    # the count, the starts, the rows
    with django_assert_num_queries(4):
        page, rows = registry_page(labels, 4, per_page=PER_PAGE, generation=generation)
    assert numbers(rows) == everything[12:16]
    assert "T-2018-99999" in everything[:16]


def test_the_api_pages_deep_in_the_list_alike(many_ties, client, monkeypatch):
    from clusterlabel.labels.api import views as api_views

    monkeypatch.setattr(api_views, "PAGE_SIZE", PER_PAGE)
    monkeypatch.setattr(queries, "DEEP_ROWS", -1)  # every page counts as deep
    url = reverse("api:labels")
    everything = list(
        registry_labels(
            RegistryFilters(sort="organisation"), level_ranks=SchemeCatalogue.load().level_ranks()
        ).values_list("certificate_number", flat=True)
    )
    listed = []
    for number in range(1, 9):
        body = client.get(url, {"sort": "organisation", "page": number}).json()
        listed += [row["certificate_number"] for row in body["results"]]
    assert listed == everything
