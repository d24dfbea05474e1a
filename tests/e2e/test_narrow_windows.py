"""Phones and narrow windows (WCAG 1.4.10 Reflow): at 320 CSS pixels no page scrolls sideways,
for a visitor and for every demo role, in German and in English, on every page they can reach by
following links; and axe-core finds no critical or serious violation on one page of each kind.
The back office (Django's admin, with its own responsive stylesheet) is walked apart, as the
two secretariats use it: its index, every list they see and the first entry of each. A narrow
window folds the header's navigation and account links into one "Menu" disclosure.

The pages are those of the demo (``clusterlabel demo``): a procedure in every state, labels,
benchmarking reports. The test follows the links a person sees, as they would, from the start
page; of pages that differ only in a number (``/procedures/7/``) it visits a few.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from clusterlabel.portal.demo import DEMO_PASSWORD
from tests.e2e.axe import blocking_violations, describe
from tests.e2e.pages import open_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROWEST = 320
# "" is the visitor who is not logged in.
PEOPLE = [
    "",
    "manager",
    "assessor",
    "board",
    "authority",
    "secretariat",
    "bw-secretariat",
    "programme",
]
LOCALES = {"de": "de-DE", "en": "en-GB"}
BACK_OFFICE = ["secretariat", "bw-secretariat"]
# Downloads, the language switch, the API and its documentation page, Django's back office
# (its own stylesheet), leaving.
NOT_PAGES = re.compile(
    r"^/(admin|i18n|api)/|\.(pdf|csv|json|svg|jwt|png|zip)(\?|$)|/export|/download|/evidence/|logout"
)
SAME_KIND = 2  # pages of one kind visited (``/procedures/N/``)
MOST_PAGES = 120  # per person: a bound, not a sample (the demo has fewer kinds of page)


def kind_of(path: str) -> str:
    """``/procedures/7/scoring/?page=2`` -> ``/procedures/N/scoring/?page``."""
    parts = urlsplit(path)
    keys = sorted(key.split("=")[0] for key in parts.query.split("&") if key)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def links_on(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if NOT_PAGES.search(path) or "next=" in parts.query:
            continue
        paths.append(path)
    return paths


def log_in(page: Page, origin: str, username: str) -> None:
    page.goto(origin + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button").last.click()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def walk(browser: Browser, origin: str, username: str, language: str) -> tuple[int, list[str]]:
    """Visit the pages ``username`` reaches at 320 px; the problems found, and how many pages."""
    page = open_page(browser, LOCALES[language])
    page.set_viewport_size({"width": NARROWEST, "height": 800})
    problems: list[str] = []
    try:
        if username:
            log_in(page, origin, username)
        seen: set[str] = set()
        kinds: Counter[str] = Counter()
        checked_kinds: set[str] = set()
        queue = ["/"]
        while queue and len(seen) < MOST_PAGES:
            path = queue.pop(0)
            if path in seen or kinds[kind_of(path)] >= SAME_KIND:
                continue
            seen.add(path)
            kinds[kind_of(path)] += 1
            response = page.goto(origin + path)
            if response is None or response.status >= 400:
                status = response and response.status
                problems.append(f"{language} {username or 'visitor'} {path}: status {status}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROWEST:
                problems.append(f"{language} {username or 'visitor'} {path}: {width} px wide")
            if kind_of(path) not in checked_kinds:
                checked_kinds.add(kind_of(path))
                violations = blocking_violations(page)
                if violations:
                    problems.append(
                        f"{language} {username or 'visitor'} {path}: {describe(violations)}"
                    )
            queue.extend(p for p in links_on(page, origin) if p not in seen)
        return len(seen), problems
    finally:
        page.context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_page_scrolls_sideways_at_320_px_for_any_role(live_server, browser, language):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    visited: dict[str, int] = {}
    problems: list[str] = []
    for username in PEOPLE:
        count, found = walk(browser, live_server.url, username, language)
        visited[username or "visitor"] = count
        problems += found
    assert not problems, "\n".join(problems)
    # The walk did reach the pages: each logged-in role more than the visitor's few.
    assert visited["visitor"] >= 8, visited
    for username in PEOPLE[1:]:
        assert visited[username] > visited["visitor"], visited


def back_office_walk(page: Page, origin: str) -> tuple[list[str], list[str]]:
    """The back office's index, each list linked from it and the first entry of each list: the
    paths visited and the problems found (sideways scrolling, a blocking axe finding)."""
    problems: list[str] = []
    visited: list[str] = []

    def visit(path: str) -> None:
        response = page.goto(origin + path)
        visited.append(path)
        if response is None or response.status >= 400:
            problems.append(f"{path}: status {response and response.status}")
            return
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROWEST:
            problems.append(f"{path}: {width} px wide")
        violations = blocking_violations(page)
        if violations:
            problems.append(f"{path}: {describe(violations)}")

    visit("/admin/")
    lists = sorted(
        {
            href
            for href in page.eval_on_selector_all(
                "#content-main a[href]", "links => links.map(a => a.getAttribute('href'))"
            )
            if re.fullmatch(r"/admin/\w+/\w+/", href)
        }
    )
    for path in lists:
        visit(path)
        first = page.eval_on_selector_all(
            "#result_list tbody a[href]", "links => links.slice(0, 1).map(a => a.href)"
        )
        if first:
            visit(urlsplit(first[0]).path)
    return visited, problems


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_back_office_a_secretariat_uses_fits_320_px(live_server, browser, language):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    problems: list[str] = []
    for username in BACK_OFFICE:
        page = open_page(browser, LOCALES[language])
        page.set_viewport_size({"width": NARROWEST, "height": 800})
        try:
            log_in(page, live_server.url, username)
            visited, found = back_office_walk(page, live_server.url)
        finally:
            page.context.close()
        problems += [f"{language} {username} {problem}" for problem in found]
        # The walk reached the lists and their entries (labels, organisations, audit events).
        assert len(visited) >= 10, (username, visited)
        assert any(re.fullmatch(r"/admin/labels/label/\d+/change/", p) for p in visited), visited
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_phone_header_is_one_row_with_a_menu_to_open(live_server, browser, language):
    """At 390 px the logged-in header is one row (the name, the navigation, the language and
    the account's links behind "Menu"); the menu opens from the keyboard and leads on; at
    1280 px the navigation is in the row and the menu is not there."""
    call_command("demo", "--no-serve", stdout=io.StringIO())
    page = open_page(browser, LOCALES[language])
    navigation = "Hauptnavigation" if language == "de" else "Main navigation"
    procedures = "Verfahren" if language == "de" else "Procedures"
    try:
        page.set_viewport_size({"width": 390, "height": 800})
        log_in(page, live_server.url, "secretariat")
        header = page.get_by_role("banner")
        assert header.bounding_box()["height"] < 80
        assert page.get_by_role("navigation", name=navigation).count() == 0  # folded away
        summary = header.locator("summary")
        summary.focus()
        page.keyboard.press("Enter")
        menu = page.get_by_role("navigation", name=navigation)
        assert menu.count() == 1
        assert not blocking_violations(page), describe(blocking_violations(page))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        with page.expect_navigation():
            menu.get_by_role("link", name=procedures, exact=True).click()
        assert urlsplit(page.url).path == "/procedures/"

        page.set_viewport_size({"width": 1280, "height": 800})
        assert header.locator("summary").is_hidden()
        assert page.get_by_role("navigation", name=navigation).count() == 1
        assert header.bounding_box()["height"] < 120
    finally:
        page.context.close()
