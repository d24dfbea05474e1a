"""Evidence: uploads checked by size and content, downloads only for those who may see the
procedure, and uploads together with the questionnaire that lose nothing typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Evidence, Procedure, SelfAssessmentAnswer
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import PDF, login
from tests.procedures.builders import ProcedureBuilder, excellent_values
from tests.states import StateBuilder, add_required_evidence

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def builder() -> ProcedureBuilder:
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.CONTRACTED)
    return builder


def upload_url(procedure: Procedure) -> str:
    return reverse("procedures:evidence_upload", args=[procedure.pk])


def download_url(evidence: Evidence) -> str:
    return reverse("procedures:evidence_download", args=[evidence.procedure_id, evidence.pk])


def questionnaire_url(procedure: Procedure) -> str:
    return reverse("procedures:self_assessment", args=[procedure.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def post_file(client, procedure, name: str, content: bytes, indicator_id: str = "STR-01", **extra):
    return client.post(
        upload_url(procedure),
        {"indicator_id": indicator_id, "file": SimpleUploadedFile(name, content), **extra},
        follow=True,
    )


def store(builder: ProcedureBuilder, name: str = "Mitgliederliste.pdf", content: bytes = PDF):
    return services.evidence_upload(
        procedure=builder.procedure,
        actor=builder.manager,
        indicator_id="STR-01",
        upload=SimpleUploadedFile(name, content),
    )


# --- uploads --------------------------------------------------------------------------------


def test_a_pdf_is_stored_with_its_name_type_size_and_hash(client, builder):
    login(client, builder.manager, language="en")

    response = post_file(client, builder.procedure, "Mitgliederliste.pdf", PDF)

    assert response.redirect_chain == [
        (questionnaire_url(builder.procedure) + "#indicator-STR-01", 302)
    ]
    evidence = Evidence.objects.get(procedure=builder.procedure)
    assert evidence.indicator_id == "STR-01"
    assert evidence.original_name == "Mitgliederliste.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert evidence.uploaded_by == builder.manager
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF
    assert "Mitgliederliste" not in evidence.file.name  # stored under a name of our own
    event = AuditEvent.objects.get(procedure_id=builder.procedure.pk, action="evidence.upload")
    assert event.after["file"] == "Mitgliederliste.pdf"
    assert event.after["size"] == len(PDF)
    assert messages_of(response) == ["“Mitgliederliste.pdf” was uploaded as evidence for STR-01."]
    # The questionnaire lists it with a download link.
    html = response.content.decode()
    assert f'<a href="{download_url(evidence)}">Mitgliederliste.pdf</a>' in html


def test_an_exe_is_refused_with_the_reason(client, builder):
    login(client, builder.manager, language="en")

    response = post_file(client, builder.procedure, "setup.exe", b"MZ\x90\x00" + b"\x00" * 60)

    assert Evidence.objects.count() == 0
    [message] = messages_of(response)
    assert message.startswith(
        "“setup.exe” was not uploaded: Files of type “.exe” are not accepted."
    )
    assert ".pdf" in message


def test_a_text_file_named_pdf_is_refused(client, builder):
    login(client, builder.manager, language="en")

    response = post_file(client, builder.procedure, "Bericht.pdf", b"Das ist kein PDF.\n")

    assert Evidence.objects.count() == 0
    assert messages_of(response) == [
        "“Bericht.pdf” was not uploaded: The file's content is not a .pdf file. "
        "Please upload the original document."
    ]


@override_settings(EVIDENCE_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_limit_is_refused(client, builder):
    login(client, builder.manager, language="en")

    response = post_file(client, builder.procedure, "Gross.pdf", PDF + b"0" * 2048)

    assert Evidence.objects.count() == 0
    [message] = messages_of(response)
    assert "evidence files may be at most 1.0\xa0KB" in message
    assert message.startswith("“Gross.pdf” was not uploaded: The file is 2.1\xa0KB")


def test_an_empty_file_is_refused(client, builder):
    login(client, builder.manager, language="en")

    response = post_file(client, builder.procedure, "leer.pdf", b"")

    assert Evidence.objects.count() == 0
    assert messages_of(response) == ["“leer.pdf” was not uploaded: The file is empty."]


def test_other_allowed_types_are_accepted(client, builder):
    login(client, builder.manager, language="en")
    post_file(client, builder.procedure, "Foto.PNG", PNG, indicator_id="ACT-02")
    post_file(client, builder.procedure, "Liste.csv", "Name;Typ\nMüller GmbH;KMU\n".encode())

    stored = {e.original_name: e.content_type for e in Evidence.objects.all()}
    assert stored == {"Foto.PNG": "image/png", "Liste.csv": "text/csv"}


def test_no_file_or_an_unknown_indicator(client, builder):
    login(client, builder.manager, language="en")

    response = client.post(upload_url(builder.procedure), {"indicator_id": "STR-01"}, follow=True)
    assert messages_of(response) == ["Choose a file to upload."]

    response = client.post(
        upload_url(builder.procedure),
        {"indicator_id": "XYZ-99", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 400
    assert Evidence.objects.count() == 0


def test_upload_is_post_only(client, builder):
    login(client, builder.manager, language="en")
    assert client.get(upload_url(builder.procedure)).status_code == 405


def test_upload_returns_to_a_safe_next_page_only(client, builder):
    login(client, builder.manager, language="en")
    detail = reverse("procedures:detail", args=[builder.procedure.pk])
    response = client.post(
        upload_url(builder.procedure),
        {"indicator_id": "STR-01", "file": SimpleUploadedFile("a.pdf", PDF), "next": detail},
    )
    assert response["Location"] == detail
    response = client.post(
        upload_url(builder.procedure),
        {
            "indicator_id": "STR-01",
            "file": SimpleUploadedFile("b.pdf", PDF),
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == questionnaire_url(builder.procedure) + "#indicator-STR-01"


def test_the_secretariat_cannot_upload(client, builder):
    login(client, builder.secretariat, language="en")
    response = client.post(
        upload_url(builder.procedure),
        {"indicator_id": "STR-01", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403
    assert Evidence.objects.count() == 0


def test_another_organisations_manager_cannot_upload(client, builder):
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    login(client, stranger, language="en")
    response = client.post(
        upload_url(builder.procedure),
        {"indicator_id": "STR-01", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 404
    assert Evidence.objects.count() == 0


def test_no_upload_after_the_self_assessment_is_submitted(client, builder):
    services.self_assessment_save(
        procedure=builder.procedure, actor=builder.manager, values=excellent_values(builder.scheme)
    )
    required = len(add_required_evidence(builder.procedure, by=builder.manager))
    services.procedure_transition(
        procedure=builder.procedure,
        actor=builder.manager,
        action=flow.Action.SUBMIT_SELF_ASSESSMENT,
    )
    login(client, builder.manager, language="en")

    response = post_file(client, builder.procedure, "spaet.pdf", PDF)

    assert Evidence.objects.count() == required
    assert messages_of(response) == [
        "The self-assessment has been submitted and can no longer be changed."
    ]


# --- uploads with the questionnaire ---------------------------------------------------------


def test_save_draft_stores_answers_and_selected_files_together(client, builder):
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(builder.procedure),
        {
            "number_language": "en",
            "value-STR-01": "85",
            "evidence-STR-01": SimpleUploadedFile("Mitglieder.pdf", PDF),
            "evidence-ACT-02": SimpleUploadedFile("Veranstaltungen.png", PNG),
            "focus": "STR-01",
        },
        follow=True,
    )

    assert response.redirect_chain == [
        (questionnaire_url(builder.procedure) + "#indicator-STR-01", 302)
    ]
    assert messages_of(response) == ["Draft saved: 1 answer changed. 2 files uploaded."]
    answer = SelfAssessmentAnswer.objects.get(procedure=builder.procedure)
    assert (answer.indicator_id, answer.value) == ("STR-01", "85")
    stored = {e.indicator_id: e.original_name for e in Evidence.objects.all()}
    assert stored == {"STR-01": "Mitglieder.pdf", "ACT-02": "Veranstaltungen.png"}


def test_a_bad_file_keeps_everything_typed_saves_no_answer_and_keeps_the_good_file(client, builder):
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(builder.procedure),
        {
            "number_language": "en",
            "value-STR-01": "85",
            "comment-STR-01": "Stand Januar",
            "evidence-STR-01": SimpleUploadedFile("Mitglieder.pdf", PDF),
            "evidence-STR-03": SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="indicator-STR-03"')
    part = html[start : html.index("</article>", start)]
    assert "Files of type “.exe” are not accepted." in part
    assert 'value="85"' in html
    assert "Stand Januar</textarea>" in html
    # The acceptable file is stored all the same, and the summary says so.
    assert "The file you chose was uploaded all the same" in html
    assert SelfAssessmentAnswer.objects.count() == 0
    assert [(e.indicator_id, e.original_name) for e in Evidence.objects.all()] == [
        ("STR-01", "Mitglieder.pdf")
    ]


def test_an_invalid_value_saves_no_answer_and_keeps_the_file(client, builder):
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(builder.procedure),
        {
            "number_language": "en",
            "value-STR-02": "150",
            "evidence-STR-01": SimpleUploadedFile("Mitglieder.pdf", PDF),
        },
    )

    assert response.status_code == 200
    assert "A percentage lies between 0 and 100." in response.content.decode()
    assert [e.original_name for e in Evidence.objects.all()] == ["Mitglieder.pdf"]
    assert SelfAssessmentAnswer.objects.count() == 0


# --- downloads ------------------------------------------------------------------------------


def test_the_manager_downloads_the_original_bytes_as_an_attachment(client, builder):
    evidence = store(builder, name="Prüfbericht 2024.pdf")
    login(client, builder.manager, language="en")

    response = client.get(download_url(evidence))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Pr%C3%BCfbericht%202024.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_secretariat_and_the_assigned_assessors_download(client):
    builder = StateBuilder()
    builder.advance_to(ProcedureState.CONTRACTED)
    evidence = store(builder)
    builder.advance_to(ProcedureState.ASSESSORS_ASSIGNED)
    for user in (builder.secretariat, *builder.assessors):
        client.force_login(user)
        response = client.get(download_url(evidence))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF


def test_strangers_get_404(client, builder):
    evidence = store(builder)
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    for user in (stranger, UserFactory(role=Role.ASSESSOR), UserFactory(role=Role.BOARD_MEMBER)):
        client.force_login(user)
        assert client.get(download_url(evidence)).status_code == 404


def test_evidence_of_another_procedure_is_404_even_through_ones_own(client, builder):
    """The evidence id must belong to the procedure in the URL, which the user may see."""
    theirs = store(builder)
    own = StateBuilder()
    client.force_login(own.manager)

    url = reverse("procedures:evidence_download", args=[own.procedure.pk, theirs.pk])

    assert client.get(url).status_code == 404
    assert client.get(download_url(theirs)).status_code == 404


def test_a_missing_file_is_404(client, builder):
    evidence = store(builder)
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(builder.manager)
    assert client.get(download_url(evidence)).status_code == 404


def test_anonymous_download_goes_to_the_login(client, builder):
    evidence = store(builder)
    response = client.get(download_url(evidence))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_read_only_page_links_the_evidence(client, builder):
    evidence = store(builder, name="Liste <neu>.pdf")
    login(client, builder.secretariat, language="en")
    html = client.get(questionnaire_url(builder.procedure)).content.decode()
    assert f'<a href="{download_url(evidence)}">{escape("Liste <neu>.pdf")}</a>' in html


def test_a_save_of_files_only_says_the_files_were_uploaded(client, builder):
    login(client, builder.manager, language="en")
    response = client.post(
        questionnaire_url(builder.procedure),
        {
            "number_language": "en",
            "evidence-STR-01": SimpleUploadedFile("Mitglieder.pdf", PDF),
            "evidence-ACT-02": SimpleUploadedFile("Veranstaltungen.png", PNG),
        },
        follow=True,
    )
    assert messages_of(response) == ["2 files uploaded; no answer changed."]
