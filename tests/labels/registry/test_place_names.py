"""The registry names countries and regions in the page's language, in the rows and in the
filters' options (sorted by name), never as ISO codes ("DE · DE-BW")."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.helpers import attribute, element, elements, parsed, text
from tests.labels.registry.test_registry import make_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(loaded_schemes):
    day = date(2020, 1, 1)
    bavaria = OrganisationFactory(country="DE", region="DE-BY", city="")
    vienna = OrganisationFactory(country="AT", region="AT-9", city="")
    make_label(bavaria, "ecei-bronze", day, versions=loaded_schemes, number="B-1")
    make_label(vienna, "ecei-silver", day, versions=loaded_schemes, number="S-1")
    return {"bavaria": bavaria, "vienna": vienna}


def place_cells(page) -> list[str]:
    body = element(element(page, "table"), "tbody")
    return sorted(text(elements(row, "td")[1]) for row in elements(body, "tr"))


def options(page, name: str) -> list[tuple[str, str]]:
    select = element(page, "select", name=name)
    return [(attribute(o, "value") or "", text(o)) for o in elements(select, "option")]


def test_rows_and_filters_name_places_in_english(english_client, places):
    page = parsed(english_client.get(reverse("labels:registry")))
    assert place_cells(page) == ["Austria · Wien", "Germany · Bavaria"]
    assert options(page, "country")[1:] == [("AT", "Austria"), ("DE", "Germany")]
    assert options(page, "region")[1:] == [("DE-BY", "Bavaria"), ("AT-9", "Wien")]


def test_rows_and_filters_name_places_in_german_sorted_by_name(client, places):
    page = parsed(client.get(reverse("labels:registry")))
    assert place_cells(page) == ["Deutschland · Bayern", "Österreich · Wien"]
    # by name, not by code (AT would come first)
    assert options(page, "country")[1:] == [("DE", "Deutschland"), ("AT", "Österreich")]


def test_the_holder_page_names_the_region(client, places):
    page = parsed(client.get(reverse("labels:holder", args=[places["bavaria"].pk])))
    meta = text(element(page, "p", class_="meta"))
    assert "(Bayern)" in meta
    assert "DE-BY" not in meta


def test_the_count_of_filtered_labels_is_one_sentence_with_its_plural(english_client, places):
    def summary(**params) -> str:
        page = parsed(english_client.get(reverse("labels:registry"), params))
        return text(element(page, "p", role="status"))

    assert summary(country="AT") == "1 label matches these filters"
    assert summary(family="ecei") == "2 labels match these filters"
    assert summary() == "2 labels"
