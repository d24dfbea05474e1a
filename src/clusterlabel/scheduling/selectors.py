"""Reads for scheduling: a person's availability, the panel's, the appointment and its history,
and the facts the domain needs to judge a start date (:func:`schedule_facts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain import procedure as flow
from clusterlabel.domain import scheduling as rules
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.scheduling.models import Appointment, AppointmentProposal, Availability


def availability_of(user: User) -> QuerySet[Availability]:
    """The person's periods, earliest first."""
    return Availability.objects.filter(assessor=user).order_by("start")


def panel_of(procedure: Procedure) -> list[User]:
    """The assessors on the procedure's panel, by name (one query)."""
    return list(
        User.objects.filter(assessor_assignments__procedure=procedure).order_by(
            "last_name", "first_name", "username"
        )
    )


def panel_availability(procedure: Procedure) -> dict[str, list[rules.Period]]:
    """Every panel member (by their name as shown, ``str(user)``, which names the account) ->
    their periods; a member without periods has an empty list (unavailable). Two queries."""
    panel = panel_of(procedure)
    periods: dict[int, list[rules.Period]] = {user.pk: [] for user in panel}
    for assessor_id, start, end in Availability.objects.filter(assessor_id__in=periods).values_list(
        "assessor_id", "start", "end"
    ):
        periods[assessor_id].append(rules.Period(start, end))
    return {str(user): periods[user.pk] for user in panel}


def panel_availability_rows(procedure: Procedure) -> list[tuple[User, list[Availability]]]:
    """Each panel member with their periods from today on, for the secretariat's page."""
    panel = panel_of(procedure)
    by_person: dict[int, list[Availability]] = {user.pk: [] for user in panel}
    for row in Availability.objects.filter(
        assessor_id__in=by_person, end__gte=timezone.localdate()
    ).order_by("start"):
        by_person[row.assessor_id].append(row)
    return [(user, by_person[user.pk]) for user in panel]


def self_assessment_submitted_on(procedure: Procedure) -> date | None:
    """The day the self-assessment was (last) submitted: the state's entry while the procedure
    is in it, otherwise the trail's last ``procedure.submit_self_assessment``; ``None`` when
    neither says (a procedure set up without its trail)."""
    if procedure.state == ProcedureState.SELF_ASSESSMENT_SUBMITTED:
        return timezone.localdate(procedure.state_entered_at)
    submitted = (
        AuditEvent.objects.filter(
            procedure_id=procedure.pk,
            action=f"procedure.{flow.Action.SUBMIT_SELF_ASSESSMENT}",
        )
        .order_by("-sequence")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return timezone.localdate(submitted) if submitted is not None else None


@dataclass(frozen=True)
class ScheduleFacts:
    """What the domain judges a start date by, for one procedure now."""

    span_days: int
    window: rules.Period
    availability: dict[str, list[rules.Period]]
    preparation_days: int

    def problems(self, start: date) -> tuple[flow.Blocked, ...]:
        return rules.start_problems(
            start, span_days=self.span_days, window=self.window, availability=self.availability
        )

    def candidates(self) -> tuple[date, ...]:
        return rules.candidate_starts(
            span_days=self.span_days, window=self.window, availability=self.availability
        )


def schedule_facts(procedure: Procedure, *, today: date | None = None) -> ScheduleFacts:
    """The span (the scheme's assessment days for the procedure's process), the deadline window
    (the scheme's preparation time and panel-step deadline) and the panel's availability."""
    scheme_rules = procedure.scheme.procedure
    procedure_rules = flow.ProcedureRules.from_scheme(scheme_rules)
    step_days = flow.deadline_days(flow.State.SELF_ASSESSMENT_SUBMITTED, procedure_rules)
    assert step_days is not None  # the panel step always has a day count
    window = rules.deadline_window(
        today=today or timezone.localdate(),
        submitted_on=self_assessment_submitted_on(procedure),
        preparation_days=procedure_rules.self_assessment_due_days_before_assessment,
        step_days=step_days,
    )
    return ScheduleFacts(
        span_days=rules.assessment_span(scheme_rules.assessment_days_for(procedure.process)),
        window=window,
        availability=panel_availability(procedure),
        preparation_days=procedure_rules.self_assessment_due_days_before_assessment,
    )


def appointments_of(procedure: Procedure) -> list[Appointment]:
    """Every version, the current (highest) first, with who fixed it."""
    return list(
        Appointment.objects.filter(procedure=procedure)
        .select_related("fixed_by")
        .order_by("-version")
    )


def current_appointment(procedure: Procedure) -> Appointment | None:
    """The highest version, or ``None`` before a date is fixed."""
    return (
        Appointment.objects.filter(procedure=procedure)
        .select_related("procedure__organisation", "procedure__scheme_version", "fixed_by")
        .order_by("-version")
        .first()
    )


def proposals_of(procedure: Procedure) -> list[AppointmentProposal]:
    """The suggested dates, earliest first, with who suggested them."""
    return list(
        AppointmentProposal.objects.filter(procedure=procedure)
        .select_related("proposed_by")
        .order_by("start_date", "proposed_at")
    )
