"""The assessment pages: the panel, conflict declarations, scoring beside the self-assessment,
confirming scores and the report. Every write is checked in the database, every refusal leaves
it unchanged."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test.html import Element
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import AssessorAssignment, IndicatorScore, ScoreConfirmation
from tests.factories import UserFactory
from tests.helpers import attribute, element, elements, hrefs, input_value, login, parsed, text
from tests.procedures.builders import failing_minimum_values
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


# --- helpers -----------------------------------------------------------------------------------


def url(name: str, procedure, **kwargs) -> str:
    return reverse(f"procedures:{name}", kwargs={"pk": procedure.pk, **kwargs})


def card(response, indicator_id: str) -> Element:
    """One indicator's card on the scoring page."""
    return element(response, "article", id=f"indicator-{indicator_id}")


def panel_value(part: Element) -> Element:
    """The panel's score in a card: the value, its points and the tags beside them."""
    return element(part, "p", data_panel_value=True)


def field_errors(part: Element) -> list[str]:
    return [text(error) for error in elements(part, "p", class_="field-error")]


def checked(part: Element, name: str) -> list[str | None]:
    """The values of the ticked boxes or the chosen radio of the field ``name``."""
    return [attribute(box, "value") for box in elements(part, "input", name=name, checked=True)]


def links_to(page, target: str) -> list[str]:
    """The texts of the page's links to ``target``."""
    return [text(link) for link in elements(page, "a", href=target)]


def needs(page) -> dict[str, str]:
    """What the panel page says the scheme needs: term → description."""
    section = element(page, "section", aria_labelledby="needs-heading")
    terms = [text(term) for term in elements(section, "dt")]
    return dict(zip(terms, (text(d) for d in elements(section, "dd")), strict=True))


def first_of_type(scheme, kind: str):
    return next(i for i in scheme.indicators if i.type == kind)


