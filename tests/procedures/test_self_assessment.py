"""The self-assessment questionnaire: generated from the scheme version, drafts, validation,
who may edit and who may only read, progress and the due date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.html import Element
from django.urls import reverse
from django.utils import formats, timezone, translation
from pytest_django.asserts import assertContains

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Evidence, Procedure, SelfAssessmentAnswer
from clusterlabel.procedures.selectors import procedure_deadline
from clusterlabel.procedures.self_assessment_forms import parse_decimal
from clusterlabel.schemes.services import scheme_version_load
from tests.domain.factories import scheme_data, to_yaml
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import (
    PDF,
    attribute,
    element,
    elements,
    hrefs,
    input_value,
    login,
    parsed,
    text,
)
from tests.procedures.builders import ProcedureBuilder, excellent_values
from tests.states import StateBuilder, add_required_evidence

pytestmark = pytest.mark.django_db


def questionnaire_url(procedure: Procedure) -> str:
    return reverse("procedures:self_assessment", args=[procedure.pk])


def article(page: Element, indicator_id: str) -> Element:
    """The part of the page about one indicator."""
    return element(page, "article", id=f"indicator-{indicator_id}")


def facts(part: Element) -> dict[str, str]:
    """An indicator's terms and what they say: the scheme's facts (excellence value, points,
    ...) and, on a read-only page, the answer (value, comment)."""
    return {
        text(term): text(description)
        for term, description in zip(elements(part, "dt"), elements(part, "dd"), strict=True)
    }


def field_errors(part: Element) -> list[str]:
    return [text(error) for error in elements(part, "p", class_="field-error")]


def selected(part: Element, name: str) -> list[str | None]:
    """The values of the chosen options (or checked radios) of the field ``name``."""
    options = elements(element(part, "select", name=name), "option", selected=True)
    return [attribute(option, "value") for option in options]


def checked(part: Element, name: str) -> list[str | None]:
    return [attribute(radio, "value") for radio in elements(part, "input", name=name, checked=True)]


def progress(page: Element) -> tuple[str, str | None, str | None]:
    """What the progress label says, and the bar's value and maximum."""
    bar = element(page, "progress", id="sa-progress")
    label = element(page, "label", for_="sa-progress")
    return text(label), attribute(bar, "value"), attribute(bar, "max")


def words(string: str) -> str:
    return " ".join(string.split())


def stored_answers(procedure: Procedure) -> dict[str, object]:
    return {
        a.indicator_id: a.value
        for a in SelfAssessmentAnswer.objects.filter(procedure=procedure).order_by("indicator_id")
    }


def saves(procedure: Procedure) -> int:
    return AuditEvent.objects.filter(
        procedure_id=procedure.pk, action="self_assessment.save"
    ).count()


@pytest.fixture
def builder() -> ProcedureBuilder:
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.CONTRACTED)
    return builder


# --- the questionnaire ----------------------------------------------------------------------


