"""The certificate prints every name as written (an embedded Unicode font), names each name
once, names the labels recognised from the same procedure, takes its wording from the
translation catalogue, and carries the operator's logo and signature block when configured."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from clusterlabel.labels.certificates.badge import MESSAGES as BADGE_MESSAGES
from clusterlabel.labels.certificates.decision_letter import MESSAGES as LETTER_MESSAGES
from clusterlabel.labels.certificates.pdf import (
    MESSAGES,
    catalogue_wording,
    certificate_pdf_bytes,
    certificate_wording,
    printed_names,
)
from tests.factories import OrganisationFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fonts_of(data: bytes) -> set[str]:
    """The base font names the page uses, and whether each is embedded (``name+embedded``)."""
    reader = PdfReader(BytesIO(data))
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add(f"{font['/BaseFont']}{'+embedded' if embedded else ''}")
    return found


@pytest.mark.parametrize(
    "name",
    [
        "Θεσσαλία Cluster",
        "Кластер Пловдив",
        "Łódzki Klaster Włókienniczy",
        "Ağaç İşleme Kümelenmesi Doğu",
    ],
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_name_prints_as_written(loaded_schemes, name, language):
    label = make_label(organisation=OrganisationFactory(legal_name=name, cluster_name="X"))
    data = certificate_pdf_bytes(label, language=language)
    text = text_of(data)
    assert name in text
    assert "?" not in text.replace("?lang", "")
    # Only the embedded font: no built-in Helvetica left that could print "?" or boxes.
    fonts = fonts_of(data)
    assert fonts and all(font.endswith("+embedded") for font in fonts), fonts


@pytest.mark.parametrize(
    ("legal", "cluster", "printed"),
    [
        ("Θεσσαλία Cluster", "Θεσσαλία Cluster", ["Θεσσαλία Cluster"]),
        ("Optence e.V.", "OPTENCE e. V.", ["Optence e.V."]),
        ("BioRegio Stern", "bioregio-stern", ["BioRegio Stern"]),
        ("Optence e.V.", "Optence", ["Optence e.V.", "Optence"]),
        ("Optence e.V.", "", ["Optence e.V."]),
    ],
)
def test_the_cluster_name_is_printed_only_when_it_differs(loaded_schemes, legal, cluster, printed):
    label = make_label(organisation=OrganisationFactory(legal_name=legal, cluster_name=cluster))
    assert printed_names(label) == printed
    text = text_of(certificate_pdf_bytes(label, language="en"))
    assert text.count(legal) == 1


def test_the_state_label_names_the_ecei_gold_it_includes_and_vice_versa(loaded_schemes):
    organisation = OrganisationFactory(legal_name="Θεσσαλία Cluster", cluster_name="Thessaly")
    state = make_label(scheme_id="bw-cluster-excellence", organisation=organisation)
    gold = make_label(scheme_id="ecei-gold", organisation=organisation, recognised_with=state)
    state_text = text_of(certificate_pdf_bytes(state, language="en"))
    included = f"Includes ECEI Gold Label, certificate number {gold.certificate_number}"
    assert included in state_text
    gold_text = text_of(certificate_pdf_bytes(gold, language="de"))
    assert "Anerkannt mit" in gold_text
    assert state.certificate_number in gold_text


def test_the_wording_comes_from_the_catalogue_with_named_placeholders():
    english = certificate_wording("en")
    assert english["title"] == "Certificate"
    assert english["text_revoked"] % {"date": "1 May 2026"} == (
        "This label was revoked on 1 May 2026 and is no longer valid."
    )
    german = certificate_wording("de")
    assert german["title"] == "Zertifikat"
    assert german["intro"] == "Hiermit wird bestätigt, dass"
    assert "%(date)s" in german["text_revoked"]


@pytest.mark.parametrize(
    ("messages", "same_in_both"),
    [(MESSAGES, {"recognised_label"}), (LETTER_MESSAGES, {"dated"}), (BADGE_MESSAGES, set())],
    ids=["certificate", "decision letter", "badge"],
)
def test_the_german_catalogue_has_every_message_of_a_formal_document(messages, same_in_both):
    """A certificate or decision letter never comes out half translated: each of its messages
    has its German in the catalogue (only a bare placeholder may read the same)."""
    english = catalogue_wording(messages, "en")
    german = catalogue_wording(messages, "de")
    untranslated = [k for k in messages if german[k] == english[k] and k not in same_in_both]
    assert untranslated == []


def test_the_operator_logo_and_signature_block_are_printed_when_configured(
    loaded_schemes, settings, tmp_path
):
    label = make_label(organisation=OrganisationFactory(legal_name="Cluster Nord"))
    plain = certificate_pdf_bytes(label, language="en")
    assert "Dr. Ζωή Muster" not in text_of(plain)
    images_plain = sum(len(page.images) for page in PdfReader(BytesIO(plain)).pages)

    logo = tmp_path / "logo.png"
    PILImage.new("RGB", (300, 100), "navy").save(logo)
    operator = label.scheme.operator.key
    settings.CERTIFICATE_OPERATORS = {
        operator: {
            "logo": str(logo),
            "signatory": "Dr. Ζωή Muster",
            "signatory_role": {"de": "Vorsitzende", "en": "Chair"},
        }
    }
    branded = certificate_pdf_bytes(label, language="en")
    text = text_of(branded)
    assert "Dr. Ζωή Muster" in text
    assert "Chair" in text
    reader = PdfReader(BytesIO(branded))
    assert len(reader.pages) == 1
    assert sum(len(page.images) for page in reader.pages) == images_plain + 1
    assert "Vorsitzende" in text_of(certificate_pdf_bytes(label, language="de"))
