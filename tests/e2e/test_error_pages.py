"""The site's error pages in a browser: on a phone, in German and in English, they fit the
window, pass axe-core and lead back to the start page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = {
    "not-found": (reverse("labels:verify", args=["XX-0000-0000"]), 404),
    "not-allowed": (reverse("labels:registry_export", args=["csv"]) + "?full=1", 403),
}


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_error_page_on_a_phone(browser, live_server, locale, kind):
    path, status = PAGES[kind]
    page = open_page(browser, locale)
    try:
        page.set_viewport_size({"width": 320, "height": 700})
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == status
        assert page.locator("html").get_attribute("lang") == locale[:2]
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert_accessible(page, f"{kind} ({locale})")
        shot(page, f"error-{kind}-{locale[:2]}-320")
        start = reverse("portal:start")
        with page.expect_navigation():
            page.locator(f'main a[href="{start}"]').first.click()
        assert page.url == live_server.url + start
    finally:
        page.context.close()