def test_questionnaire_lists_every_indicator_with_help_excellence_value_and_inputs(client, builder):
    procedure, scheme = builder.procedure, builder.scheme
    login(client, builder.manager, language="en")

    response = client.get(questionnaire_url(procedure))
    page = parsed(response)

    assert len(scheme.indicators) == 34
    assert len(elements(page, "article", class_="sa-indicator")) == 34
    for indicator in scheme.indicators:
        part = article(page, indicator.id)
        assert text(element(part, "h3")).startswith(f"{indicator.id} {words(indicator.name.en)}")
        assert words(indicator.help.en) in text(element(part, "details", class_="sa-help"))
        assert elements(part, name=f"value-{indicator.id}")
        assert element(part, "textarea", name=f"comment-{indicator.id}")
        assert element(part, "input", type="file", name=f"evidence-{indicator.id}")
        assert facts(part)["Points"] == str(indicator.points)
    for category in scheme.categories:
        heading = element(page, "h2", id=f"category-{category.id}")
        assert text(heading).startswith(words(category.name.en))
    # The excellence value, with its unit, and the localised range of the input.
    assert facts(article(page, "STR-01"))["Excellence value"] == "≥ 80 participants"
    assert "From 0 to 100,000." in text(element(page, id="id_value-STR-01_helptext"))
    assert facts(article(page, "STR-11"))["Excellence value"] == "≥ 300,000 EUR"
    assert facts(article(page, "STR-02"))["Excellence value"] == "≥ 60 %"
    assert "A percentage from 0 to 100." in text(element(page, id="id_value-STR-02_helptext"))
    pro_01 = scheme.indicator("PRO-01")
    formal = next(c for c in pro_01.choices if c.id == "formal")
    assert facts(article(page, "PRO-01"))["Excellence value"] == words(formal.name.en)
    options = elements(article(page, "PRO-01"), "option")
    assert [(attribute(option, "value"), text(option)) for option in options] == [
        ("", "— not answered —"),
        *((choice.id, words(choice.name.en)) for choice in pro_01.choices),
    ]
    assert selected(article(page, "PRO-01"), "value-PRO-01") == [""]
    # The minimum-criterion marker only where the scheme says so.
    marker = element(article(page, "STR-04"), "span", class_="sa-minimum")
    assert text(marker) == "minimum criterion"
    assert not elements(article(page, "STR-01"), class_="sa-minimum")
    # The help text is visible without a click.
    assert element(article(page, "STR-01"), "details", class_="sa-help", open=True)
    # Number inputs take a decimal comma: text inputs with a decimal keyboard.
    number = element(article(page, "STR-01"), "input", name="value-STR-01")
    assert (attribute(number, "type"), attribute(number, "inputmode")) == ("text", "decimal")
    assert attribute(number, "data-max") == "100000"
    upload = element(article(page, "STR-01"), "input", type="file")
    accepted = (attribute(upload, "accept") or "").split(",")
    assert accepted[:9] == [
        ".csv",
        ".docx",
        ".jpeg",
        ".jpg",
        ".ods",
        ".odt",
        ".pdf",
        ".png",
        ".pptx",
    ]
    assert ".txt" in accepted
    assert "application/pdf" in accepted
    # Progress and the way to submit.
    assert progress(page) == ("0 of 34 answered", "0", "34")
    detail = reverse("procedures:detail", args=[procedure.pk])
    assertContains(
        response,
        '<p class="sa-next">When every indicator is answered, submit the self-assessment on the '
        f'<a href="{detail}">procedure page</a>.</p>',
        html=True,
    )
    assert element(page, "form", enctype="multipart/form-data")


