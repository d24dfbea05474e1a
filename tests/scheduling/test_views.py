"""The pages, tried by everyone who should not get in: an assessor not on the panel, a cluster
manager of another organisation, another assessor's period, a secretariat of another scheme."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from clusterlabel.accounts.choices import Role
from clusterlabel.scheduling import services
from clusterlabel.scheduling.models import Appointment, AppointmentProposal, Availability
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import get_in_queries, login, text
from tests.scheduling.conftest import first_day


@pytest.fixture
def fixed(gold):
    services.appointment_fix(
        procedure=gold.refresh(),
        actor=gold.secretariat,
        start_date=first_day(gold),
        mode="on_site",
        address="Hauptstr. 1, 68161 Mannheim",
    )
    return gold


def _fix_post(start):
    return {
        "action": "fix",
        "start_date": start.isoformat(),
        "mode": "on_site",
        "address": "Anderswo 2",
        "agenda": "1 09:00 Start",
        "reason": "Test",
    }


# --- availability ----------------------------------------------------------------------------


def test_an_assessor_adds_and_sees_their_periods(client, gold) -> None:
    assessor = gold.assessors[0]
    login(client, assessor)
    today = timezone.localdate()
    response = client.post(
        reverse("scheduling:availability"),
        {
            "start": (today + timedelta(days=100)).isoformat(),
            "end": (today + timedelta(days=101)).isoformat(),
            "note": "Urlaub vorbei",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("scheduling:availability"))
    assert "Urlaub vorbei" in text(page)
    assert Availability.objects.filter(assessor=assessor).count() == 2


def test_an_overlap_is_shown_with_its_reason(english_client, gold) -> None:
    login(english_client, gold.assessors[0])
    today = timezone.localdate()
    response = english_client.post(
        reverse("scheduling:availability"),
        {
            "start": (today + timedelta(days=30)).isoformat(),
            "end": (today + timedelta(days=31)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "overlaps your availability" in text(response)


def test_an_assessor_cannot_remove_or_see_another_assessors_period(client, gold) -> None:
    mine, theirs = (Availability.objects.get(assessor=a) for a in gold.assessors)
    login(client, gold.assessors[0])
    page = client.get(reverse("scheduling:availability"))
    assert reverse("scheduling:availability_delete", args=[theirs.pk]) not in page.content.decode()
    assert reverse("scheduling:availability_delete", args=[mine.pk]) in page.content.decode()
    response = client.post(reverse("scheduling:availability_delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert Availability.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["manager", "secretariat"])
def test_the_availability_page_is_for_assessors_only(client, gold, who) -> None:
    login(client, getattr(gold, who))
    assert client.get(reverse("scheduling:availability")).status_code == 404


# --- the schedule page -------------------------------------------------------------------------


def test_the_secretariat_sees_the_panels_availability_and_fixes(client, gold) -> None:
    login(client, gold.secretariat)
    url = reverse("scheduling:schedule", args=[gold.procedure.pk])
    page = client.get(url)
    assert page.status_code == 200
    for assessor in gold.assessors:
        assert assessor.get_full_name() in text(page)
    response = client.post(url, _fix_post(first_day(gold, 2)) | {"reason": ""})
    assert response.status_code == 302
    appointment = Appointment.objects.get(procedure=gold.procedure)
    assert appointment.agenda == [{"day": 1, "time": "09:00", "title": "Start"}]
    assert gold.refresh().assessment_date == first_day(gold, 2)


def test_a_refused_date_is_shown_with_its_reason(english_client, gold) -> None:
    login(english_client, gold.secretariat)
    url = reverse("scheduling:schedule", args=[gold.procedure.pk])
    response = english_client.post(url, _fix_post(first_day(gold, -1)))
    assert response.status_code == 400
    assert "can start on" in text(response)
    assert not Appointment.objects.exists()


def test_an_assessor_of_the_panel_proposes_but_cannot_fix(client, gold) -> None:
    login(client, gold.assessors[0])
    url = reverse("scheduling:schedule", args=[gold.procedure.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert gold.assessors[1].get_full_name() not in text(
        page
    )  # others' availability: secretariat only
    response = client.post(url, {"action": "propose", "start_date": first_day(gold, 1).isoformat()})
    assert response.status_code == 302
    assert AppointmentProposal.objects.filter(proposed_by=gold.assessors[0]).count() == 1
    response = client.post(url, _fix_post(first_day(gold, 1)))
    assert response.status_code == 403
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "who", ["outsider_assessor", "other_manager", "manager", "other_secretariat"]
)
def test_the_schedule_page_is_closed_to_others(client, gold, who) -> None:
    people = {
        "outsider_assessor": lambda: UserFactory(role=Role.ASSESSOR),
        "other_manager": lambda: OrganisationFactory(managers=[UserFactory()]).managers.get(),
        "manager": lambda: gold.manager,
        "other_secretariat": lambda: UserFactory(
            role=Role.SECRETARIAT, role__scheme_id="ecei-bronze"
        ),
    }
    login(client, people[who]())
    url = reverse("scheduling:schedule", args=[gold.procedure.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _fix_post(first_day(gold))).status_code == 404
    assert not Appointment.objects.exists()


# --- the appointment on the procedure page and the .ics ------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "manager", "assessor"])
def test_the_participants_download_the_invitation(client, fixed, who) -> None:
    user = fixed.assessors[0] if who == "assessor" else getattr(fixed, who)
    login(client, user)
    response = client.get(reverse("scheduling:invitation", args=[fixed.procedure.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "Hauptstr. 1, 68161 Mannheim"


@pytest.mark.parametrize("who", ["outsider_assessor", "other_manager", "authority"])
def test_others_neither_see_nor_download_the_appointment(client, fixed, who) -> None:
    people = {
        "outsider_assessor": lambda: UserFactory(role=Role.ASSESSOR),
        "other_manager": lambda: OrganisationFactory(managers=[UserFactory()]).managers.get(),
        "authority": lambda: fixed.authority,
    }
    login(client, people[who]())
    response = client.get(reverse("scheduling:invitation", args=[fixed.procedure.pk]))
    assert response.status_code == 404
    detail = client.get(reverse("procedures:detail", args=[fixed.procedure.pk]))
    assert "Hauptstr. 1" not in detail.content.decode()
    assert (
        reverse("scheduling:invitation", args=[fixed.procedure.pk]) not in detail.content.decode()
    )


def test_the_procedure_page_shows_the_appointment_and_its_history(english_client, fixed) -> None:
    services.appointment_fix(
        procedure=fixed.refresh(),
        actor=fixed.secretariat,
        start_date=first_day(fixed, 3),
        mode="on_site",
        address="Neue Adresse 5",
        reason="Raum belegt",
    )
    login(english_client, fixed.manager)
    page = english_client.get(reverse("procedures:detail", args=[fixed.procedure.pk]))
    content = text(page)
    assert "Assessment appointment" in content
    assert "Neue Adresse 5" in content
    assert "Earlier versions" in content
    assert "Version 1:" in content
    assert "Raum belegt" in content
    assert reverse("scheduling:invitation", args=[fixed.procedure.pk]) in page.content.decode()


def test_no_invitation_before_a_date_is_fixed(client, gold) -> None:
    login(client, gold.manager)
    assert client.get(reverse("scheduling:invitation", args=[gold.procedure.pk])).status_code == 404


def test_a_date_moved_outside_the_schedule_page_is_pointed_out(english_client, fixed) -> None:
    # The panel page refuses to move a fixed date (tests/scheduling/test_services.py); the
    # demo's calendar (portal.demo_calendar) still moves it, and the page says so.
    from clusterlabel.procedures.models import Procedure

    Procedure.objects.filter(pk=fixed.procedure.pk).update(assessment_date=first_day(fixed, 5))
    login(english_client, fixed.secretariat)
    page = english_client.get(reverse("procedures:detail", args=[fixed.procedure.pk]))
    assert "has since been set to" in text(page)
    assert Appointment.objects.get().start_date == first_day(fixed)  # nothing changed silently


# session, user, grants, the periods
AVAILABILITY_QUERIES = 4
# session, user, the procedure with what procedure_get prefetches (answers, evidence, panel,
# scores, votes, declarations, managers), grants, the current appointment, the submission in the
# trail, the panel and its periods (for the candidates, and again for the table), the proposals
SCHEDULE_QUERIES = 19


def test_the_availability_page_costs_the_same_with_more_periods(
    client, gold, django_assert_num_queries
) -> None:
    assessor = gold.assessors[0]
    login(client, assessor)
    url = reverse("scheduling:availability")
    get_in_queries(client, url, AVAILABILITY_QUERIES, django_assert_num_queries)
    today = timezone.localdate()
    for n in range(10):
        start = today + timedelta(days=200 + 3 * n)
        services.availability_add(actor=assessor, start=start, end=start + timedelta(days=1))
    get_in_queries(client, url, AVAILABILITY_QUERIES, django_assert_num_queries)


def test_the_schedule_page_costs_the_same_with_more_periods_and_proposals(
    client, gold, django_assert_num_queries
) -> None:
    login(client, gold.secretariat)
    url = reverse("scheduling:schedule", args=[gold.procedure.pk])
    get_in_queries(client, url, SCHEDULE_QUERIES, django_assert_num_queries)
    today = timezone.localdate()
    for assessor in gold.assessors:
        for n in range(5):
            start = today + timedelta(days=200 + 3 * n)
            services.availability_add(actor=assessor, start=start, end=start)
    for n in range(5):
        services.appointment_propose(
            procedure=gold.refresh(), actor=gold.secretariat, start_date=first_day(gold, n)
        )
    get_in_queries(client, url, SCHEDULE_QUERIES, django_assert_num_queries)
