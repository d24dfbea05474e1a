"""The demo's calendar (portal.demo_calendar): under ``clusterlabel demo`` a procedure waiting
for its assessment date can move the calendar on, so that a visitor walks a new application to a
label; anywhere else the offer is absent and the address answers 404."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain import procedure as flow
from clusterlabel.portal import demo_calendar as calendar
from clusterlabel.portal.management.commands import demo as demo_command
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from tests.factories import UserFactory
from tests.helpers import attribute, element, elements, login, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(loaded_schemes):
    """ECEI Bronze, panel confirmed, the assessment date weeks ahead."""
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.ASSESSORS_ASSIGNED)
    procedure = builder.refresh()
    assert procedure.assessment_date > timezone.localdate()
    return builder


@pytest.fixture
def demo_serving(settings):
    settings.CLUSTERLABEL_DEMO_CALENDAR = True


def detail(procedure) -> str:
    return reverse("procedures:detail", args=[procedure.pk])


def advance_url(procedure) -> str:
    return reverse("portal:demo_calendar", args=[procedure.pk])


def test_off_outside_the_demo_no_offer_and_no_address(client, waiting):
    procedure = waiting.refresh()
    login(client, waiting.secretariat)
    page = client.get(detail(procedure))
    assert page.status_code == 200
    assert advance_url(procedure) not in page.content.decode()
    assert client.post(advance_url(procedure)).status_code == 404
    assert waiting.refresh().assessment_date == procedure.assessment_date
    with pytest.raises(calendar.DemoCalendarOff):
        calendar.demo_calendar_advance(procedure=procedure, actor=waiting.secretariat)


def test_the_environment_cannot_switch_it_on(monkeypatch):
    import importlib

    import clusterlabel.settings as production

    monkeypatch.setenv("CLUSTERLABEL_DEMO_CALENDAR", "1")
    reloaded = importlib.reload(production)
    try:
        assert not hasattr(reloaded, calendar.SETTING)
    finally:
        monkeypatch.delenv("CLUSTERLABEL_DEMO_CALENDAR")
        importlib.reload(production)


def test_in_the_demo_the_assessment_date_becomes_today_and_the_assessment_can_start(
    client, waiting, demo_serving
):
    procedure = waiting.refresh()
    planned = procedure.assessment_date
    manager = waiting.manager
    login(client, manager)
    page = client.get(detail(procedure)).content.decode()
    assert advance_url(procedure) in page

    response = client.post(advance_url(procedure))
    assert response.status_code == 302
    assert response["Location"] == detail(procedure)
    moved = waiting.refresh()
    assert moved.assessment_date == timezone.localdate()
    event = AuditEvent.objects.get(action=calendar.AUDIT_ACTION, procedure_id=procedure.pk)
    assert event.actor == manager
    assert event.before == {"assessment_date": planned.isoformat()}
    assert event.after == {"assessment_date": timezone.localdate().isoformat()}

    # Nothing to wait for any more: no offer, and the assessor starts today.
    assert advance_url(procedure) not in client.get(detail(procedure)).content.decode()
    services.procedure_transition(
        procedure=moved, actor=waiting.assessors[0], action=flow.Action.START_ASSESSMENT
    )
    assert waiting.refresh().state == ProcedureState.ASSESSMENT_IN_PROGRESS


def test_only_a_procedure_waiting_for_its_date_moves(client, loaded_schemes, demo_serving):
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    procedure = builder.refresh()
    login(client, builder.secretariat)
    assert advance_url(procedure) not in client.get(detail(procedure)).content.decode()
    client.post(advance_url(procedure))
    assert builder.refresh().state == ProcedureState.SELF_ASSESSMENT_SUBMITTED
    assert not AuditEvent.objects.filter(action=calendar.AUDIT_ACTION).exists()


def test_someone_who_cannot_see_the_procedure_cannot_move_it(client, waiting, demo_serving):
    procedure = waiting.refresh()
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    login(client, stranger)
    assert client.post(advance_url(procedure)).status_code == 404
    assert waiting.refresh().assessment_date == procedure.assessment_date
    client.logout()
    response = client.post(advance_url(procedure))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert waiting.refresh().assessment_date == procedure.assessment_date


def test_waits_only_in_its_state_with_a_date_ahead():
    class Seen:
        state = ProcedureState.ASSESSORS_ASSIGNED
        assessment_date = date(2027, 3, 1)

    seen = Seen()
    assert calendar.waits_for_assessment_date(seen, date(2027, 2, 28))
    assert not calendar.waits_for_assessment_date(seen, date(2027, 3, 1))
    seen.state = ProcedureState.ASSESSMENT_IN_PROGRESS
    assert not calendar.waits_for_assessment_date(seen, date(2027, 2, 1))


def test_the_demo_switches_it_on_while_it_serves(settings, monkeypatch):
    served = []

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            served.append((getattr(settings, calendar.SETTING, False), settings.DEBUG))

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    monkeypatch.setattr(demo_command, "demo_load", lambda: _EmptyReport())
    assert not getattr(settings, calendar.SETTING, False)
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert not getattr(settings, calendar.SETTING, False)
    settings.DEBUG = True  # as `clusterlabel demo` starts
    call_command("demo", stdout=io.StringIO())
    # Visitors see the site's own error pages, not Django's debug pages.
    assert served == [(True, False)]
    settings.DEBUG = True
    call_command("demo", "--debug-pages", stdout=io.StringIO())
    assert served[-1] == (True, True)


class _EmptyReport:
    schemes_created = schemes_total = accounts_created = procedures_created = 0


def test_the_offer_sits_in_the_main_content_after_the_heading_and_the_date(
    client, waiting, demo_serving
):
    procedure = waiting.refresh()
    login(client, waiting.manager, language="en")
    main = element(client.get(detail(procedure)), "main")
    order = [
        "h1" if node.name == "h1" else "aside" if node.name == "aside" else "date"
        for node in elements(main)
        if node.name == "h1"
        or (node.name == "aside" and "demo-calendar" in (attribute(node, "class") or ""))
        or (node.name == "p" and text(node).startswith("Assessment date"))
    ]
    assert order == ["h1", "date", "aside"]
    # The procedure's other pages (the self-assessment, the scores, ...) do not repeat it.
    other = reverse("procedures:self_assessment", args=[procedure.pk])
    assert advance_url(procedure) not in client.get(other).content.decode()
