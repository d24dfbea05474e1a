"""The report page, its PDF, the feedback pages: what each reader sees, and who is refused.

A permission test tries the forbidden thing and asserts it is refused and that nothing changed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.domain.report import Trend
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.walkthrough import Walkthrough
from clusterlabel.reports.models import CategoryFinding, Feedback
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import login
from tests.procedures.builders import ProcedureBuilder
from tests.reports.support import (
    RECOMMENDATION,
    STRENGTH,
    WEAKNESS,
    pdf_text,
    revision,
    with_report,
)

pytestmark = pytest.mark.django_db

RATINGS = {"process": "4", "communication": "5", "panel_expertise": "5", "panel_fairness": "4"}


def page(pk: int) -> str:
    return reverse("reports:report", args=[pk])


def pdf(pk: int) -> str:
    return reverse("reports:report_pdf", args=[pk])


def feedback_url(pk: int) -> str:
    return reverse("reports:feedback", args=[pk])


@pytest.fixture
def decided() -> ProcedureBuilder:
    return with_report(ProcedureState.AWARDED)


@pytest.fixture
def in_progress() -> ProcedureBuilder:
    return with_report(ProcedureState.ASSESSMENT_IN_PROGRESS)


# --- reading ------------------------------------------------------------------------------------


def test_the_organisation_reads_its_report_once_decided(client, decided):
    login(client, decided.manager)
    response = client.get(page(decided.procedure.pk))
    assert response.status_code == 200
    html = response.content.decode()
    first = decided.procedure.scheme.categories[0]
    assert f"{STRENGTH} ({first.id})" in html
    assert WEAKNESS in html and RECOMMENDATION in html
    assert first.name.de in html  # German is the default language
    assert 'name="action"' not in html  # nothing to edit


def test_the_report_page_reads_a_fixed_number_of_queries(
    client, decided, django_assert_num_queries
):
    login(client, decided.manager)
    client.get(page(decided.procedure.pk))  # the session and the grants are warm from here on
    with django_assert_num_queries(13):
        response = client.get(page(decided.procedure.pk))
    assert response.status_code == 200
    # Ten times the findings, every indicator remarked on: not one query more.
    CategoryFinding.objects.update(strengths=[f"Stärke {n}" for n in range(10)])
    decided.procedure.scores.update(comment="Nachweis geprüft")
    with django_assert_num_queries(13):
        response = client.get(page(decided.procedure.pk))
    assert response.content.decode().count("Stärke 9") == len(decided.procedure.scheme.categories)


def test_the_organisation_cannot_read_the_report_before_the_decision(client):
    builder = with_report(ProcedureState.AWAITING_DECISION)
    login(client, builder.manager)
    assert client.get(page(builder.procedure.pk)).status_code == 404
    assert client.get(pdf(builder.procedure.pk)).status_code == 404


def test_a_manager_of_another_organisation_cannot_read_the_report_or_its_pdf(client, decided):
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    login(client, stranger)
    assert client.get(page(decided.procedure.pk)).status_code == 404
    assert client.get(pdf(decided.procedure.pk)).status_code == 404


def test_the_pdf_is_in_the_organisations_language_with_its_umlauts(client, decided):
    login(client, decided.manager)
    response = client.get(pdf(decided.procedure.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == "de"
    text = pdf_text(response.content)
    assert "Baden-Württemberg" in text  # the scheme's German name
    assert "•" in text  # the bullets print in the embedded font too
    assert WEAKNESS in text  # "überwiegend öffentlich": umlauts print as written
    assert decided.procedure.scheme.categories[0].name.de in text
    english = pdf_text(client.get(pdf(decided.procedure.pk) + "?lang=en").content)
    assert "Assessment report" in english
    assert "Strengths" in english and decided.procedure.scheme.categories[0].name.en in english


def test_a_board_member_reads_the_report_only_in_the_board_review(client):
    builder = with_report(ProcedureState.BOARD_REVIEW)
    member = builder.board[0]
    login(client, member)
    assert client.get(page(builder.procedure.pk)).status_code == 200
    builder.walk.step()  # the board votes: awaiting the decision
    assert builder.refresh().state == ProcedureState.AWAITING_DECISION
    assert client.get(page(builder.procedure.pk)).status_code == 404
    assert client.get(pdf(builder.procedure.pk)).status_code == 404


def test_the_authority_reads_the_report_before_it_decides(client):
    builder = with_report(ProcedureState.AWAITING_DECISION)
    login(client, builder.authority)
    html = client.get(page(builder.procedure.pk)).content.decode()
    assert WEAKNESS in html
    decision = client.get(reverse("procedures:decision", args=[builder.procedure.pk]))
    assert page(builder.procedure.pk) in decision.content.decode()


# --- writing -----------------------------------------------------------------------------------


def post_findings(client, builder: ProcedureBuilder, text: str, based_on: int):
    category = builder.procedure.scheme.categories[0].id
    prefix = f"c-{category}-"
    return client.post(
        page(builder.procedure.pk),
        {
            "category_id": category,
            prefix + "category_id": category,
            prefix + "revision": based_on,
            prefix + "strengths": text,
            prefix + "weaknesses": "",
            prefix + "recommendations": "",
        },
    )


def test_the_panel_edits_the_findings_on_the_page(client, in_progress):
    login(client, in_progress.assessors[1])
    current = revision(in_progress.procedure)
    response = post_findings(client, in_progress, "Neu\nZweiter Punkt", current)
    assert response.status_code == 302
    category = in_progress.procedure.scheme.categories[0].id
    row = CategoryFinding.objects.get(category_id=category)
    assert row.strengths == ["Neu", "Zweiter Punkt"]
    assert revision(in_progress.procedure) == current + 1


def test_a_stale_edit_on_the_page_is_refused_with_the_reason(english_client, in_progress):
    login(english_client, in_progress.assessors[1])
    current = revision(in_progress.procedure)
    response = post_findings(english_client, in_progress, "Alt", current - 1)
    assert response.status_code == 409
    assert "Another assessor changed the report" in response.content.decode()
    assert revision(in_progress.procedure) == current


def test_an_assessor_not_on_the_panel_cannot_edit_the_report(client, in_progress):
    outsider = UserFactory(role=Role.ASSESSOR)
    login(client, outsider)
    current = revision(in_progress.procedure)
    assert post_findings(client, in_progress, "Eingeschleust", current).status_code == 404
    assert revision(in_progress.procedure) == current
    assert all("Eingeschleust" not in row.strengths for row in CategoryFinding.objects.all())


def test_the_authority_reads_but_cannot_edit_during_the_assessment(client, in_progress):
    login(client, in_progress.authority)
    assert client.get(page(in_progress.procedure.pk)).status_code == 200
    current = revision(in_progress.procedure)
    assert post_findings(client, in_progress, "Von der Behörde", current).status_code == 404
    assert revision(in_progress.procedure) == current


def test_the_panel_agrees_on_the_page(client, in_progress):
    assessor = in_progress.assessors[0]
    login(client, assessor)
    response = client.post(
        page(in_progress.procedure.pk),
        {"action": "agree", "revision": revision(in_progress.procedure), "summary": "Gut."},
    )
    assert response.status_code == 302
    assert in_progress.refresh().assignments.get(assessor=assessor).report_agreed


# --- feedback ------------------------------------------------------------------------------------


def test_the_manager_gives_feedback_once_after_the_decision(english_client, decided):
    login(english_client, decided.manager)
    detail = english_client.get(reverse("procedures:detail", args=[decided.procedure.pk]))
    assert feedback_url(decided.procedure.pk) in detail.content.decode()
    response = english_client.post(feedback_url(decided.procedure.pk), {**RATINGS, "comment": ""})
    assert response.status_code == 302
    assert Feedback.objects.get().panel_expertise == 5
    again = english_client.post(feedback_url(decided.procedure.pk), RATINGS)
    assert again.status_code == 400
    assert "has already been given" in again.content.decode()
    assert Feedback.objects.count() == 1


def test_feedback_before_the_decision_is_refused_with_its_reason(english_client):
    builder = with_report(ProcedureState.AWAITING_DECISION)
    login(english_client, builder.manager)
    response = english_client.post(feedback_url(builder.procedure.pk), RATINGS)
    assert response.status_code == 400
    assert "once the procedure has been decided" in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_by_someone_who_is_not_the_manager_is_refused(client, decided):
    login(client, decided.secretariat)
    assert client.post(feedback_url(decided.procedure.pk), RATINGS).status_code == 403
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    login(client, stranger)
    assert client.post(feedback_url(decided.procedure.pk), RATINGS).status_code == 404
    assert not Feedback.objects.exists()


def test_the_secretariat_reads_the_aggregate_and_an_organisation_does_not(client, decided):
    login(client, decided.manager)
    client.post(feedback_url(decided.procedure.pk), RATINGS)
    url = reverse("reports:feedback_summary", args=[decided.procedure.scheme_version.scheme_id])
    assert client.get(url).status_code == 404
    login(client, decided.secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["summary"].overall.count == 1
    assert response.context["summary"].experts == []  # one rating: no expert line


def test_a_renewal_compares_each_category_with_the_previous_assessment(english_client):
    first = ProcedureBuilder(scheme_id="ecei-bronze")
    first.advance_to(ProcedureState.AWARDED)
    renewal = services.procedure_create(
        organisation=first.organisation,
        scheme_version=first.version,
        level_id="bronze",
        process="renewal",
        assessment_mode="on_site",
        previous_procedure=first.procedure,
        actor=first.manager,
    )
    walk = Walkthrough(
        procedure=renewal,
        manager=first.manager,
        secretariat=first.secretariat,
        assessors=first.assessors,
        authority=first.authority,
    )
    walk.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    login(english_client, first.assessors[0])
    response = english_client.get(page(renewal.pk))
    view = response.context["report"]
    assert view.has_previous
    assert view.previous_date == first.refresh().assessment_date
    assert [s.category_id for s in view.sections] == [c.id for c in renewal.scheme.categories]
    # Nothing scored yet in the renewal: every category was at its best then, at 0 % now.
    for section in view.sections:
        assert section.comparison.then == Decimal(100)
        assert section.comparison.now == Decimal(0)
        assert section.comparison.trend == Trend.DECLINED
    assert "Previous assessment: 100.0 % · now: 0.0 % (declined)" in response.content.decode()
    text = pdf_text(english_client.get(pdf(renewal.pk) + "?lang=en").content)
    assert "Compared with the previous assessment of" in text


def test_a_secretariat_of_another_scheme_does_not_read_the_aggregate(client):
    from tests.factories import grant_role

    bw_only = UserFactory()
    grant_role(bw_only, Role.SECRETARIAT, scheme_id="bw-cluster-excellence")
    login(client, bw_only)
    assert client.get(reverse("reports:feedback_summary", args=["ecei-gold"])).status_code == 404
    assert (
        client.get(reverse("reports:feedback_summary", args=["bw-cluster-excellence"])).status_code
        == 200
    )


def test_a_refused_finding_is_shown_again_as_typed_with_the_reason(english_client, in_progress):
    login(english_client, in_progress.assessors[0])
    current = revision(in_progress.procedure)
    typed = "Kurz\n" + "x" * 501
    response = post_findings(english_client, in_progress, typed, current)
    assert response.status_code == 400
    html = response.content.decode()
    assert "keep each one to at most 500" in html
    assert "x" * 501 in html  # the assessor's text is not lost
    assert revision(in_progress.procedure) == current


def test_the_summary_form_sends_the_assessor_to_the_findings_page(english_client, in_progress):
    login(english_client, in_progress.assessors[0])
    response = english_client.post(
        reverse("procedures:report", args=[in_progress.procedure.pk]), {"summary": "Gut."}
    )
    assert response.status_code == 400
    assert "please agree to the report on the Findings page" in response.content.decode()
    assert not in_progress.refresh().assignments.filter(report_agreed=True).exists()


def test_the_secretariat_finds_the_aggregate_from_its_start_page(
    english_client, decided, django_assert_num_queries
):
    login(english_client, decided.manager)
    english_client.post(feedback_url(decided.procedure.pk), RATINGS)
    assert english_client.get(reverse("reports:feedback_index")).status_code == 404
    login(english_client, decided.secretariat)
    start = english_client.get("/").content.decode()
    assert reverse("reports:feedback_index") in start
    index = english_client.get(reverse("reports:feedback_index"))
    assert ("bw-cluster-excellence", "Cluster Excellence Baden-Württemberg", 1) in [
        (scheme_id, str(name), count) for scheme_id, name, count in index.context["schemes"]
    ]
    url = reverse("reports:feedback_summary", args=["bw-cluster-excellence"])
    english_client.get(url)
    # session, user, grants, the scheme's operator, feedback, panels, scheme versions
    with django_assert_num_queries(7):
        english_client.get(url)


def test_a_silver_report_shows_the_improvement_areas_and_the_earlier_benchmarking(english_client):
    builder = with_report(ProcedureState.AWARDED, scheme_id="ecei-silver")
    login(english_client, builder.manager)
    response = english_client.get(page(builder.procedure.pk))
    view = response.context["report"]
    assert [area.verdict for area in view.areas] == ["validated"] * len(view.areas)
    assert len(view.areas) == 3
    assert view.has_previous  # the first benchmarking, 20 months ago, from the pool
    improved = [s for s in view.sections if s.comparison and s.comparison.trend == Trend.IMPROVED]
    assert len(improved) >= 3
    html = response.content.decode()
    assert "Improvement areas" in html and "(validated)" in html
    text = pdf_text(english_client.get(pdf(builder.procedure.pk) + "?lang=en").content)
    assert "Improvement areas" in text and "validated" in text
