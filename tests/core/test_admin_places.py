"""The back office filters organisations by country and region names, not ISO codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import element, elements, login, parsed, text

pytestmark = pytest.mark.django_db


def filter_choices(page, title: str) -> list[str]:
    (spec,) = [s for s in page.context["cl"].filter_specs if str(s.title) == title]
    return [str(choice["display"]) for choice in spec.choices(page.context["cl"])]


def test_the_organisation_list_filters_by_country_and_region_names(client):
    login(client, UserFactory(role=Role.ADMINISTRATOR))
    OrganisationFactory(country="AT", region="AT-9")
    OrganisationFactory(country="DE", region="DE-MV")
    url = reverse("admin:organisations_organisation_changelist")
    page = client.get(url)
    # German pages, by name: Deutschland before Österreich although AT sorts before DE
    assert filter_choices(page, "Land")[1:] == ["Deutschland", "Österreich"]
    assert filter_choices(page, "Bundesland oder Region")[1:] == ["Mecklenburg-Vorpommern", "Wien"]
    assert page.context["cl"].result_count == 2
    filtered = client.get(url, {"country": "AT"})
    assert [o.country for o in filtered.context["cl"].result_list] == ["AT"]


def test_the_organisation_list_shows_country_and_region_names(client):
    login(client, UserFactory(role=Role.ADMINISTRATOR))
    OrganisationFactory(country="DE", region="DE-MV")
    page = parsed(client.get(reverse("admin:organisations_organisation_changelist")))
    (row,) = elements(element(page, "table", id="result_list"), "tr")[1:]
    cells = [text(cell) for cell in elements(row, "td")]
    assert "Deutschland" in cells and "Mecklenburg-Vorpommern" in cells
    assert "DE" not in cells and "DE-MV" not in cells
