"""The organisation's VAT identification number, which decides the reverse charge on its fees:
typed as printed, stored in one spelling, and refused when it cannot be one of the seat's
country."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.organisations.models import Organisation
from tests.factories import UserFactory
from tests.helpers import element, elements, login, text
from tests.organisations.conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(loaded_schemes):
    return UserFactory(role=Role.SECRETARIAT)


def field_errors(page: str, name: str) -> list[str]:
    return [
        text(error)
        for box in elements(page, id=f"id_{name}_error")
        for error in elements(box, "p", class_="field-error")
    ]


def english_form(**changes: object) -> dict[str, object]:
    """The profile form's data in English number format (the pages are asked for in English)."""
    return form_data(cluster_name="Taxed", staff_fte="3.5", annual_budget="850000.00", **changes)


@pytest.mark.parametrize(
    ("country", "region", "typed", "stored"),
    [
        ("AT", "AT-7", "atu 123.456-78", "ATU12345678"),
        ("GR", "", "EL 123456789", "EL123456789"),
        ("DE", "DE-BW", "", ""),
        ("CH", "", "CHE123456789", "CHE123456789"),  # outside the EU: its own format
    ],
)
def test_a_vat_id_is_stored_without_spaces_in_capitals(
    client, secretariat, country, region, typed, stored
):
    login(client, secretariat, language="en")
    client.post(
        reverse("organisations:create"),
        english_form(country=country, region=region, vat_id=typed),
    )
    assert Organisation.objects.get(cluster_name="Taxed").vat_id == stored


@pytest.mark.parametrize(
    ("country", "region", "typed", "error"),
    [
        (
            "AT",
            "AT-7",
            "DE123456789",
            "A VAT ID of an organisation seated in AT starts with AT.",
        ),
        (
            "GR",
            "",
            "GR123456789",
            "A VAT ID of an organisation seated in GR starts with EL.",
        ),
        (
            "DE",
            "DE-BW",
            "123456789",
            "Write the VAT ID with its country prefix and without spaces, e.g. ATU12345678.",
        ),
    ],
)
def test_a_vat_id_that_cannot_be_the_seats_is_refused(
    client, secretariat, country, region, typed, error
):
    login(client, secretariat, language="en")
    response = client.post(
        reverse("organisations:create"),
        english_form(country=country, region=region, vat_id=typed),
    )
    assert field_errors(response.content.decode(), "vat_id") == [error]
    assert not Organisation.objects.filter(cluster_name="Taxed").exists()


def test_the_profile_form_asks_for_the_vat_id_with_the_seat(client, secretariat):
    login(client, secretariat, language="en")
    page = client.get(reverse("organisations:create"))
    field = element(page, "input", name="vat_id")
    assert field is not None
    assert "reverse charge" in text(page)
