"""ECEI Silver as ESCA runs it, through the pages and services: the previous benchmarking is
found (an imported record or a scored procedure) and refuses the application when missing or
outside the window; the three improvement areas are named with evidence, reviewed on site by
the panel only, and the decision follows the review."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.benchmarks.services import AssessmentEntry, reference_assessments_record
from clusterlabel.core.reasons import describe
from clusterlabel.domain.award import silver_application_reasons
from clusterlabel.domain.dates import add_months
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import ImprovementArea, Procedure
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.services import ActionRefused
from tests.domain.factories import worst_value
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, grant_role
from tests.helpers import PDF, login, text
from tests.procedures.builders import ProcedureBuilder, ensure_schemes
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

S = ProcedureState


def months_ago(months: int) -> date:
    return add_months(timezone.localdate(), -months)


def import_benchmarking(organisation, on: date) -> ReferenceAssessment:
    """A first benchmarking from ESCA's records, imported into the Bronze pool."""
    bronze = ensure_schemes()["ecei-bronze"]
    reference_assessments_record(
        entries=[
            AssessmentEntry(
                scheme_version=bronze,
                assessed_on=on,
                values={i.id: worst_value(i) for i in bronze.scheme.indicators},
                name=organisation.cluster_name,
                organisation=organisation,
            )
        ],
        actor=None,
    )
    return ReferenceAssessment.objects.get(organisation=organisation, assessed_on=on)


@pytest.fixture
def applicant():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    return manager, organisation


def application_form(**areas: str) -> dict[str, object]:
    silver = ensure_schemes()["ecei-silver"]
    data: dict[str, object] = {
        "scheme_level": f"{silver.pk}:silver",
        "process": "new",
        "assessment_mode": "on_site",
        "note": "",
        "area_1_category": "services",
        "area_1_description": "Neues Matchmaking-Format für KMU und Forschung.",
        "area_1_evidence": "Jahresbericht 2025, S. 12",
        "area_2_category": "interaction",
        "area_2_description": "Arbeitsgruppen neu aufgestellt.",
        "area_2_evidence": "Protokolle der Arbeitsgruppen",
        "area_3_category": "financing",
        "area_3_description": "Mitgliedsbeiträge ausgebaut.",
        "area_3_evidence": "",
    }
    data.update(areas)
    return data


def apply(client, manager, organisation, **areas):
    login(client, manager)
    data = application_form(**areas)
    if "area_3_file" not in data:
        data["area_3_file"] = SimpleUploadedFile("beitraege.pdf", PDF, "application/pdf")
    return client.post(reverse("procedures:create", args=[organisation.pk]), data)


# --- applying -------------------------------------------------------------------------------------


