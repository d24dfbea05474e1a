"""The .ics invitation, read back with ``icalendar``: the fields, the stable UID, the sequence
and the participant's language."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core import mail
from django.utils import translation
from icalendar import Calendar

from clusterlabel.domain.scheduling import AgendaItem
from clusterlabel.scheduling import services
from clusterlabel.scheduling.invitations import invitation_ics, invitation_uid
from clusterlabel.scheduling.notifications import participants
from tests.scheduling.conftest import first_day

AGENDA = [AgendaItem(1, time(9), "Begrüßung"), AgendaItem(2, time(15), "Abschlussgespräch")]


def fix(builder, start, **kwargs):
    values = {"mode": "on_site", "address": "Hauptstr. 1, 68161 Mannheim", "agenda": AGENDA}
    values |= kwargs
    return services.appointment_fix(
        procedure=builder.refresh(), actor=builder.secretariat, start_date=start, **values
    )


def event_of(ics: bytes):
    calendar = Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_invitation_holds_the_appointment(db, gold) -> None:
    start = first_day(gold, 1)
    appointment = fix(gold, start)
    with translation.override("en"):
        event = event_of(invitation_ics(appointment, attendees=participants(appointment)))
    assert str(event["UID"]) == invitation_uid(gold.procedure.pk)
    assert int(event["SEQUENCE"]) == 1
    dtstart, dtend = event.decoded("DTSTART"), event.decoded("DTEND")
    assert isinstance(dtstart, datetime)  # timed by the agenda
    assert (dtstart.date(), dtstart.time()) == (start, time(9))
    assert (dtend.date(), dtend.time()) == (start + timedelta(days=1), time(16))
    assert str(dtstart.tzinfo) == "Europe/Berlin"
    assert str(event["LOCATION"]) == "Hauptstr. 1, 68161 Mannheim"
    description = str(event["DESCRIPTION"])
    assert "Agenda:" in description
    assert "Day 1" in description and "09:00: Begrüßung" in description
    assert "Day 2" in description and "15:00: Abschlussgespräch" in description
    assert str(event["ORGANIZER"]) == f"mailto:{gold.secretariat.email}"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    expected = sorted(f"mailto:{u.email}" for u in [*gold.assessors, gold.manager])
    assert attendees == expected


def test_without_an_agenda_the_event_is_all_day(db, gold) -> None:
    start = first_day(gold)
    appointment = fix(gold, start, agenda=[])
    event = event_of(invitation_ics(appointment, attendees=[]))
    assert event.decoded("DTSTART") == start
    assert not isinstance(event.decoded("DTSTART"), datetime)
    assert event.decoded("DTEND") == start + timedelta(days=2)  # two days, the end exclusive


def test_a_rescheduled_invitation_has_the_same_uid_and_a_higher_sequence(db, gold) -> None:
    first = fix(gold, first_day(gold))
    second = fix(gold, first_day(gold, 4), reason="Raum belegt")
    old, new = (event_of(invitation_ics(a, attendees=[])) for a in (first, second))
    assert str(old["UID"]) == str(new["UID"])
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new.decoded("DTSTART").date() == first_day(gold, 4)
    with translation.override("de"):
        described = str(event_of(invitation_ics(second, attendees=[]))["DESCRIPTION"])
    assert "Raum belegt" in described


def test_each_participant_gets_the_invitation_in_their_language(
    db, gold, django_capture_on_commit_callbacks
) -> None:
    german, english = gold.assessors
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        fix(gold, first_day(gold))
    by_recipient = {message.to[0]: message for message in mail.outbox}
    german_event = event_of(by_recipient[german.email].attachments[0][1])
    english_event = event_of(by_recipient[english.email].attachments[0][1])
    start = first_day(gold)
    german_text = str(german_event["SUMMARY"]) + str(german_event["DESCRIPTION"])
    english_text = str(english_event["SUMMARY"]) + str(english_event["DESCRIPTION"])
    assert "ECEI-Label Gold" in german_text
    assert start.strftime("%d.%m.%Y") in german_text
    assert str(german_event["SUMMARY"]).startswith("Begutachtung:")
    assert "Tag 1" in str(german_event["DESCRIPTION"])
    assert "Assessment" not in german_text and "Day 1" not in german_text
    assert by_recipient[german.email].subject.endswith("Der Begutachtungstermin steht fest")
    assert "ECEI Gold Label" in english_text
    assert start.strftime("%d.%m.%Y") not in english_text
    assert str(english_event["SUMMARY"]).startswith("Assessment:")
    assert "Day 1" in str(english_event["DESCRIPTION"])
    assert by_recipient[english.email].subject.endswith("The assessment appointment is fixed")


def test_a_video_invitation_points_to_the_link(db) -> None:
    from clusterlabel.procedures.choices import ProcedureState
    from clusterlabel.scheduling.selectors import schedule_facts
    from tests.states import StateBuilder

    bronze = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.ASSESSORS_ASSIGNED)
    start: date = schedule_facts(bronze.refresh()).window.start
    for assessor in bronze.assessors:
        services.availability_add(actor=assessor, start=start, end=start)
    appointment = fix(
        bronze, start, mode="video", address="", video_link="https://meet.example.org/r", agenda=[]
    )
    event = event_of(invitation_ics(appointment, attendees=[]))
    assert str(event["LOCATION"]) == "https://meet.example.org/r"
    assert str(event["URL"]) == "https://meet.example.org/r"
