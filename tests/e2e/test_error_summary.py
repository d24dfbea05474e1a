"""After a failed save the keyboard focus is on the error summary (a screen reader reads it
first, the page scrolls to it), and each of its links moves the focus to the field it names
(static clusterlabel/error-summary.js): on the self-assessment, the longest form, in German
at 390 px and in English at 1280 px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clusterlabel.procedures.choices import ProcedureState
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.pages import open_page, self_assessment_input, shot
from tests.factories import PASSWORD
from tests.states import StateBuilder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize(
    ("locale", "width", "save"),
    [("de-DE", 390, "Entwurf speichern"), ("en-GB", 1280, "Save draft")],
)
def test_a_failed_save_focuses_the_summary_whose_link_focuses_the_field(
    browser, live_server, loaded_schemes, locale, width, save
):
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.CONTRACTED)
    procedure = builder.refresh()
    numeric = next(i for i in builder.scheme.indicators if i.type in {"number", "percent"})
    page = open_page(browser, locale)
    try:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + reverse("login"))
        page.locator("#id_username").fill(builder.manager.username)
        page.locator("#id_password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form").get_by_role("button").last.click()
        page.goto(live_server.url + reverse("procedures:self_assessment", args=[procedure.pk]))
        field = self_assessment_input(page, numeric.id)
        field.fill("zwölf")
        with page.expect_navigation():
            page.get_by_role("button", name=save, exact=True).last.click()

        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_visible()
        assert focused_id(page) == summary.get_attribute("id")
        assert summary.get_attribute("role") == "alert"
        assert_accessible(page, "the self-assessment after a failed save")
        shot(page, f"error-summary-{locale}-{width}-1-focused", of=summary)

        link = summary.locator(f'a[href="#{field.get_attribute("id")}"]')
        expect(link).to_have_count(1)
        link.click()
        assert focused_id(page) == field.get_attribute("id")
        expect(field).to_be_in_viewport()
        expect(field).to_have_value("zwölf")  # what was typed is kept
        # What the window shows after the jump (not the whole page, 25,000 px long).
        page.screenshot(path=str(SCREENSHOTS / f"error-summary-{locale}-{width}-2-field.png"))
    finally:
        page.context.close()
