"""A search for (the start of) a certificate number lists the labels whose numbers start with
it, in the chosen order, whether the registry sorts the few matches itself
(``matches_sorted``) or, for a start that many numbers share, walks the order's index."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from clusterlabel.labels.registry import queries
from clusterlabel.labels.registry.filters import SORT_FIELDS, SchemeCatalogue
from clusterlabel.labels.registry.queries import (
    RegistryFilters,
    few_numbers_start_with,
    registry_labels,
    registry_page,
)
from tests.factories import OrganisationFactory
from tests.labels.registry.test_registry import make_label

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SORTS = [*SORT_FIELDS, *(f"-{key}" for key in SORT_FIELDS)]


@pytest.fixture
def numbered(loaded_schemes) -> None:
    """Gold labels of 2019 and 2020 and one Bronze of 2019, of three holders (one not
    confirmed), in every state; two share an end day, so the number breaks the tie."""
    versions = loaded_schemes
    alpha = OrganisationFactory(legal_name="Alpha e. V.")
    beta = OrganisationFactory(legal_name="beta GmbH", country="FR", region="FR-ARA")
    hidden = OrganisationFactory(legal_name="Aaa e. V.", confirmed_at=None)
    suspended_at = datetime.combine(date(2020, 2, 1), time.min, tzinfo=BERLIN)
    rows = [
        (alpha, "ecei-gold", date(2019, 3, 1), "ECEI-G-2019-00003", "active", None),
        (beta, "ecei-gold", date(2019, 3, 1), "ECEI-G-2019-00001", "active", None),
        (alpha, "ecei-gold", date(2019, 7, 1), "ECEI-G-2019-00002", "suspended", suspended_at),
        (beta, "ecei-gold", date(2019, 1, 1), "ECEI-G-2019-00010", "revoked", suspended_at),
        (alpha, "ecei-gold", date(2019, 2, 1), "ECEI-G-2019-00011", "superseded", None),
        (hidden, "ecei-gold", date(2019, 5, 1), "ECEI-G-2019-00004", "active", None),
        (beta, "ecei-gold", date(2020, 1, 1), "ECEI-G-2020-00001", "active", None),
        (alpha, "ecei-bronze", date(2019, 4, 1), "ECEI-B-2019-00001", "active", None),
    ]
    for holder, scheme_id, valid_from, number, state, changed_at in rows:
        make_label(
            holder,
            scheme_id,
            valid_from,
            versions=versions,
            state=state,
            changed_at=changed_at,
            number=number,
        )


def listed(**filters) -> list[str]:
    ranks = SchemeCatalogue.load().level_ranks()
    labels = registry_labels(RegistryFilters(**filters), level_ranks=ranks)
    return list(labels.values_list("certificate_number", flat=True))


@pytest.mark.parametrize("sort", SORTS)
def test_the_few_matches_are_sorted_as_the_walk_lists_them(numbered, sort, monkeypatch):
    for query in ("ecei-g-2019", "ECEI-G-2019-0000", "ecei-g-20", "ECEI-G-2020-00001"):
        assert few_numbers_start_with(query.upper())
        sorted_here = listed(q=query, sort=sort)
        with monkeypatch.context() as patch:
            patch.setattr(queries, "NUMBER_MATCHES_SORTED", 0)  # every start is a broad one
            assert not few_numbers_start_with(query.upper())
            walked = listed(q=query, sort=sort)
        assert sorted_here == walked, (query, sort)


def test_a_number_search_lists_exactly_the_public_numbers_with_that_start(numbered):
    assert listed(q="ecei-g-2019") == [
        # latest end first, the number breaking the tie of the two of 2019-03-01
        "ECEI-G-2019-00002",
        "ECEI-G-2019-00001",
        "ECEI-G-2019-00003",
        "ECEI-G-2019-00011",
        "ECEI-G-2019-00010",
    ]
    assert listed(q="ECEI-G-2019", status="suspended") == ["ECEI-G-2019-00002"]
    assert listed(q="ECEI-G-2019", status="valid") == []
    assert listed(q="ecei-g-2019", country="FR") == ["ECEI-G-2019-00001", "ECEI-G-2019-00010"]
    assert listed(q="ECEI-G-2019-00004") == []  # its holder is not confirmed
    assert listed(q="ecei-b-2019-00001") == ["ECEI-B-2019-00001"]
    assert listed(q="ECEI-X-1") == []


def test_a_page_of_sorted_matches_read_from_either_end(numbered):
    # The back half of the list is read in the reversed order (``registry_page``): the
    # ordering that sorts the matches reverses with the rest.
    labels = registry_labels(RegistryFilters(q="ecei-g"))
    everything = list(labels.values_list("certificate_number", flat=True))
    pages = [registry_page(labels, number, per_page=2)[1] for number in (1, 2, 3)]
    assert [row["certificate_number"] for rows in pages for row in rows] == everything


def test_counting_the_matches_stops_after_enough_of_them(numbered, monkeypatch):
    monkeypatch.setattr(queries, "NUMBER_MATCHES_SORTED", 5)
    assert few_numbers_start_with("ECEI-G-2019-0000")  # 00001 to 00004: four
    assert not few_numbers_start_with("ECEI-G-20")  # seven
    assert few_numbers_start_with("ECEI-Z")
