"""A Gold procedure whose panel is composed (``assessors_assigned``: the panel is still open),
its two assessors available for the whole deadline window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.scheduling import services
from clusterlabel.scheduling.selectors import schedule_facts
from tests.states import StateBuilder


@pytest.fixture
def gold(db) -> StateBuilder:
    builder = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.ASSESSORS_ASSIGNED)
    today = timezone.localdate()
    for assessor in builder.assessors:
        services.availability_add(
            actor=assessor, start=today + timedelta(days=20), end=today + timedelta(days=80)
        )
    return builder


def first_day(builder: StateBuilder, offset: int = 0) -> date:
    """The earliest day the window allows, plus ``offset`` days."""
    return schedule_facts(builder.refresh()).window.start + timedelta(days=offset)
