"""Junk in ``?lang=`` of the badge and the certificate (a line break, a long or unknown value):
the default language, never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.labels.certificates.test_badge import svg_texts
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

JUNK = ["en\n", "\nen", "de\r\nX-Injected: 1", "x" * 500, "🙂", "en\x00"]


@pytest.fixture
def label(loaded_schemes):
    today = timezone.localdate()
    return make_label(
        scheme_id="ecei-gold",
        organisation=OrganisationFactory(cluster_name="Nordcluster"),
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=700),
    )


@pytest.mark.parametrize("junk", JUNK)
def test_the_badge_falls_back_to_a_language_it_knows(client, label, junk):
    response = client.get(reverse("labels:badge", args=[label.certificate_number]), {"lang": junk})
    assert response.status_code == 200
    assert "\n" not in response["ETag"] and "X-Injected" not in response["ETag"]
    texts = [line for line, _fill in svg_texts(response.content)]
    expected_start = "valid until" if junk.startswith("en") else "gültig bis"
    assert texts[3].startswith(expected_start)


def test_the_badge_of_an_unknown_language_shares_the_default_languages_etag(client, label):
    url = reverse("labels:badge", args=[label.certificate_number])
    default = client.get(url)
    junk = client.get(url, {"lang": "\nxx"})
    assert junk["ETag"] == default["ETag"]


@pytest.mark.parametrize("junk", JUNK)
def test_the_certificate_falls_back_to_a_language_it_knows(client, label, junk):
    response = client.get(
        reverse("labels:certificate", args=[label.certificate_number]), {"lang": junk}
    )
    assert response.status_code == 200
    assert response["Content-Language"] in {"de", "en"}