def test_an_imported_first_benchmarking_18_months_back_is_accepted(client, applicant):
    manager, organisation = applicant
    record = import_benchmarking(organisation, months_ago(18))
    login(client, manager)
    page = client.get(reverse("procedures:create", args=[organisation.pk]))
    assert "Aus den Unterlagen des Betreibers übernommen" in text(page)  # German by default
    response = apply(client, manager, organisation)
    procedure = Procedure.objects.get(organisation=organisation)
    assert response.status_code == 302
    areas = list(procedure.improvement_areas.order_by("position"))
    assert [(a.position, a.category_id) for a in areas] == [
        (1, "services"),
        (2, "interaction"),
        (3, "financing"),
    ]
    assert areas[0].evidence_reference == "Jahresbericht 2025, S. 12"
    assert areas[2].evidence_name == "beitraege.pdf" and areas[2].evidence_file
    assert areas[2].evidence_file.read() == PDF
    created = AuditEvent.objects.get(action="procedure.create", target_id=str(procedure.pk))
    assert created.after["previous_benchmarking"] == f"import:{record.pk}"
    assert AuditEvent.objects.filter(action="procedure.improvement_areas").count() == 1
    # Anybody who may see the file downloads the evidence; the page names the benchmarking.
    detail = client.get(reverse("procedures:detail", args=[procedure.pk]))
    assert "Neues Matchmaking-Format" in text(detail)
    download = client.get(
        reverse("procedures:improvement_evidence", args=[procedure.pk, areas[2].pk])
    )
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("months", "german", "english"),
    [
        (
            25,
            "höchstens 24 Monate vor einem ersten Silber-Antrag",
            "may be at most 24 months before a first Silver application",
        ),
        (
            17,
            "mindestens 18 Monate vor dem Antrag",
            "must be at least 18 months before the application",
        ),
    ],
)
def test_a_first_benchmarking_outside_the_window_refuses_the_application(
    client, applicant, months, german, english
):
    manager, organisation = applicant
    import_benchmarking(organisation, months_ago(months))
    response = apply(client, manager, organisation)
    assert response.status_code == 200
    assert not Procedure.objects.filter(organisation=organisation).exists()
    assert not ImprovementArea.objects.exists()
    page = text(response)
    # German by default; the catalogue gets the German at the end of the round, until then
    # the page shows the English sentence (tests/procedures: test_the_refusal_is_in_...).
    assert german in page or english in page
    assert "Neues Matchmaking-Format für KMU und Forschung." in page


def test_the_refusal_is_in_the_users_language(client, applicant):
    manager, organisation = applicant
    import_benchmarking(organisation, months_ago(25))
    login(client, manager, language="en")
    data = application_form()
    response = client.post(reverse("procedures:create", args=[organisation.pk]), data)
    latest = add_months(months_ago(25), 24)
    assert "may be at most 24 months before a first Silver application" in text(response)
    assert f"{latest:%-d %B %Y}" in text(response) or str(latest.year) in text(response)


def test_no_previous_benchmarking_refuses_the_application(client, applicant):
    manager, organisation = applicant
    response = apply(client, manager, organisation)
    assert response.status_code == 200
    assert not Procedure.objects.filter(organisation=organisation).exists()
    login(client, manager, language="en")
    response = client.post(reverse("procedures:create", args=[organisation.pk]), application_form())
    assert "No previous benchmarking of the organisation was found" in text(response)


def test_areas_need_three_categories_and_evidence(client, applicant):
    manager, organisation = applicant
    import_benchmarking(organisation, months_ago(20))
    login(client, manager, language="en")
    response = client.post(
        reverse("procedures:create", args=[organisation.pk]),
        application_form(area_2_category="services", area_3_evidence=""),
    )
    page = text(response)
    assert "is named for two improvement areas" in page
    assert "Please upload evidence or say where it can be found." in page
    assert not Procedure.objects.filter(organisation=organisation).exists()


def test_a_scored_procedure_is_the_previous_benchmarking(client, applicant):
    """A Bronze assessment in this system, 19 months back, is found and becomes the previous
    assessment (its answers prefill the Silver self-assessment); an older import loses."""
    bronze = StateBuilder(scheme_id="ecei-bronze").at(S.AWARDED)
    first = bronze.refresh()
    Procedure.objects.filter(pk=first.pk).update(assessment_date=months_ago(19))
    import_benchmarking(bronze.organisation, months_ago(23))
    response = apply(client, bronze.manager, bronze.organisation)
    assert response.status_code == 302
    silver = Procedure.objects.get(organisation=bronze.organisation, level_id="silver")
    assert silver.previous_procedure_id == first.pk
    created = AuditEvent.objects.get(action="procedure.create", target_id=str(silver.pk))
    assert created.after["previous_benchmarking"] == f"procedure:{first.pk}"
    assert silver.answers.count() == first.answers.count() > 0
    detail = text(client.get(reverse("procedures:detail", args=[silver.pk])))
    assert first.reference in detail


