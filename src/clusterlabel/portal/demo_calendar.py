"""The demo's calendar: a visitor walks a new application to a label in one sitting.

A scheme gives the assessors weeks to prepare: the secretariat may only confirm a panel whose
assessment date leaves the scheme's preparation time (ECEI: 28 days), and the assessment starts
on that date. In the demo nobody waits four weeks, so a procedure that waits for its assessment
date offers to move the calendar on: the assessment date becomes today, in the audit trail like
every other step.

Only ``clusterlabel demo`` switches this on, by setting ``CLUSTERLABEL_DEMO_CALENDAR`` while it
serves. The setting is never read from the environment, so no production configuration can turn
it on; without it the page offers nothing and the address answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain.procedure import State
from clusterlabel.procedures.models import Procedure

SETTING = "CLUSTERLABEL_DEMO_CALENDAR"
AUDIT_ACTION = "demo.calendar"


class DemoCalendarOff(Exception):
    """The demo's calendar was asked to move outside ``clusterlabel demo``."""


class NothingToWaitFor(Exception):
    """The procedure does not wait for its assessment date (any more)."""


def demo_calendar_on() -> bool:
    return getattr(settings, SETTING, False) is True


def waits_for_assessment_date(procedure: Procedure, today: date) -> bool:
    """The panel is confirmed and the assessment date is still ahead."""
    return (
        procedure.state == State.ASSESSORS_ASSIGNED
        and procedure.assessment_date is not None
        and procedure.assessment_date > today
    )


@dataclass(frozen=True)
class DemoCalendarOffer:
    """What the page shows: the date the visitor would otherwise wait for, and where to post."""

    assessment_date: date
    url: str


def demo_calendar_offer(procedure: Procedure | None) -> DemoCalendarOffer | None:
    """The offer for ``procedure``'s page, or ``None`` (not the demo, nothing to wait for)."""
    if procedure is None or not demo_calendar_on():
        return None
    if not waits_for_assessment_date(procedure, timezone.localdate()):
        return None
    assert procedure.assessment_date is not None
    return DemoCalendarOffer(
        assessment_date=procedure.assessment_date,
        url=reverse("portal:demo_calendar", args=[procedure.pk]),
    )


def demo_calendar_advance(*, procedure: Procedure, actor: User) -> Procedure:
    """Move the demo's calendar to ``procedure``'s assessment date: the date becomes today.

    Guarantees: refused (``DemoCalendarOff``) unless ``clusterlabel demo`` serves; refused
    (``NothingToWaitFor``) unless the procedure waits for an assessment date ahead; the change
    and its audit event commit together, with the date before and after.
    """
    if not demo_calendar_on():
        raise DemoCalendarOff
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        today = timezone.localdate()
        if not waits_for_assessment_date(locked, today):
            raise NothingToWaitFor
        before = {"assessment_date": locked.assessment_date}
        locked.assessment_date = today
        locked.save(update_fields=["assessment_date"])
        audit_record(
            actor=actor,
            action=AUDIT_ACTION,
            target=locked,
            before=before,
            after={"assessment_date": today},
            reason="clusterlabel demo",
        )
    return locked
