"""A new visitor and each demo role find their way around, in German and in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clusterlabel.accounts.choices import Role
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schemes(transactional_db):
    return scheme_versions_load_directory(directory=SHIPPED_DIR)


def test_visitor_reads_the_bw_scheme_in_german_then_english(live_server, page, screenshot, schemes):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Qualitätslabel für das Clustermanagement"
    )
    screenshot("01-start-anonymous-de")

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Kriterienkataloge"
    ).click()
    page.get_by_role("link", name="Cluster-Exzellenz Baden-Württemberg").click()
    assert "5.920,25 EUR" in page.locator("main").inner_text()
    assert page.locator(".indicator-id").count() == 34
    screenshot("02-scheme-bw-de")

    page.get_by_role("combobox", name="Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Cluster Excellence Baden-Württemberg"
    )
    assert "5,920.25 EUR" in page.locator("main").inner_text()
    screenshot("03-scheme-bw-en")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CLUSTER_MANAGER, "Selbstbewertung"),
        (Role.SECRETARIAT, "Backoffice öffnen"),
        (Role.ASSESSOR, "Bewertungsbericht"),
    ],
)
def test_roles_log_in_and_see_their_next_steps(
    live_server, page, screenshot, schemes, role, expected
):
    user = UserFactory(role=role, first_name="Erika", last_name="Muster")
    if role == Role.CLUSTER_MANAGER:
        # A cluster manager's grant comes with the organisation they manage.
        OrganisationFactory(managers=[user])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    # expect() waits for the answer to the form; is_visible() asked once, possibly before it.
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Benutzername").input_value() == user.username

    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen, Erika Muster")
    assert expected in page.locator("main").inner_text()
    screenshot(f"04-start-{role}")

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Anmelden")).to_be_visible()
