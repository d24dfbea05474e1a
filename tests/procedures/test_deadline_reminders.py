"""Deadline reminders: once per deadline, to whoever must act, in their language, through the
daily command beside the expiry reminders."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import formats, translation

from clusterlabel.accounts.choices import Role
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.deadline_reminders import (
    Outcome,
    deadline_reminder_offsets,
    deadline_reminders_send,
)
from clusterlabel.procedures.models import DeadlineReminder, Procedure
from clusterlabel.procedures.selectors import procedure_deadline
from tests.factories import UserFactory, grant_role
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


def send(today: date, *args: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


def outbox_to() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def day_in(language: str, day: date) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def due_of(procedure: Procedure) -> date:
    deadline = procedure_deadline(procedure)
    assert deadline is not None
    return deadline.due


@pytest.fixture
def contracted() -> StateBuilder:
    """A BW procedure waiting for its self-assessment; the organisation has a German and an
    English manager."""
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.CONTRACTED)
    builder.manager.first_name, builder.manager.last_name = "Greta", "Gruber"
    builder.manager.preferred_language = "de"
    builder.manager.save()
    builder.english = UserFactory(preferred_language="en", first_name="Emma", last_name="Eaton")
    grant_role(builder.english, Role.CLUSTER_MANAGER, organisation=builder.organisation)
    return builder


def test_a_reminder_goes_out_once_per_deadline_and_offset(contracted):
    procedure = contracted.refresh()
    due = due_of(procedure)
    managers = sorted([contracted.manager.email, contracted.english.email])

    output = send(due - timedelta(days=7))
    assert outbox_to() == managers
    assert f"[deadline] sent: {procedure.reference}" in output
    assert "step self_assessment" in output and "reminder 7 days before" in output
    assert "[deadline] 1 deadline reminders sent" in output

    send(due - timedelta(days=7))
    send(due - timedelta(days=3))  # still the week-before reminder: already had
    assert outbox_to() == managers
    records = DeadlineReminder.objects.filter(procedure=procedure)
    assert sorted(records.values_list("email", flat=True)) == managers
    assert set(records.values_list("step", "due", "offset", "state_entered_at")) == {
        ("self_assessment", due, 7, procedure.state_entered_at)
    }

    send(due)  # on the day
    send(due + timedelta(days=1))  # overdue
    send(due + timedelta(days=20))  # overdue is said once
    assert len(mail.outbox) == 6
    assert sorted(records.values_list("offset", flat=True)) == [-1, -1, 0, 0, 7, 7]


def test_each_manager_reads_it_in_their_language(contracted):
    procedure = contracted.refresh()
    due = due_of(procedure)
    send(due + timedelta(days=3))  # three days overdue: the overdue reminder
    by_address = {message.to[0]: message for message in mail.outbox}
    german = by_address[contracted.manager.email]
    english = by_address[contracted.english.email]

    assert english.subject.startswith(f"[clusterlabel] {procedure.reference}: overdue since ")
    assert "Submit the self-assessment" in english.subject
    assert english.body.startswith("Hello Emma Eaton,")
    assert "It is 3 days overdue." in english.body
    assert f"/procedures/{procedure.pk}/" in english.body
    assert day_in("en", due) in english.body

    assert german.body.startswith("Guten Tag Greta Gruber,")
    assert "Diese Nachricht wurde automatisch von clusterlabel versandt." in german.body
    assert day_in("de", due) in german.body
    assert day_in("de", due) != day_in("en", due)


def test_the_assessors_on_the_panel_are_reminded_and_nobody_else():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(
        ProcedureState.ASSESSMENT_IN_PROGRESS
    )
    outsider = UserFactory(role=Role.ASSESSOR)  # holds the role, is not on the panel
    procedure = builder.refresh()
    send(due_of(procedure))
    panel = sorted(a.email for a in builder.assessors)
    assert outbox_to() == panel
    assert outsider.email not in outbox_to()
    assert builder.secretariat.email not in outbox_to()
    assert builder.manager.email not in outbox_to()
    # In the assessor's language (German by default).
    assert "Indikatoren bewerten und Bewertungsbericht einreichen" in mail.outbox[0].subject


def test_an_assessor_who_lost_the_role_is_not_reminded():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(
        ProcedureState.ASSESSMENT_IN_PROGRESS
    )
    leaving = builder.assessors[0]
    leaving.grants.all().delete()
    send(due_of(builder.refresh()))
    assert outbox_to() == sorted(a.email for a in builder.assessors[1:])


def test_the_board_members_who_still_owe_a_vote_and_the_secretariat_are_reminded():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.BOARD_REVIEW)
    voted, waiting, *_ = builder.board
    services.board_vote_record(
        procedure=builder.refresh(), actor=voted, in_favour=True, reason="Überzeugend."
    )
    conflicted = UserFactory(role=Role.BOARD_MEMBER)
    services.board_conflict_declare(
        procedure=builder.refresh(),
        actor=conflicted,
        no_conflict=False,
        note="Ich berate die Organisation.",
    )
    undeclared = UserFactory(role=Role.BOARD_MEMBER)  # must declare, then vote
    procedure = builder.refresh()
    send(due_of(procedure) - timedelta(days=7))
    expected = sorted(
        [m.email for m in builder.board[1:]] + [undeclared.email, builder.secretariat.email]
    )
    assert outbox_to() == expected
    assert voted.email not in outbox_to() and conflicted.email not in outbox_to()
    assert waiting.email in outbox_to()


def test_moving_on_stops_the_old_steps_reminders(contracted):
    procedure = contracted.refresh()
    old_due = due_of(procedure)
    send(old_due - timedelta(days=7))
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    moved = contracted.step()  # the self-assessment is submitted
    assert moved.state == ProcedureState.SELF_ASSESSMENT_SUBMITTED
    send(old_due + timedelta(days=1))  # the old step would be overdue now
    managers = {contracted.manager.email, contracted.english.email}
    assert not managers & set(outbox_to())
    assert not DeadlineReminder.objects.filter(step="self_assessment", offset=-1).exists()
    # what is due now is the panel, the secretariat's
    new_due = due_of(moved)
    mail.outbox.clear()
    send(new_due)
    assert outbox_to() == [contracted.secretariat.email]
    assert DeadlineReminder.objects.filter(step="panel", offset=0).count() == 1


def test_a_moved_assessment_date_starts_a_new_series():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.ASSESSORS_ASSIGNED)
    procedure = builder.refresh()
    first = procedure.assessment_date
    assert first is not None and due_of(procedure) == first
    send(first - timedelta(days=7))
    assert len(mail.outbox) == len(builder.assessors)

    later = first + timedelta(days=14)
    Procedure.objects.filter(pk=procedure.pk).update(assessment_date=later)
    send(first)  # the old day: the new date is two weeks off, nothing is due
    assert len(mail.outbox) == len(builder.assessors)
    send(later - timedelta(days=7))  # a week before the new date: reminded again
    assert len(mail.outbox) == 2 * len(builder.assessors)
    assert set(DeadlineReminder.objects.values_list("due", flat=True)) == {first, later}


def test_a_dry_run_sends_and_records_nothing(contracted):
    procedure = contracted.refresh()
    output = send(due_of(procedure), "--dry-run")
    assert mail.outbox == []
    assert not DeadlineReminder.objects.exists()
    assert f"[deadline] would send: {procedure.reference}" in output
    assert "[deadline] 1 deadline reminders would be sent" in output
    assert "[expiry] 0 reminders would be sent" in output


def test_the_command_says_which_line_is_which(contracted):
    procedure = contracted.refresh()
    lines = send(due_of(procedure)).strip().splitlines()
    assert lines[0].startswith("[expiry] 0 reminders sent on ")
    mine = [line for line in lines if line.startswith("[deadline] ")]
    assert len(mine) == 2
    assert mine[0].startswith(f"[deadline] sent: {procedure.reference} ")
    assert mine[1].startswith("[deadline] 1 deadline reminders sent on ")
    assert mine[1].endswith("(days before the due date: 7, 0, -1).")
    assert not [line for line in lines if "deadline" in line and line not in mine]


def test_nobody_to_write_to_is_reported_and_recorded_for_nobody():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWAITING_DECISION)
    builder.authority.grants.all().delete()
    procedure = builder.refresh()
    results = deadline_reminders_send(today=due_of(procedure))
    assert [(r.procedure.pk, r.outcome) for r in results] == [(procedure.pk, Outcome.NO_RECIPIENTS)]
    assert not DeadlineReminder.objects.exists()


def test_a_failing_mail_server_is_retried_for_that_person(contracted, monkeypatch):
    procedure = contracted.refresh()
    due = due_of(procedure)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("clusterlabel.procedures.deadline_reminders.send_mail", broken)
    output = send(due)
    assert "[deadline] failed:" in output
    assert not DeadlineReminder.objects.exists()
    monkeypatch.undo()
    send(due)
    assert len(mail.outbox) == 2


@override_settings(DEADLINE_REMINDER_DAYS=[3, -2, 3])
def test_the_offsets_come_from_the_settings(contracted):
    assert deadline_reminder_offsets() == (3, -2)
    due = due_of(contracted.refresh())
    send(due - timedelta(days=4))
    assert mail.outbox == []  # not yet three days before
    send(due + timedelta(days=1))  # the three-days-before reminder, late
    send(due + timedelta(days=1))
    assert len(mail.outbox) == 2
    send(due + timedelta(days=2))  # two days overdue
    assert len(mail.outbox) == 4
    assert sorted(DeadlineReminder.objects.values_list("offset", flat=True)) == [-2, -2, 3, 3]
