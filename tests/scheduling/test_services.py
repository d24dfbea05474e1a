"""The scheduling services: availability, proposals, fixing and changing the appointment."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain.scheduling import AgendaItem, Period
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.services import ActionRefused
from clusterlabel.scheduling import services
from clusterlabel.scheduling.models import Appointment, AppointmentProposal, Availability
from clusterlabel.scheduling.selectors import schedule_facts
from tests.factories import UserFactory
from tests.scheduling.conftest import first_day
from tests.states import StateBuilder

AGENDA = [AgendaItem(1, time(9), "Begrüßung"), AgendaItem(2, time(14), "Abschlussgespräch")]


def fix(builder, start, **kwargs):
    values = {"mode": "on_site", "address": "Hauptstr. 1, 68161 Mannheim", "agenda": AGENDA}
    values |= kwargs
    return services.appointment_fix(
        procedure=builder.refresh(), actor=builder.secretariat, start_date=start, **values
    )


# --- availability ----------------------------------------------------------------------------


def test_an_assessor_records_a_period_audited(db, gold) -> None:
    assessor = gold.assessors[0]
    today = timezone.localdate()
    period = services.availability_add(
        actor=assessor, start=today + timedelta(days=100), end=today + timedelta(days=110), note="x"
    )
    assert Availability.objects.filter(assessor=assessor).count() == 2
    event = AuditEvent.objects.filter(action="availability.add", target_id=str(period.pk)).get()
    assert event.actor == assessor


def test_an_overlapping_period_is_refused_naming_the_one_it_overlaps(db, gold, english) -> None:
    assessor = gold.assessors[0]
    today = timezone.localdate()
    with pytest.raises(ActionRefused) as refused:
        services.availability_add(
            actor=assessor, start=today + timedelta(days=80), end=today + timedelta(days=90)
        )
    (blocked,) = refused.value.blocked
    assert blocked.code == "availability_overlaps"
    assert blocked.params["start"] == today + timedelta(days=20)
    assert blocked.params["end"] == today + timedelta(days=80)
    assert Availability.objects.filter(assessor=assessor).count() == 1
    # The day after the last one touches it, and is fine.
    services.availability_add(
        actor=assessor, start=today + timedelta(days=81), end=today + timedelta(days=90)
    )


def test_only_assessors_record_availability_and_only_remove_their_own(db, gold) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.availability_add(actor=gold.manager, start=today, end=today)
    with pytest.raises(PermissionDenied):
        services.availability_add(actor=gold.secretariat, start=today, end=today)
    other_period = Availability.objects.get(assessor=gold.assessors[1])
    with pytest.raises(PermissionDenied):
        services.availability_delete(actor=gold.assessors[0], availability=other_period)
    assert Availability.objects.filter(pk=other_period.pk).exists()
    services.availability_delete(actor=gold.assessors[1], availability=other_period)
    assert not Availability.objects.filter(pk=other_period.pk).exists()
    assert AuditEvent.objects.filter(action="availability.delete").count() == 1


# --- the window and the candidates ------------------------------------------------------------


def test_the_facts_read_the_scheme(db, gold) -> None:
    facts = schedule_facts(gold.refresh())
    today = timezone.localdate()
    # ECEI Gold: 28 days of preparation, the panel step 21 days, a first assessment two days.
    assert facts.span_days == 2
    assert facts.window == Period(today + timedelta(days=28), today + timedelta(days=49))
    assert set(facts.availability) == {str(a) for a in gold.assessors}
    assert facts.candidates()[0] == today + timedelta(days=28)
    renewal = gold.refresh()
    renewal.process = "renewal"
    assert schedule_facts(renewal).span_days == 1


def test_the_candidates_follow_the_panel_availability(db, gold) -> None:
    assessor = gold.assessors[0]
    Availability.objects.filter(assessor=assessor).delete()
    today = timezone.localdate()
    services.availability_add(
        actor=assessor, start=today + timedelta(days=30), end=today + timedelta(days=32)
    )
    candidates = schedule_facts(gold.refresh()).candidates()
    assert candidates == (today + timedelta(days=30), today + timedelta(days=31))


# --- proposals -------------------------------------------------------------------------------


def test_the_panel_and_the_secretariat_propose_dates(db, gold) -> None:
    start = first_day(gold, 3)
    services.appointment_propose(
        procedure=gold.refresh(), actor=gold.assessors[0], start_date=start, note="passt"
    )
    services.appointment_propose(
        procedure=gold.refresh(), actor=gold.secretariat, start_date=first_day(gold, 5)
    )
    assert AppointmentProposal.objects.filter(procedure=gold.procedure).count() == 2
    assert AuditEvent.objects.filter(action="appointment.propose").count() == 2
    with pytest.raises(PermissionDenied):
        services.appointment_propose(procedure=gold.refresh(), actor=gold.manager, start_date=start)


def test_a_proposal_outside_the_window_is_refused_with_its_reason(db, gold) -> None:
    with pytest.raises(ActionRefused) as refused:
        services.appointment_propose(
            procedure=gold.refresh(), actor=gold.assessors[0], start_date=first_day(gold, -1)
        )
    assert [b.code for b in refused.value.blocked] == ["appointment_before_window"]
    assert not AppointmentProposal.objects.exists()


# --- fixing ----------------------------------------------------------------------------------


def test_fixing_sets_the_procedure_date_audits_and_sends_invitations(
    db, gold, django_capture_on_commit_callbacks
) -> None:
    start = first_day(gold, 2)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = fix(gold, start)
    assert appointment.version == 1
    assert appointment.end_date == start + timedelta(days=1)  # Gold new: two days
    assert appointment.agenda == [
        {"day": 1, "time": "09:00", "title": "Begrüßung"},
        {"day": 2, "time": "14:00", "title": "Abschlussgespräch"},
    ]
    procedure = gold.refresh()
    assert procedure.assessment_date == start
    assert procedure.assessment_mode == "on_site"
    event = AuditEvent.objects.get(action="appointment.fix")
    assert event.actor == gold.secretariat
    assert event.after["assessment_date"] == start.isoformat()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted(u.email for u in [*gold.assessors, gold.manager, gold.secretariat])
    assert recipients == expected
    for message in mail.outbox:
        (attachment,) = message.attachments
        assert attachment[0].endswith("-v1.ics")
        assert attachment[2].startswith("text/calendar")


@pytest.mark.parametrize(
    ("offset", "code"),
    [(-1, "appointment_before_window"), (22, "appointment_after_window")],
)
def test_a_date_outside_the_deadlines_is_refused(db, gold, offset, code) -> None:
    with pytest.raises(ActionRefused) as refused:
        fix(gold, first_day(gold, offset))
    assert code in [b.code for b in refused.value.blocked]
    assert not Appointment.objects.exists()
    assert gold.refresh().assessment_date != first_day(gold, offset)


def test_a_date_outside_an_assessors_availability_is_refused_naming_them(db, gold) -> None:
    assessor = gold.assessors[1]
    period = Availability.objects.get(assessor=assessor)
    services.availability_delete(actor=assessor, availability=period)
    today = timezone.localdate()
    services.availability_add(actor=assessor, start=today, end=first_day(gold, 0))
    # The second day of the assessment is not covered.
    with pytest.raises(ActionRefused) as refused:
        fix(gold, first_day(gold, 0))
    (blocked,) = refused.value.blocked
    assert blocked.code == "assessor_unavailable"
    assert blocked.params["assessor"] == str(assessor)
    assert blocked.params["days"] == 1


def test_the_venue_and_agenda_are_checked(db, gold) -> None:
    with pytest.raises(ActionRefused) as refused:
        fix(gold, first_day(gold), address=" ", agenda=[AgendaItem(3, time(9), "Tag drei")])
    codes = sorted(b.code for b in refused.value.blocked)
    assert codes == ["agenda_day_outside", "appointment_address_missing"]


def test_a_video_link_must_be_https(db) -> None:
    bronze = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.ASSESSORS_ASSIGNED)
    start = schedule_facts(bronze.refresh()).window.start
    for assessor in bronze.assessors:
        services.availability_add(actor=assessor, start=start, end=start + timedelta(days=5))
    with pytest.raises(ActionRefused) as refused:
        fix(bronze, start, mode="video", address="", video_link="http://x.example/r", agenda=[])
    assert [b.code for b in refused.value.blocked] == ["video_link_not_https"]
    appointment = fix(
        bronze, start, mode="video", address="", video_link="HTTPS://meet.example.org/r", agenda=[]
    )
    assert appointment.video_link == "https://meet.example.org/r"
    assert appointment.address == ""
    assert appointment.end_date == start  # Bronze: one day


def test_only_the_scheme_secretariat_fixes(db, gold) -> None:
    start = first_day(gold)
    for actor in [gold.assessors[0], gold.manager, gold.authority]:
        with pytest.raises(PermissionDenied):
            services.appointment_fix(
                procedure=gold.refresh(),
                actor=actor,
                start_date=start,
                mode="on_site",
                address="x",
            )
    other_secretariat = UserFactory(role="secretariat", role__scheme_id="ecei-bronze")
    with pytest.raises(PermissionDenied):
        services.appointment_fix(
            procedure=gold.refresh(),
            actor=other_secretariat,
            start_date=start,
            mode="on_site",
            address="x",
        )
    assert not Appointment.objects.exists()


def test_rescheduling_keeps_the_history_and_needs_a_reason(db, gold) -> None:
    first = fix(gold, first_day(gold, 1))
    with pytest.raises(ActionRefused) as refused:
        fix(gold, first_day(gold, 6))
    assert [b.code for b in refused.value.blocked] == ["reschedule_reason_missing"]
    second = fix(gold, first_day(gold, 6), reason="Ein Gutachter ist erkrankt.")
    assert second.version == 2
    assert list(
        Appointment.objects.filter(procedure=gold.procedure).values_list("version", flat=True)
    ) == [2, 1]
    first.refresh_from_db()
    assert first.start_date == first_day(gold, 1)  # the earlier version stays as it was
    assert gold.refresh().assessment_date == first_day(gold, 6)
    event = AuditEvent.objects.get(action="appointment.reschedule")
    assert event.reason == "Ein Gutachter ist erkrankt."
    assert event.before["version"] == 1
    assert event.after["version"] == 2


def test_no_appointment_once_the_assessment_runs(db, gold) -> None:
    fix(gold, first_day(gold))
    procedure = gold.refresh()
    procedure.state = "assessment_in_progress"
    procedure.save(update_fields=["state"])
    with pytest.raises(ActionRefused) as refused:
        fix(gold, first_day(gold, 2), reason="zu spät")
    assert refused.value.code == "wrong_state"


def test_no_appointment_without_a_panel(db) -> None:
    builder = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    start = schedule_facts(builder.refresh()).window.start
    with pytest.raises(ActionRefused) as refused:
        fix(builder, start)
    assert refused.value.code == "appointment_without_panel"
    with pytest.raises(ActionRefused):
        services.appointment_propose(
            procedure=builder.refresh(), actor=builder.secretariat, start_date=start
        )
    assert not Appointment.objects.exists()


def test_once_fixed_the_panel_page_cannot_move_the_date(db, gold, english) -> None:
    """The appointment owns the date (and the mode, which Gold has only one of): the panel page
    keeps the panel's changes apart from it, so the appointment, its invitations and the
    procedure never disagree."""
    from django.core.exceptions import ValidationError

    from clusterlabel.procedures.services import panel_propose

    start = first_day(gold, 2)
    fix(gold, start)
    procedure = gold.refresh()
    for date_asked in (start + timedelta(days=1), start - timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            panel_propose(
                procedure=procedure,
                actor=gold.secretariat,
                assessors=list(gold.assessors),
                assessment_date=date_asked,
            )
        assert "schedule page" in refused.value.message_dict["assessment_date"][0]
    assert (gold.refresh().assessment_date, gold.refresh().assessment_mode) == (start, "on_site")
    # The same date and mode (the panel changed alone) is still taken.
    panel_propose(
        procedure=procedure,
        actor=gold.secretariat,
        assessors=list(gold.assessors),
        assessment_date=start,
        assessment_mode="on_site",
    )


def test_once_fixed_the_panel_page_cannot_switch_to_video(db, english) -> None:
    from django.core.exceptions import ValidationError

    from clusterlabel.procedures.services import panel_propose

    bronze = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.ASSESSORS_ASSIGNED)
    today = timezone.localdate()
    for assessor in bronze.assessors:
        services.availability_add(
            actor=assessor, start=today + timedelta(days=1), end=today + timedelta(days=90)
        )
    start = first_day(bronze)
    fix(bronze, start, agenda=[AgendaItem(1, time(9), "Interview")])  # Bronze: one day
    with pytest.raises(ValidationError) as refused:
        panel_propose(
            procedure=bronze.refresh(),
            actor=bronze.secretariat,
            assessors=list(bronze.assessors),
            assessment_date=start,
            assessment_mode="video",
        )
    assert "schedule page" in refused.value.message_dict["assessment_date"][0]
    assert bronze.refresh().assessment_mode == "on_site"


def test_with_a_worker_the_invitations_are_queued_not_sent(
    db, gold, django_capture_on_commit_callbacks
) -> None:
    from django.test import override_settings
    from django_tasks import default_task_backend

    from clusterlabel.scheduling.tasks import send_invitations_task

    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    mail.outbox.clear()
    with override_settings(TASKS=dummy):
        with django_capture_on_commit_callbacks(execute=True):
            appointment = fix(gold, first_day(gold, 2))
        (queued,) = [
            r for r in default_task_backend.results if r.task.func is send_invitations_task.func
        ]
    assert queued.args == [appointment.pk]
    assert mail.outbox == []  # nothing rendered or sent in the request
    assert send_invitations_task.call(*queued.args) == len(mail.outbox) > 0
    assert all(m.attachments[0][0].endswith("-v1.ics") for m in mail.outbox)