def test_save_draft_stores_decimal_strings_comments_and_an_audit_event(client, builder):
    procedure = builder.procedure
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(procedure),
        {
            "number_language": "en",
            "value-STR-01": "85",
            "value-STR-02": "62.50",
            "value-PRO-01": "formal",
            "comment-STR-01": "Mitgliederliste vom 1. Januar",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == questionnaire_url(procedure)
    assert stored_answers(procedure) == {"PRO-01": "formal", "STR-01": "85", "STR-02": "62.5"}
    comment = SelfAssessmentAnswer.objects.get(procedure=procedure, indicator_id="STR-01")
    assert comment.comment == "Mitgliederliste vom 1. Januar"
    assert comment.updated_by == builder.manager
    event = AuditEvent.objects.get(procedure_id=procedure.pk, action="self_assessment.save")
    assert event.actor == builder.manager
    assert event.before == {"STR-01": None, "STR-02": None, "PRO-01": None}
    assert event.after == {"STR-01": "85", "STR-02": "62.5", "PRO-01": "formal"}

    page = parsed(client.get(questionnaire_url(procedure)))
    assert "Draft saved: 3 answers changed." in text(page)
    assert progress(page) == ("3 of 34 answered", "3", "34")
    # The saved values come back into the inputs.
    assert input_value(article(page, "STR-01"), "value-STR-01") == "85"
    assert input_value(article(page, "STR-02"), "value-STR-02") == "62.5"
    assert selected(article(page, "PRO-01"), "value-PRO-01") == ["formal"]
    comment = element(article(page, "STR-01"), "textarea", name="comment-STR-01")
    assert text(comment) == "Mitgliederliste vom 1. Januar"


def test_german_decimal_comma_and_thousands_separator_are_accepted(client, builder):
    procedure = builder.procedure
    login(client, builder.manager)

    page = parsed(client.get(questionnaire_url(procedure)))
    assert element(page, "input", type="hidden", name="number_language", value="de")

    response = client.post(
        questionnaire_url(procedure),
        {
            "number_language": "de",
            "value-STR-07": "3,5",
            "value-STR-02": "62,5 %",
            "value-STR-11": "1.250.000",
            "value-ACT-03": "1.500",
            "value-STG-02": "50,0",
        },
    )

    assert response.status_code == 302
    assert stored_answers(procedure) == {
        "ACT-03": "1500",
        "STG-02": "50",
        "STR-02": "62.5",
        "STR-07": "3.5",
        "STR-11": "1250000",
    }
    page = parsed(client.get(questionnaire_url(procedure)))
    assert input_value(article(page, "STR-07"), "value-STR-07") == "3,5"
    assert input_value(article(page, "STR-11"), "value-STR-11") == "1250000"


def test_english_form_reads_english_numbers_and_a_lone_decimal_comma(client, builder):
    procedure = builder.procedure
    login(client, builder.manager, language="en")

    client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "value-STR-07": "3,5", "value-ACT-03": "1,500"},
    )

    assert stored_answers(procedure) == {"ACT-03": "1500", "STR-07": "3.5"}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("12,5", "de", "12.5"),
        ("12.5", "de", "12.5"),  # a German user typing a dot means a decimal here
        ("1.500", "de", "1500"),
        ("1.500,25", "de", "1500.25"),
        ("0.125", "de", "0.125"),
        ("-3,0", "de", "-3"),
        ("12.5", "en", "12.5"),
        ("1,500", "en", "1500"),
        ("1,500.25", "en", "1500.25"),
        ("12,5", "en", "12.5"),
        (" 80 % ", "en", "80"),
        ("1 000 000", "de", "1000000"),
    ],
)
def test_parse_decimal_reads_numbers_as_people_write_them(text, language, expected):
    assert str(parse_decimal(text, language)) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("viele", "de"),
        ("1,2,3", "de"),
        ("1.50.0", "de"),
        ("1e5", "en"),
        ("", "en"),
        ("NaN", "en"),
        ("Infinity", "en"),
        ("\u0663", "en"),  # ARABIC-INDIC DIGIT THREE
        ("1" * 41, "en"),
    ],
)
def test_parse_decimal_refuses_what_is_not_a_number(text, language):
    with pytest.raises(ValueError):
        parse_decimal(text, language)


def test_invalid_values_redisplay_everything_typed_with_an_error_at_each_and_save_nothing(
    client, builder
):
    procedure = builder.procedure
    services.self_assessment_save(
        procedure=procedure, actor=builder.manager, values={"STR-01": Decimal("80")}
    )
    audit_before = saves(procedure)
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(procedure),
        {
            "number_language": "en",
            "initial-value-STR-01": "80",
            "value-STR-01": "90",
            "value-STR-03": "viele",
            "value-STR-02": "120",
            "value-STR-04": "5",
            "value-PRO-01": "perfect",
            "comment-STR-05": "Unsere Liste <vollständig>",
            "value-STR-06": "12",
        },
    )

    assert response.status_code == 200
    page = parsed(response)
    summary = element(page, id="sa-errors")
    assert attribute(summary, "role") == "alert"
    assert "Nothing was saved." in text(summary)
    # Every typed value is still there.
    for indicator_id, typed in (
        ("STR-01", "90"),
        ("STR-03", "viele"),
        ("STR-02", "120"),
        ("STR-04", "5"),
        ("STR-06", "12"),
    ):
        assert input_value(article(page, indicator_id), f"value-{indicator_id}") == typed
    comment = element(article(page, "STR-05"), "textarea", name="comment-STR-05")
    assert text(comment) == "Unsere Liste <vollständig>"
    # A specific error next to each bad field, and none next to the good ones.
    assert field_errors(article(page, "STR-03")) == ["Enter a number, for example 12.5."]
    assert field_errors(article(page, "STR-02")) == ["A percentage lies between 0 and 100."]
    assert field_errors(article(page, "STR-04")) == ["Enter a value of at most 4."]
    assert field_errors(article(page, "PRO-01")) == [
        "Select a valid choice. perfect is not one of the available choices."
    ]
    number = element(article(page, "STR-03"), "input", name="value-STR-03")
    assert attribute(number, "aria-invalid") == "true"
    assert field_errors(article(page, "STR-01")) == []
    assert field_errors(article(page, "STR-06")) == []
    # The summary links to the field of each bad indicator, and to no other.
    assert sorted(hrefs(summary)) == [
        f"#id_value-{indicator_id}" for indicator_id in ("PRO-01", "STR-02", "STR-03", "STR-04")
    ]
    # Nothing changed.
    assert stored_answers(procedure) == {"STR-01": "80"}
    assert saves(procedure) == audit_before


