"""The public scheme catalogue pages."""

from __future__ import annotations

import pytest
from django.test.html import Element
from django.urls import reverse

from tests.helpers import element, elements, english_pages, parsed, text

pytestmark = pytest.mark.django_db


def rows(table: Element) -> list[list[str]]:
    """The table's body rows, each as the text of its cells (the row heading first)."""
    body = element(table, "tbody")
    return [
        [text(cell) for cell in row.children if isinstance(cell, Element)]
        for row in elements(body, "tr")
    ]


def section(page: Element, heading_id: str) -> Element:
    return element(page, "section", aria_labelledby=heading_id)


def described(part: Element) -> dict[str, str]:
    """The terms of a description list and what is said about each."""
    terms = [text(term) for term in elements(part, "dt")]
    return dict(zip(terms, (text(d) for d in elements(part, "dd")), strict=True))


def test_scheme_list_shows_every_current_scheme_with_counts(
    client, loaded_schemes, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(reverse("schemes:list"))
    assert response.status_code == 200
    # Scheme → its levels and its number of indicators.
    schemes = {row[0]: (row[1], row[3]) for row in rows(element(response, "table"))}
    assert schemes["Cluster-Exzellenz Baden-Württemberg"] == (
        "Cluster-Exzellenz Baden-Württemberg",
        "34",
    )
    assert schemes["ECEI-Label Gold"] == ("Gold", "31")
    assert schemes["ECEI-Label Silber"][0] == "Silber"
    assert schemes["ECEI-Label Bronze"][0] == "Bronze"


def test_bw_detail_shows_catalogue_rules_and_fee_with_vat_and_subsidy(client, loaded_schemes):
    version = loaded_schemes["bw-cluster-excellence"]
    response = client.get(reverse("schemes:detail", args=[version.scheme_id, version.version]))
    assert response.status_code == 200
    page = parsed(response)
    first_assessment = rows(element(section(page, "fees-heading"), "table"))[0]
    net, vat, gross, subsidy, payable = first_assessment[1:]
    assert net == "4.975,00 EUR"  # German number format
    assert vat == "945,25 EUR"  # 19 %
    assert gross == "5.920,25 EUR"
    assert subsidy.startswith("2.960,13 EUR (Ministerium")  # the ministry's 50 % of the gross
    assert payable == "2.960,12 EUR"  # what the organisation pays: the rest of the gross
    rules = [text(rule) for rule in elements(section(page, "levels-heading"), "li")]
    assert "Mindestens 80 % der maximalen Punktzahl." in rules
    assert len(elements(page, "span", class_="indicator-id")) == 34


def test_detail_in_english(client, loaded_schemes):
    version = loaded_schemes["ecei-gold"]
    english_pages(client)
    page = parsed(client.get(reverse("schemes:detail", args=[version.scheme_id, version.version])))
    rules = [text(rule) for rule in elements(section(page, "levels-heading"), "li")]
    assert "At least 80 % of the maximum points." in rules
    assert rows(element(section(page, "fees-heading"), "table"))[0][1] == "8,250.00 EUR"
    facts = described(section(page, "rules-heading"))
    assert facts["Assessment"] == (
        "2 external assessors (one national, one foreign) · recommendation by: Cluster "
        "excellence group (quorum 3)"
    )
    assert facts["Validity"] == "24 months from the day of the assessment"
    assert facts["Assessment days"] == "first assessment: 2 days, renewal: one day"
    assert facts["Renewal"] == (
        "A renewal assessment up to 12 months after expiry extends the label seamlessly by 24 "
        "months from the previous end of validity."
    )


def test_bronze_shows_one_assessment_day_and_no_board(client, loaded_schemes):
    version = loaded_schemes["ecei-bronze"]
    english_pages(client)
    page = parsed(client.get(reverse("schemes:detail", args=[version.scheme_id, version.version])))
    facts = described(section(page, "rules-heading"))
    assert facts["Assessment"] == "1 external assessor"
    assert facts["Assessment days"] == "one day"
    assert "36 months from the previous end" in facts["Renewal"]


def test_unknown_scheme_version_is_404(client, loaded_schemes):
    response = client.get(reverse("schemes:detail", args=["ecei-gold", "1999.1"]))
    assert response.status_code == 404


def test_silver_names_the_programme_that_pays_its_members_fee(client, loaded_schemes):
    version = loaded_schemes["ecei-silver"]
    english_pages(client)
    page = parsed(client.get(reverse("schemes:detail", args=[version.scheme_id, version.version])))
    fees = section(page, "fees-heading")
    assert [text(note) for note in elements(fees, "li", class_="programme-subsidy")] == [
        "For members of go-cluster, Bundesministerium für Wirtschaft und Energie pays 100 % of "
        "the gross fee."
    ]
    assert "reverse charge" in text(fees)
