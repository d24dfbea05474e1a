"""The everyday path, one main task per role, in German and in English, on a phone (390 px) and
on a laptop (1280 px): the cluster manager applies, the assessor declares and scores, the board
member votes, the awarding authority decides, a member of the public checks a label. On every
page of the way nothing scrolls sideways and axe-core finds no critical or serious violation;
each page is saved as a screenshot (``tests/e2e/screenshots/everyday/``).

The pages change under other work (texts, error summaries, next steps), so the steps find what
they click by the forms' field names, ids and addresses, not by the words on the buttons; the
words are checked only where they are the point (the page's language).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from clusterlabel.domain import procedure as flow
from clusterlabel.domain.schemes import Indicator
from clusterlabel.labels.models import Label
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import BoardVote, IndicatorScore, Procedure
from clusterlabel.procedures.walkthrough import excellent_values
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.pages import TIMEOUT_MS
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.states import StateBuilder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class View:
    """A language and a window width."""

    locale: str
    language: str
    width: int

    @property
    def name(self) -> str:
        return f"{self.language}-{self.width}"


VIEWS = [
    View("de-DE", "de", 390),
    View("de-DE", "de", 1280),
    View("en-GB", "en", 390),
    View("en-GB", "en", 1280),
]


@pytest.fixture(params=VIEWS, ids=lambda view: view.name)
def view(request) -> View:
    return request.param


@pytest.fixture
def browse(browser: Browser, live_server, view: View):
    """``browse(user=None)``: a page of its own in ``view``'s language and width, logged in as
    ``user`` when given; closed after the test."""
    opened: list[Page] = []

    def open_(user=None) -> Page:
        context = browser.new_context(
            locale=view.locale, viewport={"width": view.width, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        opened.append(page)
        if user is not None:
            page.goto(live_server.url + reverse("login"))
            page.locator("#id_username").fill(user.username)
            page.locator("#id_password").fill(PASSWORD)
            submit(page, page.locator("main form"))
            assert reverse("login") not in page.url, f"{user.username} could not log in"
        return page

    yield open_
    for page in opened:
        page.context.close()


def submit(page: Page, form: Locator) -> None:
    """Press the form's (last) submit button and wait for the page it leads to."""
    with page.expect_navigation():
        form.locator('button[type="submit"]').last.click()


def checked(page: Page, view: View, name: str) -> Path:
    """The page is in ``view``'s language, fits the window, passes axe; its screenshot."""
    assert page.locator("html").get_attribute("lang") == view.language
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= view.width, f"{page.url} is {width} px wide in a {view.width} px window"
    assert_accessible(page, f"{name} ({view.name})")
    folder = SCREENSHOTS / "everyday"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{view.name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def go(page: Page, live_server, path: str) -> None:
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )


def radio_indicator(builder: StateBuilder) -> tuple[Indicator, str]:
    """An indicator scored with a radio button, and the value at its excellence threshold."""
    values = excellent_values(builder.scheme)
    for indicator in builder.scheme.indicators:
        if indicator.type == "boolean":
            return indicator, "yes" if values[indicator.id] else "no"
        if indicator.type == "choice":
            return indicator, str(values[indicator.id])
    raise AssertionError("the scheme has no indicator scored with a radio button")


# --- cluster manager ---------------------------------------------------------------------------


def test_cluster_manager_applies_for_a_label(browse, live_server, view, loaded_schemes):
    manager = UserFactory(role="cluster_manager", first_name="Erika", last_name="Muster")
    organisation = OrganisationFactory(managers=[manager])
    page = browse(manager)
    checked(page, view, "manager-1-start")

    go(page, live_server, reverse("procedures:create", args=[organisation.pk]))
    form = page.locator("main form").filter(has=page.locator('[name="scheme_level"]'))
    for name in ("scheme_level", "process", "assessment_mode"):
        select = form.locator(f'select[name="{name}"]')
        first = select.locator("option:not([value=''])").first.get_attribute("value")
        select.select_option(first)
    checked(page, view, "manager-2-application-form")
    submit(page, form)

    procedure = Procedure.objects.get(organisation=organisation)
    assert page.url.rstrip("/").endswith(
        reverse("procedures:detail", args=[procedure.pk]).rstrip("/")
    )
    checked(page, view, "manager-3-draft")

    action = reverse("procedures:action", args=[procedure.pk, flow.Action.SUBMIT_APPLICATION])
    submit(page, page.locator(f'form[action="{action}"]'))
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.APPLIED
    expect(page.locator(".messages")).to_be_visible()
    checked(page, view, "manager-4-applied")