def test_a_save_sends_only_what_this_user_changed(client, builder):
    """Two managers filling in different indicators at once do not overwrite each other."""
    procedure = builder.procedure
    colleague = UserFactory(role=Role.CLUSTER_MANAGER)
    builder.organisation.managers.add(colleague, through_defaults={"role": "cluster_manager"})
    login(client, builder.manager, language="en")
    # The page is loaded with STR-02 empty; meanwhile the colleague answers it.
    services.self_assessment_save(
        procedure=procedure, actor=colleague, values={"STR-02": Decimal("70")}
    )

    client.post(
        questionnaire_url(procedure),
        {
            "number_language": "en",
            "initial-value-STR-01": "",
            "value-STR-01": "80",
            "initial-value-STR-02": "",
            "value-STR-02": "",
            "initial-comment-STR-02": "",
            "comment-STR-02": "",
        },
    )

    assert stored_answers(procedure) == {"STR-01": "80", "STR-02": "70"}


def test_a_post_without_the_pages_hidden_values_compares_with_what_is_stored(client, builder):
    """Posted fields are the wanted state, fields not posted stay as they are, and a form
    re-displayed after an error still remembers what was stored (not what was typed)."""
    procedure = builder.procedure
    services.self_assessment_save(
        procedure=procedure,
        actor=builder.manager,
        values={"STR-01": Decimal("80"), "STR-02": Decimal("60"), "STR-03": Decimal("10")},
    )
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "value-STR-01": "90", "value-STR-04": "9"},
    )
    assert response.status_code == 200
    part = article(parsed(response), "STR-01")
    assert input_value(part, "initial-value-STR-01") == "80"
    assert input_value(part, "value-STR-01") == "90"

    client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "value-STR-01": "90", "value-STR-02": ""},
    )
    assert stored_answers(procedure) == {"STR-01": "90", "STR-02": None, "STR-03": "10"}


def test_emptying_a_field_makes_the_indicator_unanswered(client, builder):
    procedure = builder.procedure
    services.self_assessment_save(
        procedure=procedure,
        actor=builder.manager,
        values={"STR-01": Decimal("80"), "STR-02": Decimal("60")},
    )
    login(client, builder.manager, language="en")

    response = client.post(
        questionnaire_url(procedure),
        {
            "number_language": "en",
            "initial-value-STR-01": "80",
            "value-STR-01": "",
            "initial-value-STR-02": "60",
            "value-STR-02": "60",
        },
        follow=True,
    )

    assert stored_answers(procedure) == {"STR-01": None, "STR-02": "60"}
    assert "Draft saved: 1 answer changed." in text(response)
    event = AuditEvent.objects.filter(action="self_assessment.save").latest("sequence")
    assert (event.before, event.after) == ({"STR-01": "80"}, {"STR-01": None})


def test_save_and_upload_button_returns_to_the_indicator(client, builder):
    login(client, builder.manager, language="en")
    response = client.post(
        questionnaire_url(builder.procedure),
        {"number_language": "en", "value-STR-03": "12", "focus": "STR-03"},
    )
    assert response["Location"] == questionnaire_url(builder.procedure) + "#indicator-STR-03"
    response = client.post(
        questionnaire_url(builder.procedure),
        {"number_language": "en", "focus": "https://evil.example/"},
    )
    assert response["Location"] == questionnaire_url(builder.procedure)


