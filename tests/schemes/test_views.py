"""The public scheme catalogue pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers import english_pages

pytestmark = pytest.mark.django_db


def test_scheme_list_shows_every_current_scheme_with_counts(
    client, loaded_schemes, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(reverse("schemes:list"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Cluster-Exzellenz Baden-Württemberg", "Gold", "Silber", "Bronze"):
        assert name in html
    assert '<td class="num">34</td>' in html
    assert '<td class="num">31</td>' in html


def test_bw_detail_shows_catalogue_rules_and_fee_with_vat_and_subsidy(client, loaded_schemes):
    version = loaded_schemes["bw-cluster-excellence"]
    response = client.get(reverse("schemes:detail", args=[version.scheme_id, version.version]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "4.975,00 EUR" in html  # net, German number format
    assert "945,25 EUR" in html  # 19 % VAT
    assert "5.920,25 EUR" in html  # gross
    assert "2.487,50 EUR" in html  # ministry's 50 % subsidy
    assert "2.960,13 EUR" in html  # what the organisation pays, gross
    assert "Mindestens 80 % der maximalen Punktzahl." in html
    assert html.count('class="indicator-id"') == 34


def test_detail_in_english(client, loaded_schemes):
    version = loaded_schemes["ecei-gold"]
    english_pages(client)
    html = client.get(
        reverse("schemes:detail", args=[version.scheme_id, version.version])
    ).content.decode()
    assert "At least 80 % of the maximum points." in html
    assert "8,250.00 EUR" in html
    assert "2 external assessors" in html
    assert "one national, one foreign" in html


def test_unknown_scheme_version_is_404(client, loaded_schemes):
    response = client.get(reverse("schemes:detail", args=["ecei-gold", "1999.1"]))
    assert response.status_code == 404
