"""The embeddable badge: its text and colour per status, well-formed and escaped SVG, the
headers that let other sites embed it, and the embed snippet on the verification page."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.domain.labels import LabelStatus
from clusterlabel.labels import services
from clusterlabel.labels.certificates.badge import STATUS_COLOURS, badge_embed_snippet, build_badge
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(content: bytes | str) -> list[tuple[str, str]]:
    """(text, fill) of every text line of the badge, parsed as XML."""
    root = ET.fromstring(content)
    assert root.tag == f"{SVG}svg"
    return [(element.text, element.get("fill")) for element in root.iter(f"{SVG}text")]


@pytest.fixture
def label(loaded_schemes, settings):
    settings.SITE_URL = "https://labels.example.org"
    today = timezone.localdate()
    return make_label(
        scheme_id="ecei-gold",
        organisation=OrganisationFactory(cluster_name="Health Cluster Rhein-Neckar"),
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=700),
    )


def test_a_valid_badge_shows_scheme_level_cluster_date_and_number_in_green(client, label):
    response = client.get(reverse("labels:badge", args=[label.certificate_number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]  # revalidated on every view
    assert response["ETag"]
    assert response["Access-Control-Allow-Origin"] == "*"
    until = label.valid_until
    assert svg_texts(response.content) == [
        ("ECEI", "#555555"),
        ("Gold", "#1a1a1a"),
        ("Health Cluster Rhein-Neckar", "#1a1a1a"),
        (f"gültig bis {until.day:02d}.{until.month:02d}.{until.year}", "#1b6e3a"),
        (f"Nr. {label.certificate_number}", "#555555"),
    ]
    assert STATUS_COLOURS[LabelStatus.VALID] == "#1b6e3a"
    root = ET.fromstring(response.content)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("ECEI · Gold · Health Cluster Rhein-Neckar")
    # Self-contained: nothing is loaded from anywhere.
    assert b"href" not in response.content
    assert b"<script" not in response.content


def test_the_badge_in_english(client, label):
    response = client.get(reverse("labels:badge", args=[label.certificate_number]), {"lang": "en"})
    texts = [text for text, _fill in svg_texts(response.content)]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    until = label.valid_until
    assert f"valid until {until.day} {months[until.month - 1]} {until.year}" in texts
    assert f"No. {label.certificate_number}" in texts


def test_a_revoked_badge_says_so_in_red_and_never_shows_valid(client, label):
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    url = reverse("labels:badge", args=[label.certificate_number])
    response = client.get(url)
    texts = svg_texts(response.content)
    assert ("WIDERRUFEN", "#b3261e") in texts
    assert not any(text.startswith("gültig") for text, _fill in texts)
    assert STATUS_COLOURS[LabelStatus.VALID].encode() not in response.content
    assert b'stroke="#b3261e"' in response.content
    assert ("REVOKED", "#b3261e") in svg_texts(client.get(url, {"lang": "en"}).content)


def test_suspended_and_expired_badges(loaded_schemes):
    today = timezone.localdate()
    expired = make_label(valid_from=today - timedelta(days=800), valid_until=today - timedelta(1))
    assert ("ABGELAUFEN", "#8a5300") in svg_texts(build_badge(expired).svg)
    suspended = make_label()
    suspended = services.label_change_state(
        label=suspended, actor=UserFactory(role="secretariat"), new_state="suspended", reason="x"
    )
    badge = build_badge(suspended, language="en")
    assert badge.status == LabelStatus.SUSPENDED
    assert ("SUSPENDED", "#b3261e") in svg_texts(badge.svg)


def test_every_text_is_escaped(client, loaded_schemes):
    name = 'Cluster <script>alert("x")</script> & "Co" <&>'
    label = make_label(organisation=OrganisationFactory(cluster_name=name))
    response = client.get(reverse("labels:badge", args=[label.certificate_number]))
    texts = [text for text, _fill in svg_texts(response.content)]  # parses: well-formed XML
    assert name in texts
    assert b"<script" not in response.content
    assert b"&lt;&amp;&gt;" in response.content
    root = ET.fromstring(response.content)
    assert name in root.find(f"{SVG}title").text
    assert name in root.get("aria-label")


def test_a_long_level_name_widens_the_badge(loaded_schemes):
    bw = build_badge(make_label(scheme_id="bw-cluster-excellence"))
    gold = build_badge(make_label(scheme_id="ecei-gold"))
    assert ("Cluster-Exzellenz Baden-Württemberg", "#1a1a1a") in svg_texts(bw.svg)
    assert bw.width > gold.width >= 230
    assert ET.fromstring(bw.svg).get("width") == str(bw.width)


def test_an_unknown_number_is_404(client, loaded_schemes):
    assert client.get(reverse("labels:badge", args=["NOPE-1"])).status_code == 404


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = dict(attrs)


def test_the_verification_page_offers_the_embed_snippet_and_the_pdf(
    client, loaded_schemes, settings
):
    settings.SITE_URL = "https://labels.example.org"
    label = make_label(organisation=OrganisationFactory(cluster_name='Bio "Nord" & <Süd>'))
    page = client.get(reverse("labels:verify", args=[label.certificate_number])).content.decode()
    assert f'href="{reverse("labels:certificate", args=[label.certificate_number])}"' in page
    assert f'src="{reverse("labels:badge", args=[label.certificate_number])}"' in page
    match = re.search(r'<textarea id="badge-snippet" readonly[^>]*>(.*?)</textarea>', page, re.S)
    assert match, page
    snippet = html.unescape(match.group(1))
    assert snippet == badge_embed_snippet(label, language="de")
    parser = _Attributes()
    parser.feed(snippet)
    site = "https://labels.example.org"
    number = label.certificate_number
    assert parser.tags["a"]["href"] == f"{site}/verify/{number}/"
    assert parser.tags["img"]["src"] == f"{site}/labels/{number}/badge.svg?lang=de"
    assert parser.tags["img"]["alt"] == (
        f'ECEI-Label Gold, Bio "Nord" & <Süd>, Zertifikat {number}: aktuellen Status prüfen'
    )
    assert parser.tags["img"]["width"] == str(build_badge(label).width)


def test_a_revocation_changes_the_badge_etag_so_cached_badges_are_replaced(client, label):
    url = reverse("labels:badge", args=[label.certificate_number])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