def test_nothing_changed_says_so(client, builder):
    login(client, builder.manager, language="en")
    response = client.post(
        questionnaire_url(builder.procedure), {"number_language": "en"}, follow=True
    )
    assert "Draft saved: no answer changed." in text(response)
    assert saves(builder.procedure) == 0


# --- boolean indicators (no shipped scheme has one) -----------------------------------------


@pytest.fixture
def test_scheme_procedure():
    version = scheme_version_load(
        text=to_yaml(scheme_data()), source_name="test-scheme.yaml"
    ).scheme_version
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    procedure = services.procedure_create(
        organisation=organisation,
        scheme_version=version,
        level_id="gold",
        process="new",
        assessment_mode="on_site",
        actor=manager,
    )
    return procedure, manager


def test_boolean_indicator_has_yes_no_and_unanswered_radios(client, test_scheme_procedure):
    procedure, manager = test_scheme_procedure
    login(client, manager, language="en")

    page = parsed(client.get(questionnaire_url(procedure)))

    part = article(page, "SRV-01")
    assert text(element(part, "legend")) == "Your value for SRV-01"
    radios = elements(part, "input", type="radio", name="value-SRV-01")
    assert [attribute(radio, "value") for radio in radios] == ["", "yes", "no"]
    assert facts(article(page, "STR-02"))["Excellence value"] == "≥ 60 %"

    client.post(questionnaire_url(procedure), {"number_language": "en", "value-SRV-01": "yes"})
    assert stored_answers(procedure)["SRV-01"] is True
    client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "initial-value-SRV-01": "yes", "value-SRV-01": "no"},
    )
    assert stored_answers(procedure)["SRV-01"] is False
    page = parsed(client.get(questionnaire_url(procedure)))
    assert checked(article(page, "SRV-01"), "value-SRV-01") == ["no"]

    response = client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "initial-value-SRV-01": "no", "value-SRV-01": "maybe"},
    )
    assert response.status_code == 200
    assert field_errors(article(parsed(response), "SRV-01")) == [
        "Select a valid choice. maybe is not one of the available choices."
    ]
    assert stored_answers(procedure)["SRV-01"] is False

    client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "initial-value-SRV-01": "no", "value-SRV-01": ""},
    )
    assert stored_answers(procedure)["SRV-01"] is None


def test_boolean_value_is_read_as_yes_or_no(client, test_scheme_procedure):
    procedure, manager = test_scheme_procedure
    services.self_assessment_save(procedure=procedure, actor=manager, values={"SRV-01": True})
    # The test scheme has an operator of its own: its secretariat is granted the scheme.
    secretariat = grant_role(
        UserFactory(), Role.SECRETARIAT, scheme_id=procedure.scheme_version.scheme_id
    )
    login(client, secretariat, language="en")

    page = parsed(client.get(questionnaire_url(procedure)))

    assert facts(article(page, "SRV-01"))["Value"] == "yes"
    not_answered = element(article(page, "SRV-02"), "em", class_="sa-not-answered")
    assert text(not_answered) == "not answered"


# --- who may edit, who may read -------------------------------------------------------------


def _save_some(builder: ProcedureBuilder) -> None:
    services.self_assessment_save(
        procedure=builder.procedure,
        actor=builder.manager,
        values={"STR-01": Decimal("80"), "STR-11": Decimal("300000"), "PRO-01": "formal"},
        comments={"STR-01": "Laut Mitgliederliste"},
    )


def assert_read_only(page: Element) -> None:
    main = element(page, "main", id="main")
    names = [attribute(field, "name") or "" for field in elements(main, name=True)]
    assert not [name for name in names if name.startswith(("value-", "comment-", "evidence-"))]
    assert not elements(main, "textarea")
    assert not elements(main, "input", type="file")
    assert not elements(main, "form")
    assert "Save draft" not in text(main)


