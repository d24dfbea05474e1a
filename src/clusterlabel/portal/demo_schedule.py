"""The demo's scheduling: the assessors have recorded their availability, and the Gold
procedure waiting for its assessment has a fixed on-site appointment with a two-day agenda.

Written through the scheduling services, so the demo's trail shows the same events a real
secretariat leaves (``availability.add``, ``appointment.fix``)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.domain.scheduling import AgendaItem
from clusterlabel.procedures.models import Procedure
from clusterlabel.scheduling import services
from clusterlabel.scheduling.selectors import schedule_facts

# (first day from today, last day from today, note): weeks the demo's assessors keep free.
AVAILABILITY: dict[str, tuple[tuple[int, int, str], ...]] = {
    "assessor": ((21, 45, "Ab Mitte des Monats flexibel"), (60, 90, "")),
    "assessor2": ((25, 40, "Available for on-site visits in Germany"), (70, 100, "")),
}

AGENDA: tuple[AgendaItem, ...] = (
    AgendaItem(1, time(9), "Begrüßung und Vorstellung des Clustermanagements"),
    AgendaItem(1, time(10, 30), "Struktur, Governance und Finanzierung"),
    AgendaItem(1, time(14), "Gespräche mit Mitgliedern"),
    AgendaItem(2, time(9), "Strategie, Ziele und Dienstleistungen"),
    AgendaItem(2, time(13), "Erfolge und Anerkennung; Abschlussgespräch"),
)


def demo_availability_load(*, assessors: dict[str, User]) -> int:
    """Record the demo assessors' availability (``assessors``: username -> account); returns
    how many periods were recorded."""
    today = timezone.localdate()
    recorded = 0
    for username, periods in AVAILABILITY.items():
        for first, last, note in periods:
            services.availability_add(
                actor=assessors[username],
                start=today + timedelta(days=first),
                end=today + timedelta(days=last),
                note=note,
            )
            recorded += 1
    return recorded


def demo_appointment_load(*, procedure: Procedure, secretariat: User) -> None:
    """Fix the procedure's on-site appointment on the first day the whole panel is free."""
    candidates = schedule_facts(procedure).candidates()
    if not candidates:
        raise RuntimeError("the demo assessors' availability leaves no date for the assessment")
    organisation = procedure.organisation
    services.appointment_fix(
        procedure=procedure,
        actor=secretariat,
        start_date=candidates[0],
        mode="on_site",
        address=f"{organisation.cluster_name}\nGeschäftsstelle, Leutragraben 1\n07743 Jena",
        agenda=AGENDA,
    )
