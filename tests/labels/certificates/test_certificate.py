"""The certificate PDF: its text in German and English, the QR code, and the marks a label
that is not valid today carries."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clusterlabel.core.pdf_text import pdf_text
from clusterlabel.labels import services
from clusterlabel.labels.certificates.pdf import (
    certificate_pdf_bytes,
    certificate_qr,
    certificate_qr_url,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import english_pages
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def german(day):
    return f"{day.day}. {MONTHS_DE[day.month - 1]} {day.year}"


def english_date(day):
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def pdf_of(response) -> PdfReader:
    return PdfReader(BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://labels.example.org"
    return settings.SITE_URL


@pytest.fixture
def label(loaded_schemes, site):
    today = timezone.localdate()
    organisation = OrganisationFactory(
        legal_name="Förderverein Süd-Cluster für Maß und Größe e. V.",
        cluster_name="„Äpfel & <Birnen>“ Netzwerk",
    )
    return make_label(
        scheme_id="ecei-gold",
        organisation=organisation,
        valid_from=today - timedelta(days=100),
        valid_until=today + timedelta(days=600),
        awarded_on=today - timedelta(days=90),
    )


def test_the_german_certificate_states_everything_with_german_dates(client, label):
    response = client.get(reverse("labels:certificate", args=[label.certificate_number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{label.certificate_number}.pdf"'
    )
    reader = pdf_of(response)
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4
    text = text_of(reader)
    assert "Zertifikat" in text
    assert "Förderverein Süd-Cluster für Maß und Größe e. V." in text
    assert "„Äpfel & <Birnen>“ Netzwerk" in text
    assert "ECEI-Label Gold" in text
    assert "Stufe Gold" in text
    assert "Version 2026.2" in text
    assert f"Zertifikatsnummer {label.certificate_number}" in text
    assert f"Gültig ab {german(label.valid_from)}" in text
    assert f"Gültig bis {german(label.valid_until)}" in text
    assert f"Ausstellungsdatum {german(label.awarded_on)}" in text
    assert "Vergebende Stelle European Clusters Labelling Excellence Structure (EUCLES)" in text
    assert certificate_qr_url(label) in text
    assert "Valid until" not in text
    for mark in ("WIDERRUFEN", "AUSGESETZT", "ABGELAUFEN"):
        assert mark not in text
    assert reader.metadata.title == f"Zertifikat {label.certificate_number}"


def test_the_english_certificate_with_lang_parameter(client, label):
    url = reverse("labels:certificate", args=[label.certificate_number])
    text = text_of(pdf_of(client.get(url, {"lang": "en"})))
    assert "Certificate" in text
    assert f"Valid from {english_date(label.valid_from)}" in text
    assert f"Valid until {english_date(label.valid_until)}" in text
    assert f"Date of issue {english_date(label.awarded_on)}" in text
    assert f"Certificate number {label.certificate_number}" in text
    assert "ECEI Gold Label" in text
    assert "Gültig bis" not in text


def test_the_certificate_follows_the_request_language(client, label):
    english_pages(client)
    url = reverse("labels:certificate", args=[label.certificate_number])
    response = client.get(url)
    assert response["Content-Language"] == "en"
    assert f"Valid until {english_date(label.valid_until)}" in text_of(pdf_of(response))
    # An explicit ?lang wins over the request's language; an unknown one falls back to German.
    assert "Gültig bis" in text_of(pdf_of(client.get(url, {"lang": "de"})))
    anonymous_default = text_of(pdf_of(client.__class__().get(url, {"lang": "fr"})))
    assert "Gültig bis" in anonymous_default


def test_the_qr_code_encodes_the_verification_page_and_is_the_embedded_image(client, label):
    expected = f"https://labels.example.org/verify/{label.certificate_number}/"
    assert certificate_qr_url(label) == expected
    assert expected == "https://labels.example.org" + reverse(
        "labels:verify", args=[label.certificate_number]
    )
    response = client.get(reverse("labels:certificate", args=[label.certificate_number]))
    images = pdf_of(response).pages[0].images
    assert len(images) == 1
    # Read the embedded image back module by module and compare it with the QR code of the URL.
    picture = images[0].image.convert("L")
    qr = certificate_qr(label)
    scale, border = 8, 4
    modules = len(qr.matrix)
    assert picture.size == ((modules + 2 * border) * scale,) * 2
    read_back = [
        [
            picture.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2))
            < 128
            for x in range(modules)
        ]
        for y in range(modules)
    ]
    assert read_back == [[bool(module) for module in row] for row in qr.matrix]


def test_a_revoked_label_is_marked_revoked_in_both_languages(client, label):
    authority = UserFactory(role="authority")
    services.label_change_state(
        label=label, actor=authority, new_state="revoked", reason="Falsche Angaben"
    )
    url = reverse("labels:certificate", args=[label.certificate_number])
    response = client.get(url)
    assert response.status_code == 200
    text = text_of(pdf_of(response))
    today = timezone.localdate()
    assert f"Dieses Label wurde am {german(today)} widerrufen und ist nicht mehr gültig." in text
    assert "WIDERRUFEN" in text
    assert "Falsche Angaben" not in text  # the reason is internal
    text_en = text_of(pdf_of(client.get(url, {"lang": "en"})))
    assert f"This label was revoked on {english_date(today)} and is no longer valid." in text_en


def test_a_suspended_label_is_marked_suspended(client, label):
    authority = UserFactory(role="authority")
    services.label_change_state(label=label, actor=authority, new_state="suspended", reason="x")
    text = text_of(
        pdf_of(client.get(reverse("labels:certificate", args=[label.certificate_number])))
    )
    assert "AUSGESETZT" in text
    assert "ausgesetzt und während der Aussetzung nicht gültig" in text


def test_an_expired_label_says_until_when_it_was_valid(loaded_schemes):
    today = timezone.localdate()
    label = make_label(
        scheme_id="bw-cluster-excellence",
        valid_from=today - timedelta(days=800),
        valid_until=today - timedelta(days=70),
    )
    text = text_of(PdfReader(BytesIO(certificate_pdf_bytes(label, language="en"))))
    assert "EXPIRED" in text
    assert f"This label was valid until {english_date(label.valid_until)} and has expired." in text
    # BW: the level carries the scheme's name, so it is not repeated.
    assert "Cluster Excellence Baden-Württemberg \u2013 " not in text
    assert "Ministerium für Wirtschaft, Arbeit und Tourismus Baden-Württemberg" in text


def test_letters_outside_winansi_print_as_written_in_the_embedded_font(loaded_schemes):
    organisation = OrganisationFactory(legal_name="Łódzki Klaster Čistá Energie sp. z o.o.")
    label = make_label(organisation=organisation)
    text = text_of(PdfReader(BytesIO(certificate_pdf_bytes(label))))
    assert "Łódzki Klaster Čistá Energie sp. z o.o." in text
    # The benchmark report, still in Helvetica, reduces what WinAnsi lacks.
    assert pdf_text("Łódź a<b & „ß“") == "Lódz a&lt;b &amp; „ß“"


def test_anyone_may_download_but_unknown_numbers_and_posts_are_refused(client, label):
    url = reverse("labels:certificate", args=[label.certificate_number.lower()])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client.get(reverse("labels:certificate", args=["ECEI-G-1999-99999"])).status_code == 404


def test_long_names_a_renewal_and_a_revocation_still_fit_on_one_page(loaded_schemes):
    organisation = OrganisationFactory(
        legal_name=(
            "Verein zur Förderung der Clusterzusammenarbeit in der Region Nordschwarzwald und "
            "der angrenzenden Landkreise e. V."
        ),
        cluster_name="Cluster für nachhaltige Mobilität, Energie und Produktionstechnik",
    )
    today = timezone.localdate()
    label = make_label(
        scheme_id="bw-cluster-excellence",
        organisation=organisation,
        first_awarded_on=today - timedelta(days=2000),
    )
    label = services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    for language in ("de", "en"):
        reader = PdfReader(BytesIO(certificate_pdf_bytes(label, language=language)))
        assert len(reader.pages) == 1
        text = text_of(reader)
        assert "Nordschwarzwald" in text
        assert ("Erstmals vergeben am" if language == "de" else "First awarded on") in text
