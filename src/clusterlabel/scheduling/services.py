"""Every write of scheduling: availability periods, proposed dates, fixing and changing the
assessment appointment.

Each service runs in one transaction, asks the policy (``clusterlabel.access.policy``) and the
domain (``clusterlabel.domain.scheduling``), saves, and appends its audit event in the same
transaction; the invitations go out after the commit. A refusal by the domain is an
``ActionRefused`` with every reason, as for the procedure's steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import scheduling as rules
from clusterlabel.domain.procedure import Blocked
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.services import ActionRefused
from clusterlabel.scheduling.models import Appointment, AppointmentProposal, Availability
from clusterlabel.scheduling.selectors import schedule_facts
from clusterlabel.scheduling.tasks import send_invitations_task


def _refuse(*blocked: Blocked) -> ActionRefused:
    return ActionRefused(tuple(blocked))


# --- availability ----------------------------------------------------------------------------


def availability_add(*, actor: User, start: date, end: date, note: str = "") -> Availability:
    """Record a period in which ``actor`` (an assessor) is available.

    Guarantees: only an assessor records, and only their own periods; a period that shares a day
    with one of theirs is refused (``availability_overlaps`` with that period's days) and nothing
    is written. The assessor's account row is locked while checking, so two requests at once
    cannot both add overlapping periods (on PostgreSQL the database refuses it as well).
    """
    if not policy.can(actor, Activity.MANAGE_AVAILABILITY):
        raise PermissionDenied
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    new = rules.Period(start, end)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).exists()
        existing = [
            rules.Period(s, e)
            for s, e in Availability.objects.filter(assessor=actor).values_list("start", "end")
        ]
        clash = rules.overlapping_period(existing, new)
        if clash is not None:
            raise _refuse(
                Blocked("availability_overlaps", {"start": clash.start, "end": clash.end})
            )
        period = Availability(assessor=actor, start=start, end=end, note=note.strip())
        period.full_clean()
        period.save()
        audit_record(
            actor=actor,
            action="availability.add",
            target=period,
            after={"start": start, "end": end, "note": period.note},
        )
    return period


def availability_delete(*, actor: User, availability: Availability) -> None:
    """Remove one of ``actor``'s own periods (someone else's: ``PermissionDenied``). Fixed
    appointments stay as they are: availability guides scheduling, it binds nobody."""
    with transaction.atomic():
        locked = Availability.objects.select_for_update().get(pk=availability.pk)
        if not policy.can(actor, Activity.MANAGE_AVAILABILITY, locked):
            raise PermissionDenied
        audit_record(
            actor=actor,
            action="availability.delete",
            target=locked,
            before={"start": locked.start, "end": locked.end, "note": locked.note},
        )
        locked.delete()


# --- the appointment -------------------------------------------------------------------------


def _locked(procedure: Procedure) -> Procedure:
    return (
        Procedure.objects.select_for_update()
        .select_related("organisation", "scheme_version")
        .get(pk=procedure.pk)
    )


def _require(actor: User, activity: Activity, procedure: Procedure) -> None:
    """The policy allows ``activity`` now (else ``PermissionDenied``, or ``wrong_state``), and
    the procedure has a panel to schedule for (else ``appointment_without_panel``)."""
    decision = policy.decide(actor, activity, procedure)
    if not decision.allowed:
        if decision.reason == "wrong_state":
            raise _refuse(Blocked("wrong_state", {}))
        raise PermissionDenied
    if not procedure.assignments.exists():
        raise _refuse(Blocked("appointment_without_panel", {}))


def appointment_propose(
    *, procedure: Procedure, actor: User, start_date: date, note: str = ""
) -> AppointmentProposal:
    """Suggest ``start_date`` for the assessment (an assessor of the panel or the secretariat,
    while the panel is open).

    Guarantees: a date outside the scheme's deadline window or outside a panel member's
    availability is refused with every reason (``ActionRefused``), nothing written.
    """
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.PROPOSE_APPOINTMENT, locked)
        problems = schedule_facts(locked).problems(start_date)
        if problems:
            raise _refuse(*problems)
        proposal = AppointmentProposal.objects.create(
            procedure=locked, start_date=start_date, note=note.strip(), proposed_by=actor
        )
        audit_record(
            actor=actor,
            action="appointment.propose",
            target=locked,
            after={"start_date": start_date, "note": proposal.note},
        )
    return proposal


def parse_agenda(rows: Sequence[dict[str, object]]) -> list[rules.AgendaItem]:
    """Agenda rows as stored (``{"day": 1, "time": "09:00", "title": "..."}``) as the domain's
    items."""
    items = []
    for row in rows:
        at = row["time"]
        items.append(
            rules.AgendaItem(
                day=int(str(row["day"])),
                at=at if isinstance(at, time) else time.fromisoformat(str(at)),
                title=str(row["title"]),
            )
        )
    return items


def _stored_agenda(items: Sequence[rules.AgendaItem]) -> list[dict[str, object]]:
    return [
        {"day": item.day, "time": item.at.strftime("%H:%M"), "title": item.title.strip()}
        for item in sorted(items)
    ]


def _normalised_link(link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    parts = urlsplit(link)
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def appointment_fix(
    *,
    procedure: Procedure,
    actor: User,
    start_date: date,
    mode: str,
    address: str = "",
    video_link: str = "",
    agenda: Sequence[rules.AgendaItem] = (),
    reason: str = "",
) -> Appointment:
    """Fix the assessment appointment, or change it (a new version; the earlier ones stay).

    Guarantees: only the scheme's secretariat, while the panel is open; the start date lies in
    the deadline window and in every panel member's availability for all the scheme's
    assessment days; the mode is one the scheme offers and has its venue (an address on site,
    an ``https`` link by video); the agenda fits the days; a change gives its reason. Any
    refusal carries every reason and writes nothing. The procedure's ``assessment_date`` and
    ``assessment_mode`` become the appointment's (as ``panel_propose`` sets them), audited as
    ``appointment.fix`` (first version) or ``appointment.reschedule`` (later ones) with the
    before and after; after the commit every participant gets the invitation (.ics).
    """
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.FIX_APPOINTMENT, locked)
        if mode not in locked.scheme.procedure.assessment_modes:
            raise ValidationError({"mode": _("This scheme does not offer that assessment mode.")})
        previous = (
            Appointment.objects.select_for_update()
            .filter(procedure=locked)
            .order_by("-version")
            .first()
        )
        version = previous.version + 1 if previous else 1
        facts = schedule_facts(locked)
        problems: list[Blocked] = list(facts.problems(start_date))
        problems += rules.venue_problems(mode=mode, address=address, video_link=video_link)
        problems += rules.agenda_problems(agenda, span_days=facts.span_days)
        missing_reason = rules.reschedule_problem(version=version, reason=reason)
        if missing_reason:
            problems.append(missing_reason)
        if problems:
            raise _refuse(*problems)
        days = rules.occupied(start_date, facts.span_days)
        appointment = Appointment(
            procedure=locked,
            version=version,
            start_date=days.start,
            end_date=days.end,
            mode=mode,
            address=address.strip() if mode == rules.ON_SITE else "",
            video_link=_normalised_link(video_link) if mode == rules.VIDEO else "",
            agenda=_stored_agenda(agenda),
            reason=reason.strip(),
            fixed_by=actor,
        )
        appointment.full_clean()
        appointment.save()
        before: dict[str, object] = {
            "assessment_date": locked.assessment_date,
            "assessment_mode": locked.assessment_mode,
        }
        locked.assessment_date = start_date
        locked.assessment_mode = mode
        locked.save(update_fields=["assessment_date", "assessment_mode"])
        if previous is not None:
            before |= _described(previous)
        audit_record(
            actor=actor,
            action="appointment.reschedule" if previous else "appointment.fix",
            target=locked,
            before=before,
            after={
                "assessment_date": start_date,
                "assessment_mode": mode,
                **_described(appointment),
            },
            reason=appointment.reason,
        )
        appointment_id = appointment.pk
        transaction.on_commit(lambda: send_invitations_task.enqueue(appointment_id))
    return appointment


def _described(appointment: Appointment) -> dict[str, object]:
    return {
        "version": appointment.version,
        "start_date": appointment.start_date,
        "end_date": appointment.end_date,
        "mode": appointment.mode,
        "address": appointment.address,
        "video_link": appointment.video_link,
        "agenda": appointment.agenda,
    }