def test_the_submission_checks_the_window_again(applicant):
    """A draft made inside the window is refused when it is submitted too late."""
    manager, organisation = applicant
    record = import_benchmarking(organisation, months_ago(20))
    draft = services.procedure_create(
        organisation=organisation,
        scheme_version=ensure_schemes()["ecei-silver"],
        level_id="silver",
        process="new",
        assessment_mode="on_site",
        actor=manager,
        improvement_areas=[
            services.ImprovementAreaInput(c, "Verbessert.", "Bericht")
            for c in ("services", "interaction", "financing")
        ],
    )
    ReferenceAssessment.objects.filter(pk=record.pk).update(assessed_on=months_ago(26))
    with pytest.raises(ActionRefused) as refused:
        services.procedure_submit_application(procedure=draft, actor=manager)
    assert refused.value.code == "previous_benchmarking_too_old"
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and draft.applied_at is None


# --- the on-site review -------------------------------------------------------------------------


def review_url(procedure: Procedure) -> str:
    return reverse("procedures:improvement_areas", args=[procedure.pk])


def review_post(area: ImprovementArea, validated: str, comment: str) -> dict[str, object]:
    prefix = f"area-{area.pk}"
    return {"area": area.pk, f"{prefix}-validated": validated, f"{prefix}-comment": comment}


def test_an_assessor_of_the_panel_records_the_review(client):
    builder = StateBuilder(scheme_id="ecei-silver").at(S.ASSESSMENT_IN_PROGRESS)
    procedure = builder.refresh()
    area = procedure.improvement_areas.get(category_id="financing")
    login(client, builder.assessors[0])
    page = client.get(review_url(procedure))
    assert "FIN-01" in text(page)
    response = client.post(review_url(procedure), review_post(area, "no", "Nicht belegt."))
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.validated is False
    assert area.gold_criteria == ["FIN-01", "FIN-02", "FIN-03", "FIN-04", "FIN-05"]
    assert area.review_comment == "Nicht belegt." and area.reviewed_by == builder.assessors[0]
    event = AuditEvent.objects.get(action="procedure.improvement_area_review")
    assert event.after["validated"] is False and event.after["category"] == "financing"


def test_a_no_needs_a_comment(client):
    builder = StateBuilder(scheme_id="ecei-silver").at(S.ASSESSMENT_IN_PROGRESS)
    procedure = builder.refresh()
    area = procedure.improvement_areas.first()
    login(client, builder.assessors[0], language="en")
    response = client.post(review_url(procedure), review_post(area, "no", ""))
    assert response.status_code == 400
    assert "Please say why the area is not validated." in text(response)
    area.refresh_from_db()
    assert area.validated is None


@pytest.mark.parametrize("who", ["other_assessor", "manager", "secretariat"])
def test_nobody_but_the_panel_reviews(client, who):
    builder = StateBuilder(scheme_id="ecei-silver").at(S.ASSESSMENT_IN_PROGRESS)
    procedure = builder.refresh()
    area = procedure.improvement_areas.first()
    user = {
        "other_assessor": UserFactory(role=Role.ASSESSOR),
        "manager": builder.manager,
        "secretariat": builder.secretariat,
    }[who]
    login(client, user)
    response = client.post(review_url(procedure), review_post(area, "yes", ""))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.improvement_area_review(area=area, validated=True, comment="", actor=user)
    area.refresh_from_db()
    assert area.validated is None
    assert not AuditEvent.objects.filter(action="procedure.improvement_area_review").exists()


def test_the_panel_reviews_only_while_assessing(client):
    builder = StateBuilder(scheme_id="ecei-silver").at(S.AWAITING_DECISION)
    procedure = builder.refresh()
    area = procedure.improvement_areas.first()
    with pytest.raises(ActionRefused):
        services.improvement_area_review(
            area=area, validated=False, comment="Zu spät.", actor=builder.assessors[0]
        )
    area.refresh_from_db()
    assert area.validated is True


# --- the decision ---------------------------------------------------------------------------------