# --- assessor ----------------------------------------------------------------------------------


def test_assessor_declares_no_conflict_then_scores(browse, live_server, view, loaded_schemes):
    proposed = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    assessor = proposed.assessors[0]
    services.panel_propose(
        procedure=proposed.refresh(),
        actor=proposed.secretariat,
        assessors=proposed.assessors,
        assessment_date=proposed.walk.assessment_date(),
    )
    page = browse(assessor)
    checked(page, view, "assessor-1-start")

    go(page, live_server, reverse("procedures:conflict", args=[proposed.procedure.pk]))
    checked(page, view, "assessor-2-conflict")
    form = page.locator("main form.as-declare-none")
    form.locator('input[name="no_conflict"]').check()
    submit(page, form)
    assignment = proposed.refresh().assignments.get(assessor=assessor)
    assert assignment.no_conflict_declared
    checked(page, view, "assessor-3-declared")

    scoring = StateBuilder(scheme_id="ecei-bronze", assessors=[assessor]).at(
        ProcedureState.ASSESSMENT_IN_PROGRESS
    )
    procedure = scoring.refresh()
    IndicatorScore.objects.filter(procedure=procedure).delete()
    indicator, value = radio_indicator(scoring)
    go(page, live_server, reverse("procedures:scoring", args=[procedure.pk]))
    card = page.locator(f"article#indicator-{indicator.id}")
    card.locator(f'input[name="value"][value="{value}"]').check()
    card.locator(f"#id_{indicator.id}_evidence_seen").fill("Satzung, Mitgliederliste")
    submit(page, card.locator("form.as-score-form"))
    assert IndicatorScore.objects.filter(procedure=procedure, indicator_id=indicator.id).exists()
    checked(page, view, "assessor-4-scored")


# --- board member ------------------------------------------------------------------------------


def test_board_member_declares_and_votes(browse, live_server, view, loaded_schemes):
    builder = StateBuilder(scheme_id="bw-cluster-excellence", board_declared=False).at(
        ProcedureState.BOARD_REVIEW
    )
    procedure = builder.refresh()
    member = builder.board[0]
    page = browse(member)
    checked(page, view, "board-1-start")

    go(page, live_server, reverse("procedures:board_conflict", args=[procedure.pk]))
    checked(page, view, "board-2-conflict")
    form = page.locator("main form.as-declare-none")
    form.locator('input[name="no_conflict"]').check()
    submit(page, form)

    go(page, live_server, reverse("procedures:vote", args=[procedure.pk]))
    form = page.locator("main form").filter(has=page.locator('[name="in_favour"]'))
    form.locator('input[name="in_favour"][value="yes"]').check()
    checked(page, view, "board-3-vote")
    submit(page, form)
    assert BoardVote.objects.get(procedure=procedure, member=member).in_favour
    checked(page, view, "board-4-voted")


# --- awarding authority ------------------------------------------------------------------------


def test_authority_awards_the_label(browse, live_server, view, loaded_schemes):
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWAITING_DECISION)
    procedure = builder.refresh()
    page = browse(builder.authority)
    checked(page, view, "authority-1-start")

    go(page, live_server, reverse("procedures:decision", args=[procedure.pk]))
    form = page.locator("main form").filter(has=page.locator('[name="decision"]'))
    form.locator('input[name="decision"][value="award"]').check()
    checked(page, view, "authority-2-decision")
    submit(page, form)
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.AWARDED
    assert Label.objects.filter(procedure=procedure).exists()
    checked(page, view, "authority-3-awarded")


# --- the public --------------------------------------------------------------------------------


def test_public_finds_a_label_verifies_it_and_opens_the_certificate(
    browse, live_server, view, loaded_schemes
):
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    label = Label.objects.get(procedure=builder.refresh())
    name = builder.organisation.legal_name
    page = browse()

    go(page, live_server, reverse("labels:registry"))
    checked(page, view, "public-1-registry")
    form = page.locator("main form").filter(has=page.locator('input[name="q"]'))
    form.locator('input[name="q"]').fill(name)
    submit(page, form)
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    checked(page, view, "public-2-found")

    verify = reverse("labels:verify", args=[label.certificate_number])
    with page.expect_navigation():
        rows.first.locator(f'a[href="{verify}"]').click()
    expect(page.locator(".verdict-valid")).to_be_visible()
    checked(page, view, "public-3-verified")

    certificate = reverse("labels:certificate", args=[label.certificate_number])
    link = page.locator(f'main a[href^="{certificate}"]').first
    expect(link).to_be_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
