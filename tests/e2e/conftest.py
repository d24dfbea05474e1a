"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Screenshots land in ``tests/e2e/screenshots/`` (not committed) so a person can look at them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CLUSTERLABEL_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; the test database is still used
# synchronously from the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
            "or deselect the browser tests with -m 'not e2e'."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def open_browser(browser) -> Iterator[object]:
    """``open_browser(locale="de-DE")``: a page in a fresh browser of its own (own cookies),
    closed after the test."""
    from tests.e2e.pages import open_page

    opened = []

    def open_(locale: str = "de-DE"):
        page = open_page(browser, locale)
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.context.close()


@pytest.fixture
def login(browser, live_server) -> Iterator[object]:
    """``login(user)``: a page in a browser of the user's own (German), logged in on the start
    page; closed after the test."""
    from tests.e2e.pages import login as log_in

    opened = []

    def open_as(user):
        page = log_in(browser, live_server, user)
        opened.append(page)
        return page

    yield open_as
    for page in opened:
        page.context.close()


@pytest.fixture
def accessible():
    """``accessible(page)``: fail when axe-core (``tests/e2e/axe.py``, from npm) finds a critical
    or serious violation on the page as it is now."""
    from tests.e2e.axe import assert_accessible

    return assert_accessible
