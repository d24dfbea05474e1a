"""A page in the back half of the registry is read from the list's end in the reversed order
(a short offset); every page still holds exactly the rows of the full list at its place."""

from __future__ import annotations

import pytest

from clusterlabel.labels.registry.filters import SORT_FIELDS
from clusterlabel.labels.registry.queries import (
    RegistryFilters,
    SchemeCatalogue,
    registry_labels,
    registry_page,
)

from .test_registry import bulk_labels

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", [*SORT_FIELDS, *(f"-{key}" for key in SORT_FIELDS)])
def test_the_pages_hold_the_full_lists_rows_in_its_order(loaded_schemes, sort):
    bulk_labels(47, versions=loaded_schemes)  # 24 organisations, ties on every sort key
    ranks = SchemeCatalogue.load().level_ranks()  # as the page orders levels
    labels = registry_labels(RegistryFilters(sort=sort), level_ranks=ranks)
    expected = list(labels.values_list("certificate_number", flat=True))
    pages = []
    for number in range(1, 6):  # 10, 10, 10, 10, 7 rows: pages 3 to 5 are read from the end
        page, rows = registry_page(labels, number, per_page=10)
        assert page.number == number
        pages.append([row["certificate_number"] for row in rows])
    assert [len(rows) for rows in pages] == [10, 10, 10, 10, 7]
    assert [number for rows in pages for number in rows] == expected
