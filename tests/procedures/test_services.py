"""The procedure's services: each step as the domain allows it, audited, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import verify_chain
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from tests.factories import OrganisationFactory, UserFactory
from tests.procedures.builders import ProcedureBuilder, failing_minimum_values

pytestmark = pytest.mark.django_db


def events(procedure: Procedure, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(procedure_id=procedure.pk, action=action))


def test_bw_procedure_walks_to_award_with_every_step_audited_and_the_result_stored():
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.AWARDED)

    actions = list(
        AuditEvent.objects.filter(procedure_id=procedure.pk)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    transitions = [a for a in actions if a.startswith("procedure.")]
    assert transitions == [
        "procedure.create",
        "procedure.submit_application",
        "procedure.accept_application",
        "procedure.submit_self_assessment",
        "procedure.assign_assessors",
        "procedure.start_assessment",
        "procedure.submit_report",
        "procedure.send_to_board",
        "procedure.record_board_vote",
        "procedure.record_board_vote",
        "procedure.record_board_vote",
        "procedure.close_board_review",
        "procedure.award",
    ]
    assert actions.count("score.change") == 34
    assert actions.count("score.confirm") == 34  # the second assessor confirmed every score
    award = events(procedure, "procedure.award")[0]
    assert award.before == {"state": "awaiting_decision"}
    assert award.after["state"] == "awarded"
    assert award.actor == builder.authority
    assert procedure.result["awarded"] is True
    assert procedure.result["points"] == procedure.result["max_points"] == 165
    # The BW award also yields the recognised ECEI Gold label.
    assert procedure.result["recognitions"] == [
        {"scheme": "ecei-gold", "scheme_family": "ecei", "level": "gold"}
    ]
    assert verify_chain().ok


def test_accepting_freezes_the_fee_with_vat_and_the_ministrys_subsidy():
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.CONTRACTED)
    assert (procedure.fee_net, procedure.fee_vat, procedure.fee_gross) == (
        Decimal("4975.00"),
        Decimal("945.25"),
        Decimal("5920.25"),
    )
    # The ministry pays half of the gross, the organisation the rest: together the gross.
    assert procedure.fee_subsidy == Decimal("2960.13")
    assert procedure.fee_payable_gross == Decimal("2960.12")
    assert "Ministerium" in procedure.fee_subsidy_payer


def test_submitting_twice_is_refused_and_changes_nothing():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.APPLIED)
    count = AuditEvent.objects.count()
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_submit_application(procedure=procedure, actor=builder.manager)
    assert refused.value.code == "wrong_state"
    assert builder.refresh().state == ProcedureState.APPLIED
    assert AuditEvent.objects.count() == count


def test_incomplete_self_assessment_cannot_be_submitted():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.CONTRACTED)
    services.self_assessment_save(
        procedure=procedure, actor=builder.manager, values={"STR-01": Decimal(90)}
    )
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=procedure, actor=builder.manager, action="submit_self_assessment"
        )
    assert refused.value.code == "self_assessment_incomplete"
    assert refused.value.blocked[0].params["missing"] == 33


def test_invalid_self_assessment_values_are_all_named_and_nothing_is_saved():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.CONTRACTED)
    with pytest.raises(InvalidIndicatorValues) as invalid:
        services.self_assessment_save(
            procedure=procedure,
            actor=builder.manager,
            values={"STR-01": Decimal(90), "STR-02": Decimal(140), "PRO-01": "no-such-choice"},
        )
    assert {p.indicator_id for p in invalid.value.problems} == {"STR-02", "PRO-01"}
    assert not procedure.answers.exists()


def test_a_manager_of_another_organisation_cannot_save_answers():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.CONTRACTED)
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    with pytest.raises(PermissionDenied):
        services.self_assessment_save(
            procedure=procedure, actor=stranger, values={"STR-01": Decimal(1)}
        )
    assert not procedure.answers.exists()


@pytest.mark.parametrize(
    ("action", "role"),
    [
        ("accept_application", Role.CLUSTER_MANAGER),
        ("accept_application", Role.ASSESSOR),
        ("accept_application", Role.ADMINISTRATOR),
        ("withdraw", Role.SECRETARIAT),
    ],
)
def test_a_step_by_the_wrong_role_is_refused(action, role):
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.APPLIED)
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=procedure, actor=UserFactory(role=role), action=action, reason="x"
        )
    assert refused.value.code == "wrong_role"
    assert builder.refresh().state == ProcedureState.APPLIED


def test_withdrawal_needs_a_reason_and_is_recorded_with_it():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.CONTRACTED)
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=procedure, actor=builder.manager, action="withdraw", reason="  "
        )
    assert refused.value.code == "reason_required"
    services.procedure_transition(
        procedure=procedure, actor=builder.manager, action="withdraw", reason="Zu früh."
    )
    assert builder.refresh().state == ProcedureState.WITHDRAWN
    assert events(procedure, "procedure.withdraw")[0].reason == "Zu früh."


def test_gold_panel_needs_one_national_and_one_foreign_assessor():
    german = [UserFactory(role=Role.ASSESSOR, country="DE") for _ in range(2)]
    builder = ProcedureBuilder(scheme_id="ecei-gold", assessors=german)
    procedure = builder.advance_to(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    builder.walk.propose_panel()
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=procedure, actor=builder.secretariat, action="assign_assessors"
        )
    assert refused.value.code == "national_and_foreign_assessors_required"
    assert dict(refused.value.blocked[0].params) == {"country": "DE", "national": 2, "foreign": 0}


def test_undeclared_conflict_blocks_the_panel():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    services.panel_propose(
        procedure=procedure,
        actor=builder.secretariat,
        assessors=builder.assessors,
        assessment_date=builder.walk.assessment_date(),
    )
    services.conflict_declare(procedure=procedure, actor=builder.assessors[0], no_conflict=True)
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=procedure, actor=builder.secretariat, action="assign_assessors"
        )
    assert refused.value.code == "conflict_of_interest_not_declared"


def test_declaring_a_conflict_needs_a_note_and_removes_the_assessor():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    services.panel_propose(
        procedure=procedure,
        actor=builder.secretariat,
        assessors=builder.assessors,
        assessment_date=builder.walk.assessment_date(),
    )
    with pytest.raises(ValidationError):
        services.conflict_declare(
            procedure=procedure, actor=builder.assessors[0], no_conflict=False
        )
    services.conflict_declare(
        procedure=procedure,
        actor=builder.assessors[0],
        no_conflict=False,
        note="Ich war bis 2024 im Vorstand des Clusters.",
    )
    assert list(procedure.assignments.values_list("assessor", flat=True)) == [
        builder.assessors[1].pk
    ]
    event = events(procedure, "panel.declare_conflict")[0]
    assert event.reason == "Ich war bis 2024 im Vorstand des Clusters."


def test_second_assessor_saving_a_stale_score_is_told_and_overwrites_nothing():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    first, second = builder.assessors
    services.score_save(
        procedure=procedure,
        actor=first,
        indicator_id="STR-01",
        value=Decimal(85),
        comment="",
        evidence_seen="Mitgliederliste",
        based_on_revision=0,
    )
    with pytest.raises(services.ScoreConflict) as conflict:
        services.score_save(
            procedure=procedure,
            actor=second,
            indicator_id="STR-01",
            value=Decimal(70),
            comment="",
            evidence_seen="Mitgliederliste",
            based_on_revision=0,
        )
    assert conflict.value.score.value == "85"
    assert procedure.scores.get(indicator_id="STR-01").value == "85"


def test_differing_scores_must_be_agreed_before_the_report_can_be_submitted():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    first, second = builder.assessors
    builder.walk.score_all()
    score = procedure.scores.get(indicator_id="STR-01")
    services.score_save(
        procedure=procedure,
        actor=second,
        indicator_id="STR-01",
        value=Decimal(70),
        comment="Nur 70 bestätigt",
        evidence_seen="Mitgliederliste",
        based_on_revision=score.revision,
    )
    for assessor in builder.assessors:
        services.report_agree(procedure=procedure, actor=assessor, summary="Bericht")
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_submit_report(procedure=procedure, actor=first)
    assert refused.value.code == "assessor_scores_disagree"
    assert refused.value.blocked[0].params == {"count": 1}
    services.score_confirm(
        procedure=procedure, actor=first, indicator_id="STR-01", revision=score.revision + 1
    )
    services.procedure_submit_report(procedure=procedure, actor=first)
    assert builder.refresh().state == ProcedureState.REPORT_SUBMITTED


def test_authority_cannot_award_against_the_scheme_rules_but_can_refuse():
    builder = ProcedureBuilder(score_values=None)
    builder.walk.scores = failing_minimum_values(builder.scheme)
    procedure = builder.advance_to(ProcedureState.BOARD_REVIEW)
    for member in builder.board:
        services.board_vote_record(
            procedure=procedure, actor=member, in_favour=False, reason="Mindestkriterium fehlt"
        )
    services.procedure_transition(
        procedure=procedure, actor=builder.secretariat, action="close_board_review"
    )
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_decide(
            procedure=procedure, actor=builder.authority, award=True, reason=""
        )
    assert {b.code for b in refused.value.blocked} == {
        "award_rules_not_met",
        "board_recommended_against",
    }
    services.procedure_decide(
        procedure=procedure, actor=builder.authority, award=False, reason="Mindestkriterium"
    )
    procedure = builder.refresh()
    assert procedure.state == ProcedureState.REFUSED
    assert procedure.result["awarded"] is False
    assert procedure.result["reasons"][0]["code"] == "minimum_criterion_failed"


def test_a_no_vote_needs_a_reason():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.BOARD_REVIEW)
    with pytest.raises(ValidationError):
        services.board_vote_record(
            procedure=procedure, actor=builder.board[0], in_favour=False, reason=" "
        )
    assert not procedure.board_votes.exists()


def test_voting_again_replaces_the_members_vote():
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.BOARD_REVIEW)
    member = builder.board[0]
    services.board_vote_record(procedure=procedure, actor=member, in_favour=False, reason="Zweifel")
    services.board_vote_record(procedure=procedure, actor=member, in_favour=True, reason="")
    assert list(procedure.board_votes.values_list("in_favour", flat=True)) == [True]


def test_the_next_party_is_emailed_in_their_language(django_capture_on_commit_callbacks):
    builder = ProcedureBuilder()
    builder.secretariat.preferred_language = "en"
    builder.secretariat.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.procedure_submit_application(procedure=builder.procedure, actor=builder.manager)
    (message,) = [m for m in mail.outbox if builder.secretariat.email in m.to]
    assert "Application submitted" in message.subject
    assert "It is now your turn" in message.body
    assert f"/procedures/{builder.procedure.pk}/" in message.body


def test_the_decision_is_emailed_to_the_organisation(django_capture_on_commit_callbacks):
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.procedure_decide(
            procedure=procedure, actor=builder.authority, award=True, reason="Glückwunsch"
        )
    recipients = {address for m in mail.outbox for address in m.to}
    assert builder.manager.email in recipients
    german = next(m for m in mail.outbox if builder.manager.email in m.to)
    assert "Verliehen" in german.subject or "Ausgezeichnet" in german.subject


def test_transitions_are_exactly_the_domain_table():
    # Guard against a service that moves a state by itself: every state change in the audit
    # trail of a full walk is a row of the domain's table.
    builder = ProcedureBuilder(scheme_id="ecei-gold")
    procedure = builder.advance_to(ProcedureState.AWARDED)
    pairs = {
        (e.action.removeprefix("procedure."), e.before["state"], e.after["state"])
        for e in AuditEvent.objects.filter(
            procedure_id=procedure.pk, action__startswith="procedure."
        )
        if e.before
    }
    table = {
        (row.action.value, source.value, row.target.value)
        for row in flow.TRANSITIONS
        for source in row.source
    }
    assert pairs <= table


def test_a_renewal_starts_from_the_last_cycles_answers_and_extends_the_label_seamlessly():
    from clusterlabel.labels.models import Label

    first = ProcedureBuilder(scheme_id="ecei-bronze")
    first.advance_to(ProcedureState.AWARDED)
    old_label = Label.objects.get(procedure=first.procedure)
    renewal = services.procedure_create(
        organisation=first.organisation,
        scheme_version=first.version,
        level_id="bronze",
        process="renewal",
        assessment_mode="on_site",
        previous_procedure=first.procedure,
        actor=first.manager,
    )
    assert renewal.answers.count() == 36
    assert dict(renewal.answers.values_list("indicator_id", "value")) == dict(
        first.procedure.answers.values_list("indicator_id", "value")
    )
    from clusterlabel.procedures.walkthrough import Walkthrough

    Walkthrough(
        procedure=renewal,
        manager=first.manager,
        secretariat=first.secretariat,
        assessors=first.assessors,
        authority=first.authority,
    ).advance_to(ProcedureState.AWARDED)
    new_label = Label.objects.get(procedure=renewal)
    old_label.refresh_from_db()
    # ECEI: a renewal within the grace period continues seamlessly for 36 months.
    assert new_label.previous == old_label
    assert new_label.valid_from == old_label.valid_until + timedelta(days=1)
    assert new_label.first_awarded_on == old_label.first_awarded_on
    assert old_label.state == "superseded"
