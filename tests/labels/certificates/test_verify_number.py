"""Checking a paper certificate by its number: /verify/ takes the number (``?number=``) and
leads to the label's page; an unknown number gets the page back, 404, with the number as typed
and an error in the visitor's language. The registry search finds a label by its number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.domain.labels import looks_like_certificate_number
from clusterlabel.labels.registry.queries import RegistryFilters, registry_labels
from tests.factories import OrganisationFactory
from tests.helpers import element, english_pages, input_value, text
from tests.labels.label_factories import make_label

URL = reverse("labels:verify_form")


@pytest.mark.parametrize(
    ("query", "number_like"),
    [
        ("ECEI-G-2024-00001", True),
        (" ecei-g-2024-00001 ", True),
        ("ecei-g-2024", True),
        ("ECEI-G-2024-", True),
        ("CLX-17", True),
        ("ECEI-G", False),  # no digit: could be a name
        ("Bulk-", False),
        ("photonik cluster 1233", False),
        ("Cluster 2024", False),
        ("", False),
    ],
)
def test_what_looks_like_a_certificate_number(query, number_like):
    assert looks_like_certificate_number(query) is number_like


@pytest.fixture
def label(db, loaded_schemes):
    return make_label(
        scheme_id="ecei-gold",
        organisation=OrganisationFactory(legal_name="Θεσσαλία Cluster", cluster_name="Θεσσαλία"),
    )


def test_a_typed_number_leads_to_its_label(client, label):
    typed = f"  {label.certificate_number.lower()} "
    response = client.get(URL, {"number": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("labels:verify", args=[label.certificate_number])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Θεσσαλία Cluster" in text(page)


def test_an_unknown_number_says_so_and_keeps_what_was_typed(client, label):
    english_pages(client)
    response = client.get(URL, {"number": "ECEI-G-1999-99999"})
    assert response.status_code == 404
    assert input_value(response, "number") == "ECEI-G-1999-99999"
    summary = text(element(response, "div", id="number-error-summary"))
    assert "No label has the certificate number “ECEI-G-1999-99999”" in summary


def test_an_unknown_number_is_reported_in_german_by_default(client, label):
    response = client.get(URL, {"number": "XY-1"})
    assert response.status_code == 404
    assert input_value(response, "number") == "XY-1"
    # The page is German (the site's default); the typed number is in the message.
    assert response["Content-Language"] == "de"
    assert "XY-1" in text(element(response, "div", id="number-error-summary"))


def test_an_empty_number_asks_for_one(client, label):
    english_pages(client)
    response = client.get(URL, {"number": "  "})
    assert response.status_code == 400
    assert "Please type a certificate number." in text(
        element(response, "div", id="number-error-summary")
    )


def test_the_check_page_offers_the_number_field(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert input_value(response, "number") in (None, "")
    assert element(response, "input", name="number") is not None


def test_the_registry_finds_a_label_by_its_number(client, label):
    other = make_label(scheme_id="ecei-gold", organisation=OrganisationFactory())
    number = label.certificate_number
    exact = registry_labels(RegistryFilters(q=number.lower()))
    assert list(exact.values_list("certificate_number", flat=True)) == [number]
    start = number.rsplit("-", 1)[0]  # ECEI-G-2025: both labels of the year
    found = set(
        registry_labels(RegistryFilters(q=start)).values_list("certificate_number", flat=True)
    )
    assert {number, other.certificate_number} <= found
    page = client.get(reverse("labels:registry"), {"q": f" {number.lower()} "})
    assert page.status_code == 200
    assert [row.certificate_number for row in page.context["rows"]] == [number]


def test_a_number_lookup_reads_one_row_by_the_unique_index(
    client, label, django_assert_num_queries
):
    url = reverse("labels:verify_form")
    with django_assert_num_queries(1):
        response = client.get(url, {"number": label.certificate_number})
    assert response.status_code == 302
    with django_assert_num_queries(1):
        response = client.get(url, {"number": "ECEI-G-1999-99999"})
    assert response.status_code == 404