def test_the_secretariat_reads_the_answers_without_inputs(client, builder):
    _save_some(builder)
    login(client, builder.secretariat, language="en")

    response = client.get(questionnaire_url(builder.procedure))

    assert response.status_code == 200
    page = parsed(response)
    assert_read_only(page)
    assert len(elements(page, "article", class_="sa-indicator")) == 34
    assert text(element(article(page, "STR-01"), "span", class_="sa-value")) == "80"
    assert facts(article(page, "STR-01"))["Value"] == "80 participants"
    assert text(element(article(page, "STR-11"), "span", class_="sa-value")) == "300,000"
    assert facts(article(page, "STR-11"))["Value"] == "300,000 EUR"
    assert facts(article(page, "STR-01"))["Comment"] == "Laut Mitgliederliste"
    formal = next(c for c in builder.scheme.indicator("PRO-01").choices if c.id == "formal")
    assert facts(article(page, "PRO-01"))["Value"] == words(formal.name.en)
    assert progress(page)[0] == "3 of 34 answered"


def test_the_secretariat_cannot_save(client, builder):
    _save_some(builder)
    login(client, builder.secretariat, language="en")

    response = client.post(
        questionnaire_url(builder.procedure), {"number_language": "en", "value-STR-01": "1"}
    )

    assert response.status_code == 403
    assert stored_answers(builder.procedure) == {
        "PRO-01": "formal",
        "STR-01": "80",
        "STR-11": "300000",
    }


def test_an_assigned_assessor_reads_the_self_assessment(client):
    builder = StateBuilder()
    builder.advance_to(ProcedureState.ASSESSORS_ASSIGNED)
    assessor = builder.assessors[0]
    login(client, assessor, language="en")

    response = client.get(questionnaire_url(builder.procedure))

    assert response.status_code == 200
    page = parsed(response)
    assert_read_only(page)
    assert progress(page)[0] == "34 of 34 answered"
    assert text(element(article(page, "STR-01"), "span", class_="sa-value")) == "80"
    assert facts(article(page, "STR-01"))["Value"] == "80 participants"
    assert "The self-assessment has been submitted; it can no longer be changed." in text(page)
    response = client.post(questionnaire_url(builder.procedure), {"value-STR-01": "1"})
    assert response.status_code == 403


def test_other_organisations_managers_and_unassigned_assessors_get_404(client, builder):
    _save_some(builder)
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    unassigned = UserFactory(role=Role.ASSESSOR)
    for user in (stranger, unassigned):
        client.force_login(user)
        assert client.get(questionnaire_url(builder.procedure)).status_code == 404
        response = client.post(
            questionnaire_url(builder.procedure), {"number_language": "en", "value-STR-01": "1"}
        )
        assert response.status_code == 404
    assert stored_answers(builder.procedure)["STR-01"] == "80"


def test_anonymous_is_sent_to_the_login(client, builder):
    response = client.get(questionnaire_url(builder.procedure))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_after_submission_the_manager_reads_and_can_no_longer_save(client, builder):
    procedure = builder.procedure
    services.self_assessment_save(
        procedure=procedure, actor=builder.manager, values=excellent_values(builder.scheme)
    )
    add_required_evidence(procedure, by=builder.manager)
    services.procedure_transition(
        procedure=procedure, actor=builder.manager, action=flow.Action.SUBMIT_SELF_ASSESSMENT
    )
    before = stored_answers(procedure)
    audit_before = saves(procedure)
    login(client, builder.manager, language="en")

    page = parsed(client.get(questionnaire_url(procedure)))
    assert_read_only(page)
    assert "When every indicator is answered" not in text(page)

    response = client.post(
        questionnaire_url(procedure),
        {"number_language": "en", "initial-value-STR-01": "80", "value-STR-01": "1"},
        follow=True,
    )

    assert response.redirect_chain == [(questionnaire_url(procedure), 302)]
    assert "The self-assessment has been submitted and can no longer be changed." in text(response)
    assert stored_answers(procedure) == before
    assert saves(procedure) == audit_before


