"""The assessment appointment as an iCalendar invitation (RFC 5545, ``METHOD:REQUEST``).

One event per procedure: its ``UID`` never changes (``procedure-<pk>-assessment@<site>``), so a
calendar that received an earlier version updates it; ``SEQUENCE`` is the appointment's version.
Without an agenda the event is all-day over the assessment's days; with one it runs from the
first item of the first day to one hour after the last item of the last day, in the site's time
zone (with its ``VTIMEZONE``). ``LOCATION`` is the address, or the video link. The texts are in
the language active when :func:`invitation_ics` is called: callers wrap it in
``translation.override(recipient.preferred_language)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from clusterlabel.accounts.models import User
from clusterlabel.core.language import current_language
from clusterlabel.domain import scheduling as rules
from clusterlabel.scheduling.models import Appointment

PRODID = "-//clusterlabel//assessment appointment//EN"
#: How long the last agenda item of a timed appointment is assumed to take.
LAST_ITEM = timedelta(hours=1)


def invitation_uid(procedure_id: int) -> str:
    """The event's UID: the same for every version of one procedure's appointment."""
    host = urlsplit(settings.SITE_URL).hostname or "clusterlabel"
    return f"procedure-{procedure_id}-assessment@{host}"


def _address(user: User, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.get_full_name() or user.username)
    address.params["ROLE"] = vText(role)
    return address


def agenda_lines(appointment: Appointment) -> list[str]:
    """The agenda as lines ("Day 1, 09:00: Welcome"), in the active language."""
    lines = []
    for item in appointment.agenda:
        day = appointment.start_date + timedelta(days=int(item["day"]) - 1)
        lines.append(
            _("Day %(day)s (%(date)s), %(time)s: %(title)s")
            % {
                "day": item["day"],
                "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
                "time": item["time"],
                "title": item["title"],
            }
        )
    return lines


def _summary(appointment: Appointment) -> str:
    procedure = appointment.procedure
    return _("Assessment: %(cluster)s (%(scheme)s, %(reference)s)") % {
        "cluster": procedure.organisation.cluster_name or procedure.organisation.legal_name,
        "scheme": procedure.scheme.name.get(current_language()),
        "reference": procedure.reference,
    }


def _description(appointment: Appointment) -> str:
    parts = [_summary(appointment)]
    if appointment.mode == rules.VIDEO:
        parts.append(_("By video: %(link)s") % {"link": appointment.video_link})
    else:
        parts.append(_("On site: %(address)s") % {"address": appointment.address})
    if appointment.agenda:
        parts.append(_("Agenda:"))
        parts.extend(agenda_lines(appointment))
    if appointment.version > 1 and appointment.reason:
        parts.append(_("Changed because: %(reason)s") % {"reason": appointment.reason})
    return "\n".join(parts)


def _times(appointment: Appointment) -> tuple[object, object]:
    """DTSTART and DTEND: dates (all-day, the end exclusive) without an agenda, otherwise
    times in the site's zone."""
    if not appointment.agenda:
        return appointment.start_date, appointment.end_date + timedelta(days=1)
    zone = ZoneInfo(settings.TIME_ZONE)
    items = sorted(
        (int(item["day"]), datetime.strptime(str(item["time"]), "%H:%M").time())
        for item in appointment.agenda
    )
    first_day, first_time = items[0]
    last_day = (appointment.end_date - appointment.start_date).days + 1
    last_time = max((at for day, at in items if day == last_day), default=items[-1][1])
    last_day_used = last_day if any(day == last_day for day, _at in items) else items[-1][0]
    start = datetime.combine(
        appointment.start_date + timedelta(days=first_day - 1), first_time, tzinfo=zone
    )
    end = (
        datetime.combine(
            appointment.start_date + timedelta(days=last_day_used - 1), last_time, tzinfo=zone
        )
        + LAST_ITEM
    )
    return start, end


def invitation_ics(appointment: Appointment, *, attendees: Iterable[User]) -> bytes:
    """The invitation for ``appointment`` (``.ics`` bytes), the secretariat member who fixed it
    as the organiser and ``attendees`` invited."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", invitation_uid(appointment.procedure_id))
    event.add("sequence", appointment.version)
    event.add("dtstamp", timezone.now())
    event.add("created", appointment.fixed_at)
    start, end = _times(appointment)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _summary(appointment))
    event.add("description", _description(appointment))
    event.add(
        "location",
        appointment.video_link if appointment.mode == rules.VIDEO else appointment.address,
    )
    if appointment.mode == rules.VIDEO:
        event.add("url", appointment.video_link)
    event.add("status", "CONFIRMED")
    event.add("organizer", _address(appointment.fixed_by, "CHAIR"), encode=False)
    for user in attendees:
        attendee = _address(user, "REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation_filename(appointment: Appointment) -> str:
    return f"{appointment.procedure.reference}-assessment-v{appointment.version}.ics"