def test_an_area_not_validated_refuses_silver_and_the_pages_say_which(client):
    builder = StateBuilder(scheme_id="ecei-silver").at(S.ASSESSMENT_IN_PROGRESS)
    procedure = builder.report_ready()  # scored, and every area validated
    services.improvement_area_review(
        area=procedure.improvement_areas.get(category_id="interaction"),
        validated=False,
        comment="Nicht nachgewiesen.",
        actor=builder.assessors[0],
    )
    result = compute_result(procedure)
    assert not result.decision.awarded
    assert result.decision.reason_codes == ("improvement_area_not_validated",)
    assert result.decision.reasons[0].params["gold_criteria"] == ("STR-06", "SRV-04", "SRV-05")
    services.procedure_submit_report(procedure=procedure, actor=builder.assessors[0])
    assert builder.refresh().state == S.AWAITING_DECISION
    login(client, builder.authority, language="en")
    page = text(client.get(reverse("procedures:decision", args=[procedure.pk])))
    assert (
        "The improvement area “Contacts and interaction” was not validated against the Gold "
        "criteria STR-06, SRV-04, SRV-05." in page
    )
    assert "Validated against Gold criteria" in page
    assert "Baseline minimum requirements: all met." in page


def test_a_silver_with_three_validated_areas_is_awarded():
    builder = StateBuilder(scheme_id="ecei-silver").at(S.AWARDED)
    procedure = builder.refresh()
    assert procedure.result["awarded"] is True
    assert procedure.organisation.labels.filter(level_id="silver").exists()
    assert all(area.validated for area in procedure.improvement_areas.all())


def test_a_walked_silver_is_awarded():
    """The real services, step by step: applying with the areas, the panel's review."""
    procedure = ProcedureBuilder(scheme_id="ecei-silver").advance_to(S.AWARDED)
    assert procedure.state == S.AWARDED
    assert procedure.improvement_areas.filter(validated=True).count() == 3


def test_the_manager_sees_the_verdicts_only_after_the_decision_and_a_programme_never(client):
    """The areas are part of the application's file (not for a programme's staff), and the
    panel's verdicts are read like the scores (by the organisation once decided)."""
    builder = StateBuilder(scheme_id="ecei-silver").at(S.AWAITING_DECISION)
    procedure = builder.refresh()
    login(client, builder.manager, language="en")
    page = text(client.get(reverse("procedures:detail", args=[procedure.pk])))
    assert "Neues Matchmaking-Format" in page
    assert "Validated against Gold criteria" not in page
    programme = ProgrammeFactory()
    builder.organisation.programmes.add(programme)
    staff = grant_role(UserFactory(), Role.PROGRAMME, programme=programme)
    login(client, staff, language="en")
    response = client.get(reverse("procedures:detail", args=[procedure.pk]))
    assert response.status_code == 200
    assert "Neues Matchmaking-Format" not in text(response)
    assert client.get(review_url(procedure)).status_code == 404
    services.procedure_decide(procedure=procedure, actor=builder.authority, award=True, reason="")
    login(client, builder.manager, language="en")
    page = text(client.get(reverse("procedures:detail", args=[procedure.pk])))
    assert "Validated against Gold criteria" in page and ": yes" in page


@pytest.mark.parametrize(
    ("language", "name"), [("de", "Kontakte und Interaktion"), ("en", "Contacts and interaction")]
)
def test_a_refused_area_is_named_in_the_users_language(language, name):
    """The domain gives the category's name in both languages; the message picks the page's."""
    silver = ensure_schemes()["ecei-silver"].scheme
    reasons = silver_application_reasons(
        silver,
        "silver",
        process="renewal",
        application_date=timezone.localdate(),
        previous_date=months_ago(30),
        area_categories=["interaction", "interaction", "financing"],
    )
    with translation.override(language):
        assert [name in describe(reason) for reason in reasons] == [True]