def test_the_questionnaire_uses_the_procedures_own_scheme_version(client, builder):
    """A newer version of the scheme does not change a running procedure's questionnaire."""
    procedure = builder.procedure
    other = StateBuilder(scheme_id="ecei-gold")
    login(client, builder.manager, language="en")

    page = parsed(client.get(questionnaire_url(procedure)))

    assert elements(page, "article", id="indicator-PRO-01")
    assert not elements(page, id="indicator-MGT-01")
    login(client, other.manager, language="en")
    page = parsed(client.get(questionnaire_url(other.procedure)))
    assert len(elements(page, "article", class_="sa-indicator")) == 31
    assert elements(page, "article", id="indicator-MGT-01")


# --- progress, unanswered indicators, due date ----------------------------------------------


def test_progress_per_category_and_the_unanswered_list(client, builder):
    services.self_assessment_save(
        procedure=builder.procedure,
        actor=builder.manager,
        values={"STR-01": Decimal("80"), "STR-02": Decimal("60"), "ACT-01": Decimal("8")},
    )
    login(client, builder.manager, language="en")

    page = parsed(client.get(questionnaire_url(builder.procedure)))

    assert progress(page) == ("3 of 34 answered", "3", "34")
    counts = {
        text(heading).split(" (")[0]: text(element(heading, "span", class_="sa-count"))
        for heading in elements(page, "h2")
        if (attribute(heading, "id") or "").startswith("category-")
    }
    assert counts == {
        "Structures": "(2 of 11 answered)",
        "Processes": "(0 of 6 answered)",
        "Activities": "(1 of 10 answered)",
        "Strategies": "(0 of 7 answered)",
    }
    unanswered = element(page, "details", class_="sa-unanswered")
    assert text(element(unanswered, "summary")) == "31 indicators not answered yet"
    assert len(elements(unanswered, "li")) == 31
    assert "#indicator-STR-01" not in hrefs(unanswered)
    assert "#indicator-STR-03" in hrefs(unanswered)


def test_every_indicator_answered_says_so(client, builder):
    services.self_assessment_save(
        procedure=builder.procedure,
        actor=builder.manager,
        values=excellent_values(builder.scheme),
    )
    login(client, builder.manager, language="en")
    page = parsed(client.get(questionnaire_url(builder.procedure)))
    assert progress(page)[0] == "34 of 34 answered"
    assert "Every indicator is answered." in text(page)
    assert not elements(page, "details", class_="sa-unanswered")
    assert "not answered yet" not in text(page)


def _date(value) -> str:
    with translation.override("en"):
        return formats.date_format(value, "DATE_FORMAT")


def due(page: Element) -> tuple[str, str]:
    """The due date the status shows (in bold), and everything said with it."""
    status = element(element(page, "section", class_="sa-status"), "dl", class_="facts")
    terms = [text(term) for term in elements(status, "dt")]
    description = dict(zip(terms, elements(status, "dd"), strict=True))["Self-assessment due"]
    return text(element(description, "strong")), text(description)


def test_due_date_lies_the_schemes_days_before_the_assessment_date(client, builder):
    today = timezone.localdate()
    assessment_date = today + timedelta(days=40)
    Procedure.objects.filter(pk=builder.procedure.pk).update(assessment_date=assessment_date)
    login(client, builder.manager, language="en")

    page = parsed(client.get(questionnaire_url(builder.procedure)))

    due_date = assessment_date - timedelta(days=28)  # the BW scheme's preparation time
    shown, said = due(page)
    assert shown == _date(due_date)
    assert "(28 days before the assessment date)" in said
    assert "12 days left" in said
    assert "overdue" not in text(page)


def test_a_passed_due_date_is_shown_as_overdue(client, builder):
    today = timezone.localdate()
    Procedure.objects.filter(pk=builder.procedure.pk).update(
        assessment_date=today + timedelta(days=10)
    )
    login(client, builder.manager, language="en")

    page = parsed(client.get(questionnaire_url(builder.procedure)))

    shown, said = due(page)
    assert shown == _date(today - timedelta(days=18))
    assert "overdue by 18 days" in said