def audit_actions(procedure) -> list[str]:
    return list(
        AuditEvent.objects.filter(procedure_id=procedure.pk)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


@pytest.fixture
def in_progress():
    """BW (two assessors, DE and NL), self-assessment at the excellence values, scoring open."""
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    return builder


@pytest.fixture
def panel_open():
    """ECEI Gold (one national and one foreign assessor needed), self-assessment submitted."""
    builder = StateBuilder(scheme_id="ecei-gold")
    builder.advance_to(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    return builder


def propose(builder, assessors=None):
    services.panel_propose(
        procedure=builder.refresh(),
        actor=builder.secretariat,
        assessors=assessors or builder.assessors,
        assessment_date=builder.walk.assessment_date(),
    )
    return builder.refresh()


# --- the panel ------------------------------------------------------------------------------------


def test_panel_page_shows_what_the_scheme_needs_and_who_is_national(client, panel_open):
    national = UserFactory(role=Role.ASSESSOR, country="DE", last_name="Albrecht")
    foreign = UserFactory(role=Role.ASSESSOR, country="FR", last_name="Bernard")
    UserFactory(role=Role.ASSESSOR, country="AT", is_active=False, last_name="Inaktiv")
    login(client, panel_open.secretariat, language="en")

    response = client.get(url("panel", panel_open.procedure))

    assert response.status_code == 200
    rows = {row["user"].pk: row for row in response.context["candidates"]}
    assert rows[national.pk]["national"] is True
    assert rows[foreign.pk]["national"] is False
    assert rows[foreign.pk]["country"] == "FR"
    assert all(row["user"].is_active for row in rows.values())  # inactive accounts not offered
    earliest = timezone.localdate() + timedelta(days=28)  # ECEI Gold: 28 days to prepare
    assert response.context["earliest"] == earliest
    scheme_needs = needs(response)
    assert scheme_needs["Assessors"] == (
        "2 assessors · one from DE (the organisation's country) and one from another country"
    )
    assert scheme_needs["Earliest assessment date"].startswith(earliest.strftime("%d/%m/%Y"))


def test_panel_proposal_creates_the_assignments_and_an_audit_event(client, panel_open):
    procedure = panel_open.procedure
    first, second = panel_open.assessors
    login(client, panel_open.secretariat, language="en")
    date = timezone.localdate() + timedelta(days=30)

    response = client.post(
        url("panel", procedure),
        {
            "assessors": [first.pk, second.pk],
            "assessment_date": date.isoformat(),
            "assessment_mode": "on_site",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("panel", procedure)
    procedure.refresh_from_db()
    assert procedure.assessment_date == date
    assert set(procedure.assignments.values_list("assessor_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert not procedure.assignments.filter(no_conflict_declared=True).exists()
    event = AuditEvent.objects.filter(procedure_id=procedure.pk, action="panel.propose").get()
    assert event.actor == panel_open.secretariat
    assert event.after["assessors"] == sorted([first.username, second.username])
    # After saving, the page shows each assessor's declaration, outstanding for now.
    services.conflict_declare(procedure=procedure, actor=first, no_conflict=True)
    page = client.get(url("panel", procedure))
    status = {item["assignment"].assessor_id: item for item in page.context["panel"]}
    assert status[first.pk]["assignment"].no_conflict_declared is True
    assert status[second.pk]["assignment"].no_conflict_declared is False
    assert status[first.pk]["national"] is True  # DE like the organisation
    assert status[second.pk]["national"] is False  # NL
    assert "declaration outstanding" in text(element(page, "table", class_="as-panel-table"))
    assert any("not yet declared" in reason for reason in page.context["confirm_blocked"])


def test_panel_german_date_input_is_accepted(client, panel_open):
    procedure = panel_open.procedure
    login(client, panel_open.secretariat)
    date = timezone.localdate() + timedelta(days=40)

    response = client.post(
        url("panel", procedure),
        {
            "assessors": [a.pk for a in panel_open.assessors],
            "assessment_date": date.strftime("%d.%m.%Y"),
            "assessment_mode": "on_site",
        },
    )

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.assessment_date == date


def test_panel_date_before_the_preparation_time_is_refused_with_the_input_kept(client, panel_open):
    procedure = panel_open.procedure
    first, second = panel_open.assessors
    login(client, panel_open.secretariat, language="en")
    too_soon = timezone.localdate() + timedelta(days=27)

    response = client.post(
        url("panel", procedure),
        {
            "assessors": [first.pk, second.pk],
            "assessment_date": too_soon.isoformat(),
            "assessment_mode": "on_site",
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["assessment_date"]
    assert errors == [
        "The assessment date must leave 28 days to prepare: "
        f"{(too_soon + timedelta(days=1)).strftime('%d/%m/%Y')} at the earliest."
    ]
    page = parsed(response)
    assert input_value(page, "assessment_date") == too_soon.isoformat()
    assert sorted(checked(page, "assessors")) == sorted([str(first.pk), str(second.pk)])
    assert not AssessorAssignment.objects.filter(procedure=procedure).exists()
    assert "panel.propose" not in audit_actions(procedure)


def test_panel_refuses_a_user_who_is_not_an_active_assessor(client, panel_open):
    procedure = panel_open.procedure
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    login(client, panel_open.secretariat, language="en")

    response = client.post(
        url("panel", procedure),
        {
            "assessors": [manager.pk],
            "assessment_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "assessment_mode": "on_site",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["assessors"]
    assert not AssessorAssignment.objects.filter(procedure=procedure).exists()


def test_panel_refuses_a_mode_the_scheme_does_not_offer(client, panel_open):
    procedure = panel_open.procedure
    login(client, panel_open.secretariat, language="en")

    response = client.post(
        url("panel", procedure),
        {
            "assessors": [a.pk for a in panel_open.assessors],
            "assessment_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "assessment_mode": "video",  # ECEI Gold is on site only
        },
    )

    assert response.status_code == 400
    assert "assessment_mode" in response.context["form"].errors
    assert not AssessorAssignment.objects.filter(procedure=procedure).exists()


@pytest.mark.parametrize(
    "role", [Role.AUTHORITY, Role.ADMINISTRATOR, Role.ASSESSOR, Role.BOARD_MEMBER, "manager"]
)
def test_panel_is_not_for_other_roles_and_their_post_changes_nothing(client, panel_open, role):
    procedure = panel_open.procedure
    user = panel_open.manager if role == "manager" else UserFactory(role=role)
    login(client, user, language="en")
    events_before = AuditEvent.objects.count()

    get = client.get(url("panel", procedure))
    post = client.post(
        url("panel", procedure),
        {
            "assessors": [a.pk for a in panel_open.assessors],
            "assessment_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "assessment_mode": "on_site",
        },
    )

    assert get.status_code == 404
    assert post.status_code == 404
    procedure.refresh_from_db()
    assert procedure.assessment_date is None
    assert not AssessorAssignment.objects.filter(procedure=procedure).exists()
    assert AuditEvent.objects.count() == events_before


def test_panel_is_read_only_once_the_assessment_runs(client, in_progress):
    procedure = in_progress.procedure
    date_before = procedure.assessment_date
    newcomer = UserFactory(role=Role.ASSESSOR, country="FR")
    login(client, in_progress.secretariat, language="en")

    page = client.get(url("panel", procedure))
    response = client.post(
        url("panel", procedure),
        {
            "assessors": [newcomer.pk],
            "assessment_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "assessment_mode": "on_site",
        },
        follow=True,
    )

    assert page.status_code == 200
    assert page.context["editable"] is False
    assert not elements(page, name="assessors")
    assert response.redirect_chain[-1][0] == url("panel", procedure)
    assert [str(m) for m in response.context["messages"]] == [
        "The panel can only be changed after the self-assessment is submitted and before the "
        "assessment starts."
    ]
    procedure.refresh_from_db()
    assert procedure.assessment_date == date_before
    assert set(procedure.assignments.values_list("assessor_id", flat=True)) == {
        a.pk for a in in_progress.assessors
    }


def test_panel_page_links_to_the_confirmation_when_the_panel_is_ready(client, panel_open):
    procedure = propose(panel_open)
    for assessor in panel_open.assessors:
        services.conflict_declare(procedure=procedure, actor=assessor, no_conflict=True)
    login(client, panel_open.secretariat, language="en")

    response = client.get(url("panel", procedure))

    assert response.context["can_confirm"] is True
    # Not the breadcrumb's link to the same page: the one that says what to do there.
    assert "Confirm the panel on the procedure page." in links_to(
        response, url("detail", procedure)
    )


# --- conflict of interest ---------------------------------------------------------------------


def test_conflict_page_shows_the_organisation(client, panel_open):
    procedure = propose(panel_open)
    organisation = panel_open.organisation
    login(client, panel_open.assessors[0], language="en")

    response = client.get(url("conflict", procedure))

    assert response.status_code == 200
    page = text(response)
    assert organisation.legal_name in page
    assert organisation.cluster_name in page
    assert "Baden-Württemberg" in page  # the region by its name, not its code
    assert "DE-BW" not in page
    assert "Health and medical science" in page
    assert "I have no conflict of interest with this organisation" in page


def test_declaring_no_conflict_sets_the_flag(client, panel_open):
    procedure = propose(panel_open)
    assessor = panel_open.assessors[0]
    login(client, assessor, language="en")

    response = client.post(url("conflict", procedure), {"declaration": "none", "no_conflict": "on"})

    assert response.status_code == 302
    assert response["Location"] == url("detail", procedure)
    assignment = AssessorAssignment.objects.get(procedure=procedure, assessor=assessor)
    assert assignment.no_conflict_declared is True
    assert assignment.declared_at is not None
    event = AuditEvent.objects.get(procedure_id=procedure.pk, action="panel.declare_conflict")
    assert event.after == {"no_conflict_declared": True}


def test_declaring_no_conflict_needs_the_box_ticked(client, panel_open):
    procedure = propose(panel_open)
    assessor = panel_open.assessors[0]
    login(client, assessor, language="en")

    response = client.post(url("conflict", procedure), {"declaration": "none"})

    assert response.status_code == 400
    assert response.context["form"].errors["no_conflict"] == [
        "Tick the box to declare that you have no conflict of interest."
    ]
    assignment = AssessorAssignment.objects.get(procedure=procedure, assessor=assessor)
    assert assignment.no_conflict_declared is False


def test_declaring_a_conflict_needs_a_description(client, panel_open):
    procedure = propose(panel_open)
    assessor = panel_open.assessors[0]
    login(client, assessor, language="en")

    response = client.post(url("conflict", procedure), {"declaration": "conflict", "note": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors["note"] == ["Please describe the conflict of interest."]
    assert AssessorAssignment.objects.filter(procedure=procedure, assessor=assessor).exists()
    assert "panel.declare_conflict" not in audit_actions(procedure)


def test_declaring_a_conflict_removes_the_assignment_and_records_the_note(client, panel_open):
    procedure = propose(panel_open)
    assessor = panel_open.assessors[0]
    login(client, assessor, language="en")

    response = client.post(
        url("conflict", procedure),
        {"declaration": "conflict", "note": "Ich war bis 2024 im Vorstand des Clusters."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("procedures:list")
    assert not AssessorAssignment.objects.filter(procedure=procedure, assessor=assessor).exists()
    event = AuditEvent.objects.get(procedure_id=procedure.pk, action="panel.declare_conflict")
    assert event.reason == "Ich war bis 2024 im Vorstand des Clusters."
    assert event.after == {"no_conflict_declared": False}
    # Off the panel, the procedure is no longer theirs to see.
    assert client.get(url("conflict", procedure)).status_code == 404


@pytest.mark.parametrize("who", ["secretariat", "other_assessor", "manager", "authority"])
def test_conflict_declaration_is_only_for_assessors_on_the_panel(client, panel_open, who):
    procedure = propose(panel_open)
    user = {
        "secretariat": panel_open.secretariat,
        "other_assessor": UserFactory(role=Role.ASSESSOR),
        "manager": panel_open.manager,
        "authority": panel_open.authority,
    }[who]
    login(client, user, language="en")

    get = client.get(url("conflict", procedure))
    post = client.post(url("conflict", procedure), {"declaration": "none", "no_conflict": "on"})

    assert get.status_code == 404
    assert post.status_code == 404
    assert not procedure.assignments.filter(no_conflict_declared=True).exists()
    assert "panel.declare_conflict" not in audit_actions(procedure)


def test_conflict_declaration_is_closed_once_the_assessment_runs(client, in_progress):
    procedure = in_progress.procedure
    assessor = in_progress.assessors[0]
    login(client, assessor, language="en")

    page = client.get(url("conflict", procedure))
    response = client.post(
        url("conflict", procedure), {"declaration": "conflict", "note": "Doch befangen."}
    )

    assert page.status_code == 200
    assert not elements(page, name="note")
    assert response.status_code == 302
    assert AssessorAssignment.objects.filter(procedure=procedure, assessor=assessor).exists()


# --- scoring --------------------------------------------------------------------------------------


def test_scoring_shows_the_self_assessment_beside_the_score_input(client, in_progress):
    procedure = in_progress.procedure
    indicator = first_of_type(in_progress.scheme, "number")
    login(client, in_progress.assessors[0], language="en")

    response = client.get(url("scoring", procedure))

    assert response.status_code == 200
    part = card(response, indicator.id)
    self_value = text(element(part, "p", data_self_value=True))
    expected = f"{int(indicator.threshold):,}"
    assert self_value.startswith(expected)
    if indicator.unit:
        assert self_value == f"{expected} {indicator.unit.en}"
    # The score form sits in the same card: value input, evidence seen and revision 0.
    form = element(part, "form", class_="as-score-form")
    assert element(form, id=f"id_{indicator.id}_value")
    assert input_value(form, "based_on_revision") == "0"
    save = url("score_save", procedure, indicator_id=indicator.id)
    assert attribute(form, "action") == f"{save}#indicator-{indicator.id}"
    assert "Not scored yet." in text(element(part, "section", class_="as-panel"))


def test_scoring_links_the_evidence_of_the_self_assessment(client, in_progress):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clusterlabel.procedures.models import Evidence

    procedure = in_progress.procedure
    indicator = in_progress.scheme.indicators[0]
    evidence = Evidence.objects.create(
        procedure=procedure,
        indicator_id=indicator.id,
        file=SimpleUploadedFile("satzung.pdf", b"%PDF-1.4 test"),
        original_name="Satzung 2024.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        uploaded_by=in_progress.manager,
    )
    login(client, in_progress.assessors[0], language="en")

    part = card(client.get(url("scoring", procedure)), indicator.id)

    link = reverse(
        "procedures:evidence_download", kwargs={"pk": procedure.pk, "evidence_pk": evidence.pk}
    )
    assert links_to(part, link) == ["Satzung 2024.pdf"]


def test_saving_a_score_stores_the_json_value_and_bumps_the_revision(client, in_progress):
    procedure = in_progress.procedure
    indicator = first_of_type(in_progress.scheme, "number")
    assessor = in_progress.assessors[0]
    login(client, assessor)  # German page: the comma is the decimal sign
    save_url = url("score_save", procedure, indicator_id=indicator.id)

    first = client.post(
        save_url,
        {
            "value": "1.250,5",
            "comment": "Mitgliederliste geprüft.",
            "evidence_seen": "Mitgliederliste 2024",
            "based_on_revision": "0",
        },
    )
    score = IndicatorScore.objects.get(procedure=procedure, indicator_id=indicator.id)
    assert first.status_code == 302
    assert first["Location"].endswith(f"?saved={indicator.id}#indicator-{indicator.id}")
    assert score.value == "1250.5"
    assert score.revision == 1
    assert score.comment == "Mitgliederliste geprüft."
    assert score.evidence_seen == "Mitgliederliste 2024"
    assert score.updated_by == assessor

    second = client.post(
        save_url,
        {"value": "42", "comment": "", "evidence_seen": "Liste", "based_on_revision": "1"},
    )
    score.refresh_from_db()
    assert second.status_code == 302
    assert (score.value, score.revision) == ("42", 2)
    assert ScoreConfirmation.objects.get(score=score, assessor=assessor).revision == 2
    assert audit_actions(procedure).count("score.change") == 2


def test_saving_choice_and_percent_scores(client, in_progress):
    procedure = in_progress.procedure
    choice = first_of_type(in_progress.scheme, "choice")
    percent = first_of_type(in_progress.scheme, "percent")
    login(client, in_progress.assessors[0], language="en")

    client.post(
        url("score_save", procedure, indicator_id=choice.id),
        {"value": choice.choices[0].id, "evidence_seen": "Satzung", "based_on_revision": "0"},
    )
    client.post(
        url("score_save", procedure, indicator_id=percent.id),
        {"value": "12,5 %", "evidence_seen": "Bilanz", "based_on_revision": "0"},
    )

    scores = dict(
        IndicatorScore.objects.filter(procedure=procedure).values_list("indicator_id", "value")
    )
    assert scores == {choice.id: choice.choices[0].id, percent.id: "12.5"}
    page = client.get(url("scoring", procedure))
    assert text(panel_value(card(page, percent.id))).startswith("12.5 % ")
    assert text(panel_value(card(page, choice.id))).startswith(f"{choice.choices[0].name.en} ")


def test_saved_score_shows_its_points_and_the_running_total(client, in_progress):
    procedure = in_progress.procedure
    indicator = first_of_type(in_progress.scheme, "number")
    services.score_save(
        procedure=procedure,
        actor=in_progress.assessors[0],
        indicator_id=indicator.id,
        value=indicator.threshold,
        comment="",
        evidence_seen="Liste",
        based_on_revision=0,
    )
    login(client, in_progress.assessors[1], language="en")

    response = client.get(url("scoring", procedure))

    summary = response.context["summary"]
    assert summary["points"] == indicator.points
    assert summary["max_points"] == in_progress.scheme.max_points
    assert summary["missing"] == len(in_progress.scheme.indicators) - 1
    assert summary["disagreements"] == 1
    score = panel_value(card(response, indicator.id))
    points = f"{indicator.points} of {indicator.points} points"
    assert text(element(score, "span", class_="as-points")) == points
    assert [text(tag) for tag in elements(score, "span", class_="as-tag")] == [
        "excellence value met"
    ]


@pytest.mark.parametrize(
    ("kind", "typed", "error"),
    [
        ("number", "zwölf", "Enter a number, for example 12.5."),
        ("number", "1.2.3", "Enter a number, for example 12.5."),
        ("percent", "150", "A percentage lies between 0 and 100."),
        ("number", "", "Enter the panel's value."),
    ],
)
def test_invalid_input_is_shown_again_with_the_error_and_nothing_is_saved(
    client, in_progress, kind, typed, error
):
    procedure = in_progress.procedure
    indicator = first_of_type(in_progress.scheme, kind)
    login(client, in_progress.assessors[0], language="en")

    response = client.post(
        url("score_save", procedure, indicator_id=indicator.id),
        {"value": typed, "comment": "mein Kommentar", "evidence_seen": "X", "based_on_revision": 0},
    )

    assert response.status_code == 400
    form = response.context["categories"]
    part = card(response, indicator.id)
    assert error in field_errors(part)
    assert input_value(part, "value") == (typed or None)
    assert text(element(part, "textarea", name="comment")) == "mein Kommentar"
    assert elements(part, role="alert")
    assert form  # the whole page is shown again, not an error page
    assert not IndicatorScore.objects.filter(procedure=procedure).exists()


def test_evidence_seen_is_required_where_the_scheme_says_so(client, in_progress):
    procedure = in_progress.procedure
    indicator = next(i for i in in_progress.scheme.indicators if i.evidence_required)
    login(client, in_progress.assessors[0], language="en")

    response = client.post(
        url("score_save", procedure, indicator_id=indicator.id),
        {"value": "", "evidence_seen": "", "based_on_revision": 0},
    )

    assert response.status_code == 400
    assert "This indicator needs a record of the evidence seen." in text(
        card(response, indicator.id)
    )
    assert not IndicatorScore.objects.exists()


def test_unknown_indicator_is_a_404(client, in_progress):
    login(client, in_progress.assessors[0], language="en")
    response = client.post(
        url("score_save", in_progress.procedure, indicator_id="NOPE-99"),
        {"value": "1", "evidence_seen": "x", "based_on_revision": 0},
    )
    assert response.status_code == 404


def test_score_save_is_post_only(client, in_progress):
    indicator = in_progress.scheme.indicators[0]
    login(client, in_progress.assessors[0], language="en")
    response = client.get(url("score_save", in_progress.procedure, indicator_id=indicator.id))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "who", ["secretariat", "unassigned_assessor", "manager", "authority", "board"]
)
def test_only_the_panel_saves_or_confirms_scores(client, in_progress, who):
    procedure = in_progress.procedure
    indicator = first_of_type(in_progress.scheme, "number")
    score = services.score_save(
        procedure=procedure,
        actor=in_progress.assessors[0],
        indicator_id=indicator.id,
        value=Decimal(7),
        comment="",
        evidence_seen="Liste",
        based_on_revision=0,
    )
    user = {
        "secretariat": in_progress.secretariat,
        "unassigned_assessor": UserFactory(role=Role.ASSESSOR),
        "manager": in_progress.manager,
        "authority": in_progress.authority,
        "board": in_progress.board[0],
    }[who]
    login(client, user, language="en")
    events_before = AuditEvent.objects.count()

    save = client.post(
        url("score_save", procedure, indicator_id=indicator.id),
        {"value": "99", "evidence_seen": "Fremd", "based_on_revision": "1"},
    )
    confirm = client.post(
        url("score_confirm", procedure, indicator_id=indicator.id), {"revision": "1"}
    )

    assert save.status_code == 404
    assert confirm.status_code == 404
    score.refresh_from_db()
    assert (score.value, score.revision, score.evidence_seen) == ("7", 1, "Liste")
    assert list(score.confirmations.values_list("assessor_id", flat=True)) == [
        in_progress.assessors[0].pk
    ]
    assert AuditEvent.objects.count() == events_before


def test_scores_cannot_be_changed_after_the_report_is_submitted(client):
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.REPORT_SUBMITTED)
    indicator = first_of_type(builder.scheme, "number")
    before = IndicatorScore.objects.get(procedure=procedure, indicator_id=indicator.id)
    login(client, builder.assessors[0], language="en")

    page = client.get(url("scoring", procedure))
    response = client.post(
        url("score_save", procedure, indicator_id=indicator.id),
        {"value": "1", "evidence_seen": "x", "based_on_revision": str(before.revision)},
        follow=True,
    )

    assert page.status_code == 200
    assert page.context["editable"] is False
    assert not elements(page, name="based_on_revision")
    assert [str(m) for m in response.context["messages"]] == ["The assessment is not in progress."]
    after = IndicatorScore.objects.get(pk=before.pk)
    assert (after.value, after.revision) == (before.value, before.revision)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (ProcedureState.ASSESSMENT_IN_PROGRESS, 404),
        (ProcedureState.AWAITING_DECISION, 404),
        (ProcedureState.AWARDED, 200),
    ],
)
def test_the_organisation_sees_the_scores_only_after_the_decision(client, state, status):
    builder = StateBuilder(scheme_id="ecei-bronze")
    procedure = builder.advance_to(state)
    login(client, builder.manager, language="en")

    scoring = client.get(url("scoring", procedure))
    report = client.get(url("report", procedure))

    assert scoring.status_code == status
    assert report.status_code == status
    if status == 200:
        assert scoring.context["editable"] is False
        assert not elements(scoring, "form", class_="as-score-form")
        assert not elements(scoring, name="based_on_revision")


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.AUTHORITY])
def test_oversight_reads_the_scores_without_forms(client, in_progress, role):
    user = in_progress.secretariat if role == Role.SECRETARIAT else in_progress.authority
    login(client, user, language="en")

    response = client.get(url("scoring", in_progress.procedure))

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert not elements(response, "form", class_="as-score-form")
    assert not elements(response, name="based_on_revision")


# --- confirming the other assessor's scores ------------------------------------------------------


def test_confirming_the_other_assessors_score_settles_the_disagreement(client, in_progress):
    procedure = in_progress.procedure
    first, second = in_progress.assessors
    indicator = first_of_type(in_progress.scheme, "number")
    score = services.score_save(
        procedure=procedure,
        actor=first,
        indicator_id=indicator.id,
        value=Decimal(30),
        comment="",
        evidence_seen="Liste",
        based_on_revision=0,
    )
    login(client, second, language="en")
    before = client.get(url("scoring", procedure))
    assert before.context["summary"]["disagreements"] == 1
    part = card(before, indicator.id)
    confirm = element(part, "form", class_="as-confirm-form")
    assert text(element(confirm, "button")) == "Confirm this score"
    assert input_value(confirm, "revision") == "1"
    assert "not yet confirmed" in text(element(part, "ul", class_="as-confirmations"))

    response = client.post(
        url("score_confirm", procedure, indicator_id=indicator.id), {"revision": "1"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?confirmed={indicator.id}#indicator-{indicator.id}")
    assert ScoreConfirmation.objects.get(score=score, assessor=second).revision == 1
    after = client.get(url("scoring", procedure))
    assert after.context["summary"]["disagreements"] == 0
    assert not elements(card(after, indicator.id), "form", class_="as-confirm-form")
    assert "Confirm this score" not in text(card(after, indicator.id))
    assert "score.confirm" in audit_actions(procedure)


def test_confirming_a_changed_score_is_refused(client, in_progress):
    procedure = in_progress.procedure
    first, second = in_progress.assessors
    indicator = first_of_type(in_progress.scheme, "number")
    for revision, value in enumerate((Decimal(30), Decimal(31))):
        services.score_save(
            procedure=procedure,
            actor=first,
            indicator_id=indicator.id,
            value=value,
            comment="",
            evidence_seen="Liste",
            based_on_revision=revision,
        )
    login(client, second, language="en")

    response = client.post(
        url("score_confirm", procedure, indicator_id=indicator.id),
        {"revision": "1"},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "changed the score" in messages[0] and "31" in messages[0]
    assert not ScoreConfirmation.objects.filter(assessor=second).exists()


def test_confirming_a_score_that_does_not_exist_is_a_404(client, in_progress):
    indicator = in_progress.scheme.indicators[0]
    login(client, in_progress.assessors[1], language="en")
    response = client.post(
        url("score_confirm", in_progress.procedure, indicator_id=indicator.id), {"revision": "1"}
    )
    assert response.status_code == 404
    assert not ScoreConfirmation.objects.exists()


# --- query counts --------------------------------------------------------------------------------


def test_scoring_page_query_count_does_not_grow_with_the_scores(
    client, in_progress, django_assert_num_queries
):
    procedure = in_progress.procedure
    login(client, in_progress.assessors[1], language="en")
    scoring_url = url("scoring", procedure)
    client.get(scoring_url)  # warm the session and the scheme cache

    with django_assert_num_queries(SCORING_QUERIES):
        empty = client.get(scoring_url)
    first, *rest = [indicator.id for indicator in in_progress.scheme.indicators]
    in_progress.walk.score_all(only=[first])
    with django_assert_num_queries(SCORING_QUERIES + 1):
        one = client.get(scoring_url)
    in_progress.walk.score_all(only=rest)  # all 34 scored by one assessor, confirmed by the other
    # Once every indicator is scored the BW label is awarded, and its recognition is re-checked
    # under ECEI Gold's current version: one query for that version, whatever the scores.
    with django_assert_num_queries(SCORING_QUERIES + 2):
        full = client.get(scoring_url)

    assert len(empty.context["categories"]) == len(in_progress.scheme.categories)
    assert one.context["summary"]["missing"] == 33
    assert sum(len(block["rows"]) for block in full.context["categories"]) == 34
    assert IndicatorScore.objects.filter(procedure=procedure).count() == 34
    assert full.context["summary"]["points"] == in_progress.scheme.max_points


# Session, user, the procedure with its prefetches (managers, answers, evidence and who uploaded
# it: the required evidence is there once the self-assessment is submitted, panel, scores, board
# votes, board declarations) and the visibility check. Once there is a score, the prefetch of the
# scores' confirmations adds one query (Django skips it while there are no scores); after that
# the count stays the same however many indicators are scored.
SCORING_QUERIES = 12


# --- the report ----------------------------------------------------------------------------------


def test_writing_the_report_agrees_to_it_and_withdraws_the_others_agreement(client, in_progress):
    procedure = in_progress.procedure
    first, second = in_progress.assessors
    services.report_agree(procedure=procedure, actor=second, summary="Erster Entwurf.")
    login(client, first, language="en")

    response = client.post(
        url("report", procedure), {"summary": "Starkes Management, klare Strategie."}
    )

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.report_summary == "Starkes Management, klare Strategie."
    agreed = dict(procedure.assignments.values_list("assessor_id", "report_agreed"))
    assert agreed == {first.pk: True, second.pk: False}
    page = client.get(url("report", procedure))
    agreement = element(page, "section", aria_labelledby="agreement-heading")
    assert "has not agreed yet" in text(agreement)
    assert "1 assessor has not yet agreed to the report." in page.context["submit_blocked"]


def test_an_empty_report_is_refused(client, in_progress):
    procedure = in_progress.procedure
    login(client, in_progress.assessors[0], language="en")

    response = client.post(url("report", procedure), {"summary": "   "})

    assert response.status_code == 400
    assert response.context["form"].errors["summary"] == ["The report needs a summary."]
    procedure.refresh_from_db()
    assert procedure.report_summary == ""
    assert not procedure.assignments.filter(report_agreed=True).exists()


def test_report_shows_the_computed_result_and_what_blocks_the_submission(client, in_progress):
    procedure = in_progress.procedure
    in_progress.score_all()
    login(client, in_progress.assessors[0], language="en")

    response = client.get(url("report", procedure))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["points"] == in_progress.scheme.max_points
    assert summary["percent"] == Decimal("100.0")
    assert summary["failed_minimum"] == []
    assert summary["awarded"] is True
    assert response.context["submit_blocked"] == ["2 assessors have not yet agreed to the report."]
    assert "meets the award rules" in text(response)
    # Not the breadcrumb's link to the procedure page: the one under the submission.
    submission = element(response, "section", aria_labelledby="submit-heading")
    assert hrefs(submission) == [url("detail", procedure)]


def test_report_lists_failed_minimum_criteria(client, in_progress):
    procedure = in_progress.procedure
    criterion = in_progress.scheme.minimum_criteria[0]
    in_progress.walk.scores = failing_minimum_values(in_progress.scheme)
    in_progress.score_all()
    login(client, in_progress.assessors[0], language="en")

    response = client.get(url("report", procedure))

    summary = response.context["summary"]
    assert [item["id"] for item in summary["failed_minimum"]] == [criterion.id]
    assert f"Minimum criterion {criterion.id} is not met." in summary["reasons"]
    assert f"Minimum criterion {criterion.id} is not met." in text(response)


@pytest.mark.parametrize("who", ["secretariat", "authority"])
def test_others_read_the_report_but_cannot_write_it(client, in_progress, who):
    procedure = in_progress.procedure
    services.report_agree(
        procedure=procedure, actor=in_progress.assessors[0], summary="Text der Gutachter."
    )
    user = getattr(in_progress, who)
    login(client, user, language="en")

    page = client.get(url("report", procedure))
    post = client.post(url("report", procedure), {"summary": "Überschrieben."})

    assert page.status_code == 200
    assert page.context["editable"] is False
    assert text(element(page, "div", class_="as-report-text")) == "Text der Gutachter."
    assert post.status_code == 404
    procedure.refresh_from_db()
    assert procedure.report_summary == "Text der Gutachter."


def test_report_is_a_404_for_an_unassigned_assessor(client, in_progress):
    login(client, UserFactory(role=Role.ASSESSOR), language="en")
    assert client.get(url("report", in_progress.procedure)).status_code == 404


def test_report_rounds_the_percentage_down_in_the_reasons(client, in_progress):
    procedure = in_progress.procedure
    in_progress.walk.score_all(only=[in_progress.scheme.indicators[0].id])
    login(client, in_progress.assessors[0], language="en")

    response = client.get(url("report", procedure))

    below = [r for r in response.context["summary"]["reasons"] if "of the maximum points" in r]
    assert len(below) == 1
    assert re.fullmatch(r"\d+(\.\d)? % of the maximum points; at least 80 % are needed\.", below[0])


def test_the_board_reads_the_scores_during_its_review(client):
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.BOARD_REVIEW)
    login(client, builder.board[0], language="en")

    response = client.get(url("scoring", procedure))

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert response.context["summary"]["points"] == builder.scheme.max_points


def test_a_single_assessor_scores_a_yes_no_indicator_without_confirmations(client):
    builder = StateBuilder(scheme_id="ecei-bronze")  # one assessor
    procedure = builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    indicator = first_of_type(builder.scheme, "boolean")
    login(client, builder.assessors[0], language="en")

    response = client.post(
        url("score_save", procedure, indicator_id=indicator.id),
        {"value": "no", "evidence_seen": "Website geprüft", "based_on_revision": "0"},
    )

    assert response.status_code == 302
    score = IndicatorScore.objects.get(procedure=procedure, indicator_id=indicator.id)
    assert (score.value, score.revision) == (False, 1)
    page = client.get(url("scoring", procedure))
    part = card(page, indicator.id)
    assert text(panel_value(part)).startswith("no ")
    assert [attribute(radio, "id") for radio in elements(part, "input", checked=True)] == [
        f"id_{indicator.id}_value_1"
    ]
    assert checked(part, "value") == ["no"]
    assert "Confirm this score" not in text(part)
    assert not elements(part, "form", class_="as-confirm-form")
    assert page.context["summary"]["shared"] is False
    assert "Still to be agreed" not in text(page)


def test_panel_page_after_the_confirmation_says_so(client, panel_open):
    procedure = panel_open.advance_to(ProcedureState.ASSESSORS_ASSIGNED)
    login(client, panel_open.secretariat, language="en")

    response = client.get(url("panel", procedure))

    assert response.context["editable"] is True  # still changeable until the assessment starts
    assert response.context["confirmed"] is True
    assert "The panel has been confirmed and the assessment is scheduled." in text(response)
