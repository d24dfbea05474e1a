"""E-mail reminders of a procedure step's deadline, to whoever must act, in their language.

``clusterlabel send-reminders`` runs this once a day besides the expiry reminders. The rules:

* Every procedure whose current state has a step with a due date (``procedure_deadline``: the
  application check, changes requested, the self-assessment, the panel, the assessment day,
  the report, the report check, the board's votes, the decision) is looked at; the draft and
  the terminal states owe nothing.
* Reminders go out at ``settings.DEADLINE_REMINDER_DAYS`` (default 7, 0 and -1: a week before
  the due date, on the day, and once overdue, from the day after). Only the most urgent offset
  whose day has come is due (``domain.procedure.reminders.due_offset``): after a gap of some days
  one reminder goes out, not all that were missed, and a skipped one is never sent later.
* Recipients: the people who must act on the step (``procedures.acting``), each with an
  address, each in their ``preferred_language``; a board member who has voted or declared a
  conflict of interest in the current round gets none, nor does an assessor not on the panel.
* One record (``DeadlineReminder``) per procedure, stay in the state, step, due date, offset and
  recipient, inserted and committed *before* the mail goes out: a second run, or one running at
  the same time, finds it (or fails on the constraint) and sends nothing. If the mail fails the
  record is deleted so the next run tries that person again.
* A procedure that moved on is reminded of its new step only: the old step's reminders stop,
  since only the current state is looked at. Re-entering a state (a report returned to the
  panel, a review returned to the board) starts a new series, as the stay's
  ``state_entered_at`` is part of the record. A due date that moved (the assessment date set
  later or earlier) also starts a new series for the new date: reminders already sent for the
  old date do not count, and the most urgent reminder of the new date goes out once its day
  has come.
* An overdue reminder is sent once per series, however long the step stays overdue; the overdue
  list (``procedures.overdue``) shows the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse

from clusterlabel.accounts.models import User
from clusterlabel.core.daily import Outcome
from clusterlabel.core.mail import mail_text
from clusterlabel.domain.procedure.reminders import (
    STEPS,
    Step,
    due_offset,
    reminder_offsets,
    step_of,
)
from clusterlabel.procedures.acting import ACTING_PREFETCH, STEP_LABELS, ActingPeople
from clusterlabel.procedures.models import DeadlineReminder, Procedure
from clusterlabel.procedures.selectors import Deadline, procedure_deadline

logger = logging.getLogger(__name__)


def deadline_reminder_offsets() -> tuple[int, ...]:
    """``settings.DEADLINE_REMINDER_DAYS``, earliest reminder first, without duplicates."""
    return reminder_offsets(settings.DEADLINE_REMINDER_DAYS)


@dataclass
class DueDeadlineReminder:
    """A deadline reminder due today, with the people who have not had it yet."""

    procedure: Procedure
    step: Step
    deadline: Deadline
    offset: int
    recipients: list[User]
    nobody_to_write_to: bool = False


@dataclass
class DeadlineReminderResult:
    """What happened to one due deadline reminder."""

    procedure: Procedure
    step: Step
    deadline: Deadline
    offset: int
    outcome: Outcome
    sent_to: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line of command output (English, for operators and grep)."""
        procedure, offset = self.procedure, self.offset
        when = (
            "due today"
            if offset == 0
            else f"{offset} days before"
            if offset > 0
            else f"overdue ({-offset} days after)"
        )
        text = (
            f"{self.outcome.value}: {procedure.reference} {procedure.organisation.cluster_name} "
            f"({procedure.scheme_version.scheme_id} {procedure.level_id}), step {self.step.value} "
            f"due {self.deadline.due:%Y-%m-%d}, reminder {when}"
        )
        if self.sent_to:
            text += f" -> {', '.join(self.sent_to)}"
        if self.failed:
            text += f"; could not send to {', '.join(self.failed)}"
        return text


def _candidates() -> QuerySet[Procedure]:
    """Every procedure in a state with a step, with what ``ActingPeople`` reads. Due dates follow
    from the scheme's rules (``procedure_deadline``), so they are computed here, not in SQL; the
    open procedures are a few hundred at most."""
    return (
        Procedure.objects.filter(state__in=sorted(s.value for s in STEPS))
        .select_related("organisation", "scheme_version")
        .prefetch_related(*ACTING_PREFETCH)
        .order_by("pk")
    )


