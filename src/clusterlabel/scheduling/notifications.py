"""The invitation e-mail, with the .ics attached, to everyone taking part in the assessment,
each in their own language. Called after the transaction commits; a failing mail server never
undoes the appointment."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.core.mail import mail_text
from clusterlabel.procedures.notifications import recipients_for
from clusterlabel.scheduling.invitations import invitation_filename, invitation_ics
from clusterlabel.scheduling.models import Appointment

logger = logging.getLogger(__name__)


def participants(appointment: Appointment) -> list[User]:
    """Who is invited: the panel and the organisation's managers (active, with an address),
    each once, in that order."""
    procedure = appointment.procedure
    people: dict[int, User] = {}
    for user in recipients_for(procedure, Role.ASSESSOR) + recipients_for(
        procedure, Role.CLUSTER_MANAGER
    ):
        people.setdefault(user.pk, user)
    return list(people.values())


def send_invitations(*, appointment_id: int) -> int:
    """Send the appointment's invitation to every participant and to the secretariat member who
    fixed it; returns how many went out."""
    appointment = Appointment.objects.select_related(
        "procedure__organisation", "procedure__scheme_version", "fixed_by"
    ).get(pk=appointment_id)
    invited = participants(appointment)
    recipients = list(invited)
    if appointment.fixed_by.email and appointment.fixed_by.pk not in {u.pk for u in invited}:
        recipients.append(appointment.fixed_by)
    url = settings.SITE_URL + reverse("procedures:detail", args=[appointment.procedure_id])
    sent = 0
    for user in recipients:
        language = user.preferred_language or settings.LANGUAGE_CODE
        subject, text = mail_text(
            "scheduling/email/appointment.txt",
            {"appointment": appointment, "recipient": user, "url": url},
            language=language,
        )
        with translation.override(language):
            ics = invitation_ics(appointment, attendees=invited)
        message = EmailMessage(subject, text, None, [user.email])
        message.attach(
            invitation_filename(appointment), ics, "text/calendar; charset=utf-8; method=REQUEST"
        )
        try:
            message.send()
            sent += 1
        except OSError:
            logger.exception("Could not send the invitation to %s", user.email)
    return sent
