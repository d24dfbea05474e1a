"""A failed save of the self-assessment: the error summary at the top (above the progress and
its table of contents), focused and linking to each field; the files chosen for it are not
lost; a file too large or of the wrong type is refused with the reason."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.html import Element
from django.urls import reverse

from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Evidence, SelfAssessmentAnswer
from tests.helpers import PDF, attribute, element, elements, hrefs, input_value, login, parsed, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def builder() -> StateBuilder:
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.CONTRACTED)
    return builder


def url(builder: StateBuilder) -> str:
    return reverse("procedures:self_assessment", args=[builder.procedure.pk])


def save(client, builder: StateBuilder, **data) -> Element:
    response = client.post(url(builder), {"number_language": "en", **data})
    assert response.status_code == 200
    return parsed(response)


def summary(page: Element) -> Element:
    return element(page, data_error_summary=True)


def article(page: Element, indicator_id: str) -> Element:
    return element(page, "article", id=f"indicator-{indicator_id}")


def test_the_summary_comes_before_the_table_of_contents_and_takes_the_focus(client, builder):
    login(client, builder.manager, language="en")

    page = save(client, builder, **{"value-STR-03": "viele"})

    box = summary(page)
    everything = elements(page)
    contents = element(page, "section", class_="sa-status")
    assert everything.index(box) < everything.index(contents)
    assert attribute(box, "role") == "alert"
    assert attribute(box, "tabindex") == "-1"
    assert attribute(box, "id") == "sa-errors"
    # the script that focuses it is ours, loaded from the static files
    scripts = [attribute(s, "src") for s in elements(page, "script")]
    assert any(src and src.endswith("clusterlabel/error-summary.js") for src in scripts)


def test_each_summary_link_leads_to_a_field_on_the_page(client, builder):
    login(client, builder.manager, language="en")

    page = save(
        client,
        builder,
        **{
            "value-STR-03": "viele",
            "comment-STR-05": "x" * 4001,
            "evidence-STR-07": SimpleUploadedFile("setup.exe", b"MZ\x90\x00"),
        },
    )

    links = hrefs(summary(page))
    assert links == ["#id_value-STR-03", "#id_comment-STR-05", "#id_evidence-STR-07"]
    for link in links:
        field = element(page, id=link[1:])
        assert attribute(field, "aria-invalid") == "true"
        assert f"{link[1:]}_error" in (attribute(field, "aria-describedby") or "").split()
        assert element(page, id=f"{link[1:]}_error")  # what the field points at exists
    assert "STR-07" in text(summary(page))
    assert "Files of type “.exe” are not accepted." in text(summary(page))


def test_the_save_and_upload_button_of_an_indicator_also_lands_on_the_summary(client, builder):
    login(client, builder.manager, language="en")

    response = client.post(
        url(builder),
        {"number_language": "en", "value-STR-03": "viele", "focus": "STR-09"},
    )

    assert response.status_code == 200  # shown again, not sent away to the indicator
    assert hrefs(summary(parsed(response))) == ["#id_value-STR-03"]


def test_a_good_file_of_a_failed_save_is_kept_and_named(client, builder):
    login(client, builder.manager, language="en")

    page = save(
        client,
        builder,
        **{
            "value-STR-01": "85",
            "value-STR-03": "viele",
            "evidence-STR-01": SimpleUploadedFile("Mitglieder.pdf", PDF),
            "evidence-STR-04": SimpleUploadedFile("Satzung.pdf", PDF),
        },
    )

    assert sorted(e.original_name for e in Evidence.objects.all()) == [
        "Mitglieder.pdf",
        "Satzung.pdf",
    ]
    assert SelfAssessmentAnswer.objects.count() == 0  # the answers are all or nothing
    box = summary(page)
    assert "Your answers were not saved." in text(box)
    assert (
        "The 2 files you chose were uploaded all the same, so you need not choose them again: "
        "Mitglieder.pdf (STR-01), Satzung.pdf (STR-04)." in text(box)
    )
    # listed under its indicator like any uploaded file, and what was typed is still there
    assert "Mitglieder.pdf" in text(element(article(page, "STR-01"), "div", class_="sa-evidence"))
    assert input_value(article(page, "STR-01"), "value-STR-01") == "85"
    assert input_value(article(page, "STR-03"), "value-STR-03") == "viele"


@override_settings(EVIDENCE_MAX_UPLOAD_BYTES=1024, FILE_UPLOAD_MAX_BYTES=1024)
def test_a_file_too_large_is_refused_with_its_size_and_the_limit(client, builder):
    login(client, builder.manager, language="en")

    page = save(
        client,
        builder,
        **{
            "value-STR-01": "85",
            "evidence-STR-01": SimpleUploadedFile("Gross.pdf", PDF + b"0" * 200_000),
        },
    )

    errors = text(element(page, id="id_evidence-STR-01_error"))
    assert "The file is 195.4 KB; evidence files may be at most 1.0 KB." in errors
    assert Evidence.objects.count() == 0
    assert SelfAssessmentAnswer.objects.count() == 0
    assert input_value(article(page, "STR-01"), "value-STR-01") == "85"
    assert "Nothing was saved." in text(summary(page))


def test_a_file_of_the_wrong_type_is_refused_with_the_types_allowed(client, builder):
    login(client, builder.manager, language="en")

    page = save(client, builder, **{"evidence-STR-02": SimpleUploadedFile("bild.gif", b"GIF89a")})

    errors = text(element(page, id="id_evidence-STR-02_error"))
    assert "Files of type “.gif” are not accepted. Allowed:" in errors
    assert ".pdf" in errors
    assert Evidence.objects.count() == 0


def test_a_field_without_errors_is_described_by_its_help_text_only(client, builder):
    login(client, builder.manager, language="en")

    page = parsed(client.get(url(builder)))

    field = element(page, "input", name="value-STR-03")
    assert attribute(field, "aria-describedby") == "id_value-STR-03_helptext"
    assert element(page, id="id_value-STR-03_helptext")
    assert not elements(page, data_error_summary=True)
