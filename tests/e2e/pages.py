"""What the browser tests do on the pages of a labelling procedure, as the people would.

Every helper works on a Playwright ``Page`` that one person is logged in on (``login``), clicks
what that person would click, and waits for the page the click leads to before it returns, so
the next step never acts on the page it came from. The labels are the German ones the users
see; where a page lists many indicators, the helpers address the fields by the names the forms
give them (``value-STR-01``, ``id_STR-01_value``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from clusterlabel.domain.schemes import Indicator
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD

TIMEOUT_MS = 10_000


def open_page(browser: Browser, locale: str = "de-DE") -> Page:
    """A page in a browser of its own (its own cookies) that asks for ``locale``; closing
    ``page.context`` ends it."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def login(browser: Browser, live_server: Any, user: Any) -> Page:
    """A browser of its own for ``user`` (German, like the users), logged in on the start
    page."""
    page = open_page(browser)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Willkommen, {user.get_full_name()}")
    return page


def shot(page: Page, name: str, *, of: Locator | None = None) -> Path:
    """A screenshot in ``tests/e2e/screenshots/<name>.png``: the whole page, or only ``of``
    (for the long questionnaire and scoring pages, whose full height no one can read)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if of is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        of.screenshot(path=str(path))
    return path


def main_text(page: Page) -> str:
    """The text of the page's ``main`` element, whitespace collapsed."""
    return " ".join(page.locator("main").inner_text().split())


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that submits a form or follows a link and wait until the next page has
    loaded."""
    with page.expect_navigation():
        target.click()


def press(page: Page, name: str) -> None:
    """Press the button called ``name`` (exactly) and wait for the page it leads to."""
    click_and_wait(page, page.get_by_role("button", name=name, exact=True))


def follow(page: Page, name: str) -> None:
    """Follow the link called ``name`` (exactly) and wait for the page it leads to."""
    click_and_wait(page, page.get_by_role("link", name=name, exact=True).first)


def open_procedure(page: Page, pk: int) -> None:
    """Go to the procedure page (as from a link in an e-mail)."""
    origin = "/".join(page.url.split("/")[:3])
    page.goto(f"{origin}/procedures/{pk}/")


def status_line(page: Page) -> str:
    return " ".join(page.locator(".status-line").inner_text().split())


def audit_rows(page: Page) -> list[tuple[str, str]]:
    """(who, what) of every row of the audit trail on the procedure page, oldest first."""
    rows = page.locator("table.audit-trail tbody tr")
    return [
        (row.locator("td").nth(1).inner_text().strip(), row.locator("td").nth(2).inner_text())
        for row in rows.all()
    ]


# --- values as people type and read them ----------------------------------------------------


def german_number(value: Decimal | int | str) -> str:
    """A number typed the German way: decimal comma, no thousands separator ("1500", "12,5")."""
    return format(Decimal(value), "f").replace(".", ",")


def german_display(value: Decimal | int | str) -> str:
    """A number as the pages show it: decimal comma and a dot between thousands."""
    number = Decimal(value)
    whole, _dot, fraction = format(number, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if fraction else text


MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def german_date(day: date) -> str:
    """A date as the pages write it out in German ("19. Dezember 2026")."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def shown_value(indicator: Indicator, value: Any) -> str:
    """How the scoring page shows a stored value of ``indicator`` (German)."""
    if indicator.type == "choice":
        return next(c.name.de for c in indicator.choices if c.id == value)
    if indicator.type == "boolean":
        return "ja" if value else "nein"
    text = german_display(value)
    if indicator.type == "percent":
        return f"{text} %"
    return f"{text} {indicator.unit.de}" if indicator.unit else text


# --- the self-assessment ------------------------------------------------------------------------


def fill_self_assessment_value(page: Page, indicator: Indicator, value: Any) -> None:
    """Type or choose ``value`` for ``indicator`` in the questionnaire."""
    name = f"value-{indicator.id}"
    if indicator.type == "choice":
        page.locator(f'select[name="{name}"]').select_option(value=str(value))
    elif indicator.type == "boolean":
        page.locator(f'input[name="{name}"][value="{"yes" if value else "no"}"]').check()
    else:
        page.locator(f'input[name="{name}"]').fill(
            value if isinstance(value, str) else german_number(value)
        )


def self_assessment_input(page: Page, indicator_id: str) -> Locator:
    return page.locator(f'[name="value-{indicator_id}"]:not([type="hidden"])')


# --- scoring ------------------------------------------------------------------------------------


def indicator_card(page: Page, indicator_id: str) -> Locator:
    return page.locator(f"article#indicator-{indicator_id}")


def score_indicator(page: Page, indicator: Indicator, value: Any, evidence_seen: str) -> None:
    """Enter the panel's value and the evidence seen for one indicator and save it; returns
    when the page says the score is saved."""
    card = indicator_card(page, indicator.id)
    if indicator.type == "choice":
        card.locator(f'input[name="value"][value="{value}"]').check()
    elif indicator.type == "boolean":
        card.locator(f'input[name="value"][value="{"yes" if value else "no"}"]').check()
    else:
        card.locator(f"#id_{indicator.id}_value").fill(german_number(value))
    card.locator(f"#id_{indicator.id}_evidence_seen").fill(evidence_seen)
    click_and_wait(page, card.get_by_role("button", name="Bewertung speichern"))
    expect(indicator_card(page, indicator.id).get_by_role("status")).to_have_text("Gespeichert.")


def confirm_score(page: Page, indicator_id: str) -> None:
    """Confirm the other assessor's score of one indicator."""
    card = indicator_card(page, indicator_id)
    click_and_wait(page, card.get_by_role("button", name="Diese Bewertung bestätigen"))
    expect(indicator_card(page, indicator_id).get_by_role("status")).to_have_text(
        "Sie haben diese Bewertung bestätigt."
    )
