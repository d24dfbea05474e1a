"""The authority's decision letter (Bescheid): what it states for an award and a refusal, its
language, the links to it (procedure page, decision e-mail), and who may download it."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from clusterlabel.labels.certificates.decision_letter import (
    decision_letter_language,
    decision_letter_pdf_bytes,
    has_decision_letter,
)
from clusterlabel.labels.models import Label
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.notifications import notify_step
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import elements, hrefs, login
from tests.states import REFUSAL_REASON, StateBuilder

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def awarded():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    organisation = builder.organisation
    organisation.legal_name = "Θεσσαλία Cluster e. V."
    organisation.cluster_name = "Θεσσαλία Cluster e.V."
    organisation.save()
    return builder


def test_an_award_letter_names_the_decision_the_labels_and_the_reasons(awarded):
    procedure = awarded.refresh()
    labels = {label.scheme_id: label for label in Label.objects.filter(procedure=procedure)}
    text = text_of(decision_letter_pdf_bytes(procedure, language="en"))
    assert "Decision" in text
    assert procedure.reference in text
    assert "Θεσσαλία Cluster e. V." in text
    assert text.count("Θεσσαλία Cluster") == 2  # the address once (names match) and the award
    assert "The awarding authority awards Θεσσαλία Cluster e. V." in text
    for label in labels.values():
        assert label.certificate_number in text
    assert "recognised with the above" in text  # the ECEI Gold the state label includes
    assert "Reasons" in text
    expected_reason = procedure.decision_reason or "met the requirements of the level applied"
    assert " ".join(expected_reason.split()) in text


def test_the_letter_is_in_the_organisations_language(awarded):
    procedure = awarded.refresh()
    awarded.manager.preferred_language = "en"
    awarded.manager.save()
    assert decision_letter_language(procedure) == "en"
    assert decision_letter_language(procedure, "de") == "de"
    german = text_of(decision_letter_pdf_bytes(procedure, language="de"))
    assert "Bescheid" in german and "Begründung" in german
    assert "Zertifikatsnummer" in german


def test_a_refusal_letter_gives_the_reason_and_names_no_label():
    builder = StateBuilder(scheme_id="ecei-bronze", award=False).at(ProcedureState.REFUSED)
    procedure = builder.refresh()
    assert has_decision_letter(procedure)
    text = text_of(decision_letter_pdf_bytes(procedure, language="de"))
    assert "lehnt die Vergabe" in text
    assert REFUSAL_REASON in text
    assert "Zertifikatsnummer" not in text


def test_an_undecided_procedure_has_no_letter(client):
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWAITING_DECISION)
    procedure = builder.refresh()
    assert not has_decision_letter(procedure)
    with pytest.raises(ValueError):
        decision_letter_pdf_bytes(procedure)
    login(client, builder.manager)
    url = reverse("labels:decision_letter", args=[procedure.pk])
    assert client.get(url).status_code == 404


def test_those_who_may_see_the_procedure_download_it_from_its_page(client, awarded):
    procedure = awarded.refresh()
    url = reverse("labels:decision_letter", args=[procedure.pk])
    login(client, awarded.manager, language="en")
    page = client.get(reverse("procedures:detail", args=[procedure.pk]))
    assert url in hrefs(page)
    assert elements(page, "a", class_="decision-letter-link")
    for user in (awarded.manager, awarded.secretariat, awarded.authority):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert procedure.reference in text_of(response.content)


def test_others_may_not_download_the_letter(client, awarded):
    """Break-in: an outsider, another organisation's manager and a visitor get nothing."""
    procedure = awarded.refresh()
    url = reverse("labels:decision_letter", args=[procedure.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert b"%PDF" not in client.get(url, follow=True).content
    other_manager = UserFactory(role="cluster_manager")
    OrganisationFactory(managers=[other_manager])
    for intruder in (other_manager, UserFactory(role="assessor"), UserFactory()):
        login(client, intruder)
        response = client.get(url)
        assert response.status_code == 404, intruder
        assert b"%PDF" not in response.content


def test_the_decision_e_mail_links_the_letter(awarded, settings):
    settings.SITE_URL = "https://labels.example.org"
    procedure = awarded.refresh()
    mail.outbox.clear()
    assert notify_step(procedure_id=procedure.pk, action="award") > 0
    url = "https://labels.example.org" + reverse("labels:decision_letter", args=[procedure.pk])
    assert all(url in message.body for message in mail.outbox)


def test_the_decision_e_mail_carries_the_letter_to_the_organisation_only(awarded):
    procedure = awarded.refresh()
    manager = procedure.organisation.managers.get()
    manager.preferred_language = "en"
    manager.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    notify_step(procedure_id=procedure.pk, action="award")
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    others = [m for m in mail.outbox if m.to != [manager.email]]
    assert len(to_manager) == 1 and others  # the secretariat is told too
    (filename, content, mimetype), *rest = to_manager[0].attachments
    assert rest == []
    assert filename == f"{procedure.reference}-decision.pdf"
    assert mimetype == "application/pdf"
    text = text_of(content)
    assert "Decision" in text and procedure.reference in text  # in the manager's language
    assert all(message.attachments == [] for message in others)


def test_a_refusal_e_mail_carries_the_refusal_letter():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.REFUSED)
    procedure = builder.refresh()
    manager = procedure.organisation.managers.get()
    mail.outbox.clear()
    notify_step(procedure_id=procedure.pk, action="refuse")
    (message,) = [m for m in mail.outbox if m.to == [manager.email]]
    (_filename, content, _mimetype) = message.attachments[0]
    assert " ".join(REFUSAL_REASON.split()) in text_of(content)


def test_a_step_before_the_decision_attaches_nothing():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.BOARD_REVIEW)
    procedure = builder.refresh()
    mail.outbox.clear()
    notify_step(procedure_id=procedure.pk, action="submit_report")
    assert mail.outbox and all(message.attachments == [] for message in mail.outbox)
