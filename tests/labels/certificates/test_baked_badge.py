"""The credential names its badge image (OB 3.0 ``achievement.image``), and the badge SVG can be
baked with the signed credential (``<openbadges:credential verify="...">``): the baked token is
the label's credential and verifies."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterlabel.credentials.baking import NAMESPACE, bake_svg, unbake_svg
from clusterlabel.credentials.vcjwt import Verdict
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.certificates.credentials import label_credential
from tests.credentials.test_official_schema import official_validator
from tests.factories import OrganisationFactory
from tests.helpers import element, english_pages, hrefs, text
from tests.labels.label_factories import make_label

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n  <title>x</title>\n</svg>\n'
)
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def test_baking_puts_the_token_right_after_the_svg_tag_in_the_ob3_namespace():
    baked = bake_svg(SVG, TOKEN)
    root = ET.fromstring(baked)
    first = root[0]
    assert first.tag == f"{{{NAMESPACE}}}credential"
    assert first.get("verify") == TOKEN
    assert root.find("{http://www.w3.org/2000/svg}title") is not None  # the picture is kept
    assert unbake_svg(baked) == TOKEN
    assert unbake_svg(SVG) is None


def test_baking_again_replaces_the_credential():
    other = "aaa.bbb.ccc"
    twice = bake_svg(bake_svg(SVG, TOKEN), other)
    assert twice.count("<openbadges:credential") == 1
    assert twice.count("xmlns:openbadges=") == 1
    assert unbake_svg(twice) == other


@pytest.mark.parametrize("token", ['a.b.c" onload="x', "not a token", "a.b", '{"id": 1}'])
def test_only_a_compact_jws_is_baked(token):
    with pytest.raises(ValueError):
        bake_svg(SVG, token)


@pytest.fixture
def label(db, loaded_schemes, settings):
    settings.SITE_URL = "https://labels.example.org"
    return make_label(
        scheme_id="ecei-gold",
        organisation=OrganisationFactory(legal_name="Θεσσαλία Cluster", cluster_name="<Θ & Co>"),
    )


def test_the_credential_names_the_badge_image(label):
    achievement = label_credential(label)["credentialSubject"]["achievement"]
    expected = "https://labels.example.org" + reverse(
        "labels:badge", args=[label.certificate_number]
    )
    assert achievement["image"]["type"] == "Image"
    assert achievement["image"]["id"] == f"{expected}?lang=en"


def test_the_baked_badge_carries_the_labels_credential_and_it_verifies(client, label):
    response = client.get(reverse("labels:badge_baked", args=[label.certificate_number.lower()]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    ET.fromstring(svg)  # well-formed, the cluster's name escaped
    token = unbake_svg(svg)
    assert token is not None
    report = credentials.verify_token(token)
    assert report.verdict is Verdict.VALID, report.problems
    subject = report.credential["credentialSubject"]
    assert label.certificate_number in str(subject)


def test_the_verification_page_offers_the_baked_badge(client, label):
    page = client.get(reverse("labels:verify", args=[label.certificate_number]))
    url = reverse("labels:badge_baked", args=[label.certificate_number])
    assert url in hrefs(page)


def test_a_baked_badge_uploaded_to_the_credential_check_verifies(client, label):
    english_pages(client)
    baked = client.get(reverse("labels:badge_baked", args=[label.certificate_number])).content
    upload = SimpleUploadedFile("badge.svg", baked, content_type="image/svg+xml")
    page = client.post(reverse("labels:verify_form"), {"file": upload})
    assert page.status_code == 200
    assert element(page, "div", class_="verdict-valid") is not None
    plain = SimpleUploadedFile("plain.svg", SVG.encode(), content_type="image/svg+xml")
    page = client.post(reverse("labels:verify_form"), {"file": plain})
    assert "The badge “plain.svg” has no credential baked in." in text(page)


def test_the_credential_with_its_image_validates_against_the_official_schema(label):
    credential = label_credential(label)
    assert "image" in credential["credentialSubject"]["achievement"]
    assert [e.message for e in official_validator().iter_errors(credential)] == []