def _key(procedure: Procedure, step: Step, due: date, offset: int) -> tuple[object, ...]:
    return (procedure.pk, procedure.state_entered_at, step.value, due, offset)


def deadline_reminders_due(*, today: date) -> list[DueDeadlineReminder]:
    """The deadline reminders to send today, one per procedure at most (the most urgent offset
    reached), to the people who must act and have not had it; a step with nobody to write to
    is listed with no recipients (it is due again the next day)."""
    offsets = deadline_reminder_offsets()
    people = ActingPeople()
    procedures = list(_candidates())
    recorded: set[tuple[object, ...]] = set()
    for row in DeadlineReminder.objects.filter(procedure__in=procedures).values_list(
        "procedure_id", "state_entered_at", "step", "due", "offset", "recipient_id"
    ):
        recorded.add(row)
    due_reminders = []
    for procedure in procedures:
        step = step_of(procedure.state)
        deadline = procedure_deadline(procedure, today=today)
        if step is None or deadline is None:
            continue
        offset = due_offset(due=deadline.due, today=today, offsets=offsets)
        if offset is None:
            continue
        key = _key(procedure, step, deadline.due, offset)
        reachable = [person for person in people.for_step(procedure) if person.email]
        recipients = [person for person in reachable if (*key, person.pk) not in recorded]
        if reachable and not recipients:
            continue  # everybody has had it
        due_reminders.append(
            DueDeadlineReminder(
                procedure=procedure,
                step=step,
                deadline=deadline,
                offset=offset,
                recipients=recipients,
                nobody_to_write_to=not reachable,
            )
        )
    return due_reminders


def _message(due: DueDeadlineReminder, user: User, today: date) -> tuple[str, str]:
    """Subject and text of the reminder for ``user``, in the user's language."""
    procedure = due.procedure
    url = settings.SITE_URL + reverse("procedures:detail", args=[procedure.pk])
    return mail_text(
        "procedures/email/deadline.txt",
        {
            "procedure": procedure,
            "recipient": user,
            "step": due.step.value,
            "step_label": STEP_LABELS[due.step],  # lazy: rendered in the recipient's language
            "due": due.deadline.due,
            "days_left": (due.deadline.due - today).days,
            "days_overdue": (today - due.deadline.due).days,
            "url": url,
        },
        language=user.preferred_language or settings.LANGUAGE_CODE,
    )


def deadline_reminder_send(due: DueDeadlineReminder, *, today: date) -> DeadlineReminderResult:
    """Record the reminder for each recipient, then mail it (see the module docstring)."""
    result = DeadlineReminderResult(
        due.procedure, due.step, due.deadline, due.offset, Outcome.NO_RECIPIENTS
    )
    if not due.recipients:
        return result
    procedure = due.procedure
    already = 0
    for user in due.recipients:
        try:
            with transaction.atomic():
                record = DeadlineReminder.objects.create(
                    procedure=procedure,
                    state_entered_at=procedure.state_entered_at,
                    step=due.step.value,
                    due=due.deadline.due,
                    offset=due.offset,
                    recipient=user,
                    email=user.email,
                )
        except IntegrityError:
            already += 1  # another run recorded it between our read and our insert
            continue
        subject, text = _message(due, user, today)
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # a broken mail server must not stop the other reminders
            logger.exception(
                "Could not send the %s reminder of %s to %s",
                due.step.value,
                procedure.reference,
                user.email,
            )
            record.delete()  # the next run tries this person again
            result.failed.append(user.email)
        else:
            result.sent_to.append(user.email)
    if result.sent_to:
        result.outcome = Outcome.SENT
    elif result.failed:
        result.outcome = Outcome.FAILED
    elif already:
        result.outcome = Outcome.ALREADY_SENT
    return result


def deadline_reminders_send(*, today: date, dry_run: bool = False) -> list[DeadlineReminderResult]:
    """Send every deadline reminder due on ``today``; with ``dry_run`` only say what would be
    sent."""
    results = []
    for due in deadline_reminders_due(today=today):
        if dry_run:
            outcome = Outcome.WOULD_SEND if due.recipients else Outcome.NO_RECIPIENTS
            results.append(
                DeadlineReminderResult(
                    due.procedure,
                    due.step,
                    due.deadline,
                    due.offset,
                    outcome,
                    sent_to=[u.email for u in due.recipients],
                )
            )
        else:
            results.append(deadline_reminder_send(due, today=today))
    return results
