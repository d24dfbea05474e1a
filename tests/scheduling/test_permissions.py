"""The policy's answers for scheduling, asked directly: who may see, propose and fix an
appointment, and whose availability periods a person reaches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.choices import Role
from clusterlabel.scheduling.models import Availability
from tests.factories import OrganisationFactory, UserFactory


def test_only_the_owner_reaches_an_availability_period(db, gold) -> None:
    mine, theirs = (Availability.objects.get(assessor=a) for a in gold.assessors)
    me = gold.assessors[0]
    assert policy.can(me, Activity.MANAGE_AVAILABILITY, mine)
    assert not policy.can(me, Activity.MANAGE_AVAILABILITY, theirs)
    every = Availability.objects.all()
    assert list(policy.restrict(every, me, Activity.MANAGE_AVAILABILITY)) == [mine]
    for other in (gold.secretariat, gold.manager, gold.authority):
        assert not policy.can(other, Activity.MANAGE_AVAILABILITY, mine)
        assert not policy.restrict(every, other, Activity.MANAGE_AVAILABILITY).exists()
    # Another activity never opens the periods through restrict().
    assert not policy.restrict(every, me, Activity.VIEW_PROCEDURE).exists()


def test_who_sees_proposes_and_fixes_the_appointment(db, gold) -> None:
    procedure = gold.refresh()
    outsider = UserFactory(role=Role.ASSESSOR)
    other_manager = UserFactory()
    OrganisationFactory(managers=[other_manager])
    expected = {
        gold.secretariat: (True, True, True),
        gold.assessors[0]: (True, True, False),
        gold.manager: (True, False, False),
        gold.authority: (False, False, False),
        outsider: (False, False, False),
        other_manager: (False, False, False),
        gold.board[0]: (False, False, False),
    }
    for user, (see, propose, fix) in expected.items():
        answers = tuple(
            policy.can(user, activity, procedure)
            for activity in (
                Activity.VIEW_APPOINTMENT,
                Activity.PROPOSE_APPOINTMENT,
                Activity.FIX_APPOINTMENT,
            )
        )
        assert answers == (see, propose, fix), user


def test_the_appointment_is_fixed_only_while_the_panel_is_open(db, gold) -> None:
    procedure = gold.refresh()
    procedure.state = "assessment_in_progress"
    decision = policy.decide(gold.secretariat, Activity.FIX_APPOINTMENT, procedure)
    assert not decision and decision.reason == "wrong_state"
    assert policy.can(gold.manager, Activity.VIEW_APPOINTMENT, procedure)


@pytest.mark.postgresql
def test_the_database_refuses_overlapping_periods_of_one_person(db, gold) -> None:
    """Written past the service: the exclusion constraint of migration 0001 holds it."""
    assessor = gold.assessors[0]
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Availability.objects.create(
            assessor=assessor, start=today + timedelta(days=30), end=today + timedelta(days=90)
        )
    Availability.objects.create(
        assessor=gold.assessors[1], start=today + timedelta(days=81), end=today + timedelta(days=90)
    )