def test_without_an_assessment_date_the_procedures_deadline_is_shown(client, builder):
    procedure = builder.refresh()
    login(client, builder.manager, language="en")

    page = parsed(client.get(questionnaire_url(procedure)))

    deadline = procedure_deadline(procedure)
    assert deadline is not None
    shown, said = due(page)
    assert shown == _date(deadline.due)
    assert f"{deadline.days_left} days left" in said
    assert "before the assessment date" not in text(page)


# --- query count ----------------------------------------------------------------------------


def _page_queries(client, builder, django_assert_num_queries, expected: int) -> Element:
    with django_assert_num_queries(expected):
        response = client.get(questionnaire_url(builder.procedure))
    assert response.status_code == 200
    return parsed(response)


def evidence_links(page: Element) -> list[str]:
    return [text(link) for link in elements(page, "a") if text(link).startswith("Nachweis-")]


# Session, user, the procedure with its prefetches (managers, answers, evidence, panel, scores,
# board votes, board declarations) and the visibility check; the uploaders of the evidence once
# there is any.
QUESTIONNAIRE_QUERIES = 11
QUESTIONNAIRE_QUERIES_WITH_EVIDENCE = QUESTIONNAIRE_QUERIES + 1


def test_questionnaire_query_count_does_not_grow_with_answers_or_evidence(
    client, builder, django_assert_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(client, builder.manager, language="en")
    _page_queries(client, builder, django_assert_num_queries, QUESTIONNAIRE_QUERIES)

    services.self_assessment_save(
        procedure=builder.procedure,
        actor=builder.manager,
        values=excellent_values(builder.scheme),
        comments={i.id: f"Kommentar {i.id}" for i in builder.scheme.indicators},
    )
    colleague = UserFactory(role=Role.CLUSTER_MANAGER)
    builder.organisation.managers.add(colleague, through_defaults={"role": "cluster_manager"})
    for number, indicator in enumerate(builder.scheme.indicators[:12]):
        services.evidence_upload(
            procedure=builder.procedure,
            actor=builder.manager if number % 2 else colleague,
            indicator_id=indicator.id,
            upload=SimpleUploadedFile(f"Nachweis-{number}.pdf", PDF),
        )
    assert Evidence.objects.filter(procedure=builder.procedure).count() == 12

    page = _page_queries(
        client, builder, django_assert_num_queries, QUESTIONNAIRE_QUERIES_WITH_EVIDENCE
    )
    assert len(evidence_links(page)) == 12
    assert progress(page)[0] == "34 of 34 answered"

    for number, indicator in enumerate(builder.scheme.indicators[12:], start=12):
        services.evidence_upload(
            procedure=builder.procedure,
            actor=builder.manager,
            indicator_id=indicator.id,
            upload=SimpleUploadedFile(f"Nachweis-{number}.pdf", PDF),
        )
    page = _page_queries(
        client, builder, django_assert_num_queries, QUESTIONNAIRE_QUERIES_WITH_EVIDENCE
    )
    assert len(evidence_links(page)) == 34


def test_read_only_page_query_count(client, builder, django_assert_num_queries):
    _save_some(builder)
    login(client, builder.secretariat, language="en")
    _page_queries(client, builder, django_assert_num_queries, QUESTIONNAIRE_QUERIES)


def test_a_staff_account_cannot_be_made_a_manager_of_an_applicant(client, builder):
    """The secretariat cannot be added as the organisation's manager (it would edit the
    self-assessment it then checks); its own page stays read-only."""
    from clusterlabel.organisations.services import organisation_update

    with pytest.raises(ValidationError) as refused:
        organisation_update(
            organisation=builder.organisation,
            actor=builder.secretariat,
            data={},
            managers=[builder.manager, builder.secretariat],
        )
    assert "managers" in refused.value.message_dict
    assert list(builder.organisation.managers.all()) == [builder.manager]
    login(client, builder.secretariat, language="en")
    assert_read_only(parsed(client.get(questionnaire_url(builder.procedure))))
    response = client.post(questionnaire_url(builder.procedure), {"value-STR-01": "1"})
    assert response.status_code == 403
    assert stored_answers(builder.procedure) == {}
