"""The report's and the feedback's services: what they store, what they refuse, the trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain.report import FeedbackRefused, ReportError
from clusterlabel.procedures import services as procedure_services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.services import ActionRefused
from clusterlabel.reports import services
from clusterlabel.reports.models import CategoryFinding, Feedback, ReportAgreement
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.procedures.builders import ProcedureBuilder
from tests.reports.support import WEAKNESS, agree_all, revision, with_report, write_findings

pytestmark = pytest.mark.django_db

RATINGS = {"process": 4, "communication": 5, "panel_expertise": 5, "panel_fairness": 4}


@pytest.fixture
def in_progress() -> ProcedureBuilder:
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    builder.score_all()
    return builder


def first_category(builder: ProcedureBuilder) -> str:
    return builder.procedure.scheme.categories[0].id


def save(builder: ProcedureBuilder, *, based_on: int, actor=None, **texts) -> None:
    services.findings_save(
        procedure=builder.refresh(),
        actor=actor or builder.assessors[0],
        category_id=texts.pop("category_id", first_category(builder)),
        strengths=texts.get("strengths", ["Gute Vernetzung"]),
        weaknesses=texts.get("weaknesses", []),
        recommendations=texts.get("recommendations", []),
        based_on_revision=based_on,
    )


def test_saving_findings_stores_the_cleaned_lists_raises_the_revision_and_is_audited(in_progress):
    save(
        in_progress,
        based_on=0,
        strengths=[" Gute Vernetzung ", "", "Gute Vernetzung"],
        weaknesses=["Wenig KMU"],
    )
    row = CategoryFinding.objects.get(report__procedure=in_progress.procedure)
    assert row.category_id == first_category(in_progress)
    assert row.strengths == ["Gute Vernetzung"]
    assert row.weaknesses == ["Wenig KMU"]
    assert revision(in_progress.procedure) == 1
    event = AuditEvent.objects.filter(action="report.findings").get()
    assert event.procedure_id == in_progress.procedure.pk
    assert event.after["weaknesses"] == ["Wenig KMU"]
    assert event.after["revision"] == 1


def test_saving_the_same_findings_again_changes_nothing(in_progress):
    save(in_progress, based_on=0)
    save(in_progress, based_on=1)
    assert revision(in_progress.procedure) == 1
    assert AuditEvent.objects.filter(action="report.findings").count() == 1


def test_a_save_based_on_an_old_revision_is_refused_and_nothing_is_overwritten(in_progress):
    save(in_progress, based_on=0, strengths=["Erste Fassung"])
    with pytest.raises(ReportError) as error:
        save(in_progress, based_on=0, strengths=["Zweite Fassung"], actor=in_progress.assessors[1])
    assert error.value.code == "report_revision_conflict"
    assert CategoryFinding.objects.get().strengths == ["Erste Fassung"]
    assert revision(in_progress.procedure) == 1


def test_an_unknown_category_is_refused(in_progress):
    with pytest.raises(ReportError) as error:
        save(in_progress, based_on=0, category_id="astrology")
    assert error.value.code == "unknown_category"


def test_an_assessor_not_on_the_panel_cannot_write_the_report(in_progress):
    outsider = UserFactory(role=Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        save(in_progress, based_on=0, actor=outsider)
    with pytest.raises(PermissionDenied):
        save(in_progress, based_on=0, actor=in_progress.manager)
    assert not CategoryFinding.objects.exists()


def test_after_the_assessment_the_report_is_closed():
    builder = with_report(ProcedureState.REPORT_SUBMITTED)
    before = revision(builder.procedure)
    with pytest.raises(ReportError) as error:
        save(builder, based_on=before, strengths=["Nachträglich"])
    assert error.value.code == "report_closed"
    assert revision(builder.procedure) == before


def test_agreeing_needs_findings_in_every_category(in_progress):
    save(in_progress, based_on=0)
    with pytest.raises(ReportError) as error:
        services.structured_report_agree(
            procedure=in_progress.refresh(),
            actor=in_progress.assessors[0],
            summary="Gut.",
            based_on_revision=1,
        )
    assert error.value.code == "categories_lack_findings"
    assert len(error.value.params["categories"]) == len(in_progress.procedure.scheme.categories) - 1
    assert not in_progress.refresh().assignments.filter(report_agreed=True).exists()


def test_agreeing_to_an_old_revision_is_refused(in_progress):
    write_findings(in_progress)
    current = revision(in_progress.procedure)
    with pytest.raises(ReportError) as error:
        services.structured_report_agree(
            procedure=in_progress.refresh(),
            actor=in_progress.assessors[1],
            summary="Gut.",
            based_on_revision=current - 1,
        )
    assert error.value.code == "report_revision_conflict"
    assert not ReportAgreement.objects.exists()


def test_an_edit_after_the_agreement_withdraws_it_and_the_report_cannot_be_submitted(in_progress):
    write_findings(in_progress)
    agree_all(in_progress)
    procedure = in_progress.refresh()
    assert all(a.report_agreed for a in procedure.assignments.all())
    agreed = revision(procedure)
    assert set(ReportAgreement.objects.values_list("revision", flat=True)) == {agreed}
    assert procedure.report_summary == "Ein überzeugendes Clustermanagement."

    save(in_progress, based_on=agreed, strengths=["Geändert nach der Einigung"])
    procedure = in_progress.refresh()
    assert not any(a.report_agreed for a in procedure.assignments.all())
    with pytest.raises(ActionRefused) as refused:
        procedure_services.procedure_submit_report(
            procedure=procedure, actor=in_progress.assessors[0]
        )
    assert refused.value.code == "report_not_agreed"
    assert in_progress.refresh().state == ProcedureState.ASSESSMENT_IN_PROGRESS

    agree_all(in_progress)
    procedure_services.procedure_submit_report(
        procedure=in_progress.refresh(), actor=in_progress.assessors[0]
    )
    assert in_progress.refresh().state == ProcedureState.REPORT_SUBMITTED


# --- feedback -----------------------------------------------------------------------------------


@pytest.fixture
def decided() -> ProcedureBuilder:
    return with_report(ProcedureState.AWARDED)


def give(builder: ProcedureBuilder, actor, ratings=RATINGS, comment: str = "") -> Feedback:
    return services.feedback_give(
        procedure=builder.refresh(), actor=actor, ratings=ratings, comment=comment
    )


def test_the_manager_gives_feedback_once_after_the_decision(decided):
    feedback = give(decided, decided.manager, comment="  Sehr gut organisiert.  ")
    assert (feedback.process, feedback.communication) == (4, 5)
    assert feedback.comment == "Sehr gut organisiert."
    event = AuditEvent.objects.get(action="feedback.give")
    assert "comment" not in event.after and "process" not in event.after
    with pytest.raises(FeedbackRefused) as again:
        give(decided, decided.manager)
    assert again.value.code == "feedback_already_given"
    assert Feedback.objects.count() == 1


def test_a_second_manager_cannot_give_feedback_a_second_time(decided):
    other = UserFactory(role=Role.CLUSTER_MANAGER)
    grant_role(other, Role.CLUSTER_MANAGER, organisation=decided.organisation)
    give(decided, decided.manager)
    with pytest.raises(FeedbackRefused) as again:
        give(decided, other)
    assert again.value.code == "feedback_already_given"


def test_feedback_before_the_decision_is_refused(in_progress):
    with pytest.raises(FeedbackRefused) as error:
        give(in_progress, in_progress.manager)
    assert error.value.code == "not_decided"
    assert not Feedback.objects.exists()


def test_feedback_by_someone_who_is_not_the_organisations_manager_is_refused(decided):
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    for actor in (stranger, decided.secretariat, decided.assessors[0], decided.authority):
        with pytest.raises(FeedbackRefused) as error:
            give(decided, actor)
        assert error.value.code == "not_manager"
    assert not Feedback.objects.exists()


def test_ratings_out_of_range_are_refused(decided):
    with pytest.raises(FeedbackRefused) as error:
        give(decided, decided.manager, ratings={**RATINGS, "panel_fairness": 6})
    assert error.value.code == "rating_invalid"
    assert not Feedback.objects.exists()


def test_the_database_holds_one_feedback_per_procedure(decided):
    give(decided, decided.manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(procedure=decided.procedure, given_by=decided.manager, **RATINGS)


def test_the_database_refuses_a_rating_out_of_range(decided):
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(
            procedure=decided.procedure, given_by=decided.manager, **{**RATINGS, "process": 0}
        )


def test_a_weakness_is_kept_verbatim_with_umlauts(in_progress):
    save(in_progress, based_on=0, weaknesses=[WEAKNESS])
    assert CategoryFinding.objects.get().weaknesses == [WEAKNESS]


def test_once_findings_exist_the_summary_form_cannot_agree_past_them(in_progress):
    """The agreement binds to the structured report's revision: ``report_agree`` without one
    (the summary form) is refused once the panel has written findings, and nothing is agreed."""
    from django.core.exceptions import ValidationError

    write_findings(in_progress)
    with pytest.raises(ValidationError) as error:
        procedure_services.report_agree(
            procedure=in_progress.refresh(), actor=in_progress.assessors[0], summary="Gut."
        )
    assert "summary" in error.value.message_dict
    procedure = in_progress.refresh()
    assert procedure.report_summary == ""
    assert not any(a.report_agreed for a in procedure.assignments.all())
    assert not ReportAgreement.objects.exists()


def test_without_findings_the_summary_form_agrees_as_before(in_progress):
    procedure_services.report_agree(
        procedure=in_progress.refresh(), actor=in_progress.assessors[0], summary="Gut."
    )
    assert in_progress.refresh().assignments.get(assessor=in_progress.assessors[0]).report_agreed


def test_the_personal_data_export_holds_the_feedback_given_and_the_agreements(decided):
    from clusterlabel.privacy.selectors import personal_data_export

    give(decided, decided.manager, comment="Sehr gut.")
    (entry,) = personal_data_export(user=decided.manager)["feedback_given"]
    assert entry | {"given_at": None} == {
        "procedure_id": decided.procedure.pk,
        **RATINGS,
        "comment": "Sehr gut.",
        "given_at": None,
    }
    agreements = personal_data_export(user=decided.assessors[0])["report_agreements"]
    assert [a["procedure_id"] for a in agreements] == [decided.procedure.pk]
    assert agreements[0]["revision"] == revision(decided.procedure)
