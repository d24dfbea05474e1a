"""The overdue list: procedures whose current step is past its due date, for the secretariat.

Scoped by the policy (``Activity.TRACK_DEADLINES``: the secretariat, for the schemes of its
grants, so a secretariat of one operator sees only its schemes' procedures).

Due dates are computed in Python by ``procedure_deadline`` from the rows the list reads: the
day counts come from the scheme files (the domain's rules), and the self-assessment's and the
assessment's due dates from the assessment date, so a SQL version would be a second copy of
those rules. The query count does not grow with the number of procedures: one query for the
procedures, one per prefetched relation, and one per scheme and role for the people who must
act (``procedures.acting``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.functional import Promise

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.procedure.reminders import STEPS, Step, step_of
from clusterlabel.procedures.acting import ACTING_PREFETCH, STEP_LABELS, ActingPeople
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.selectors import procedure_deadline


@dataclass(frozen=True)
class OverdueStep:
    """One overdue procedure: its step, since when it was due, who must act."""

    procedure: Procedure
    step: Step
    due: date
    days_overdue: int
    owner: flow.Role
    acting: list[tuple[flow.Role, list[User]]]

    @property
    def people(self) -> list[User]:
        """Everyone who must act, each once."""
        unique: dict[int, User] = {}
        for _role, people in self.acting:
            for person in people:
                unique.setdefault(person.pk, person)
        return list(unique.values())

    @property
    def step_label(self) -> Promise:
        return STEP_LABELS[self.step]


#: The orders the list can be read in: most overdue first (the default), or least.
ORDERS = ("most_overdue", "least_overdue")


def overdue_steps(
    *, user: User, today: date | None = None, order: str = "most_overdue"
) -> list[OverdueStep]:
    """The procedures ``user`` may track whose current step is overdue on ``today`` (the
    secretariat's schemes; nothing for anyone else), sorted by days overdue (``order``, ties by
    reference). Query count independent of the number of procedures (module docstring)."""
    today = today or timezone.localdate()
    procedures = restrict(
        Procedure.objects.filter(state__in=sorted(s.value for s in STEPS))
        .select_related("organisation", "scheme_version")
        .prefetch_related(*ACTING_PREFETCH),
        user,
        Activity.TRACK_DEADLINES,
    ).order_by("pk")
    people = ActingPeople()
    rows = []
    for procedure in procedures:
        step = step_of(procedure.state)
        owner = flow.owner_of(procedure.state)
        deadline = procedure_deadline(procedure, today=today)
        if step is None or owner is None or deadline is None or not deadline.overdue:
            continue
        rows.append(
            OverdueStep(
                procedure=procedure,
                step=step,
                due=deadline.due,
                days_overdue=(today - deadline.due).days,
                owner=owner,
                acting=people.by_role(procedure),
            )
        )
    rows.sort(key=lambda row: row.procedure.pk)
    rows.sort(key=lambda row: row.days_overdue, reverse=order != "least_overdue")
    return rows
