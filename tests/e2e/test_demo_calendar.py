"""In the demo a visitor need not wait four weeks for an assessment date: the procedure's page
offers to move the calendar on, and the assessors start at once (portal.demo_calendar)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.choices import ProcedureState
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import login, shot
from tests.states import StateBuilder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_assessor_moves_the_demo_calendar_and_starts_the_assessment(
    browser, live_server, settings, loaded_schemes
):
    settings.CLUSTERLABEL_DEMO_CALENDAR = True  # as `clusterlabel demo` sets it while it serves
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.ASSESSORS_ASSIGNED)
    procedure = builder.refresh()
    assert procedure.assessment_date > timezone.localdate()
    assessor = builder.assessors[0]
    page = login(browser, live_server, assessor)
    page.set_viewport_size({"width": 390, "height": 900})
    try:
        page.goto(live_server.url + reverse("procedures:detail", args=[procedure.pk]))
        start = reverse("procedures:action", args=[procedure.pk, flow.Action.START_ASSESSMENT])
        expect(page.locator(f'form[action="{start}"] button')).to_be_disabled()
        offer = page.locator(
            f'form[action="{reverse("portal:demo_calendar", args=[procedure.pk])}"]'
        )
        expect(offer).to_be_visible()
        assert_accessible(page, "the demo calendar's offer")
        shot(page, "demo-calendar-1-offer")

        with page.expect_navigation():
            offer.locator("button").click()
        procedure.refresh_from_db()
        assert procedure.assessment_date == timezone.localdate()
        expect(offer).to_have_count(0)
        assert_accessible(page, "after moving the demo calendar")
        shot(page, "demo-calendar-2-moved")

        with page.expect_navigation():
            page.locator(f'form[action="{start}"] button').click()
        procedure.refresh_from_db()
        assert procedure.state == ProcedureState.ASSESSMENT_IN_PROGRESS
    finally:
        page.context.close()
