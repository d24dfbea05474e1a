"""Issue 9, "Trust", tried as new people would in a browser.

A cluster manager signs up, confirms the address from the e-mail, registers an organisation
for „Cluster-Exzellenz Baden-Württemberg", the BW secretariat confirms it and the manager
applies; a BW-only secretariat never sees ECEI work; staff enrol a second factor; a locked
account is told so in the language of the page.

The manager works in German (the default), the secretariat switches to English in the header.
Texts the new pages bring are checked through the German catalogue (``German``): the page must
show the catalogue's German, and a text the catalogue does not translate is collected and makes
the test fail at its end, after the whole walk, so one run names every missing translation.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.models import Procedure
from tests.e2e import pages
from tests.e2e.pages import follow, main_text, press, shot
from tests.factories import PASSWORD, UserFactory, grant_role
from tests.procedures.builders import ProcedureBuilder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BW = "bw-cluster-excellence"
ECEI = "ecei-gold"
BW_NAME = "Cluster-Exzellenz Baden-Württemberg"
CLUSTER = "Photonik-Netzwerk Karlsruhe"
LEGAL_NAME = "Photonik-Netzwerk Karlsruhe e. V."
MANAGER_EMAIL = "jana.becker@photonik-ka.example.org"


class German:
    """The German catalogue's text for a message, as the pages must show it; messages it leaves
    in English are remembered for ``assert_complete``."""

    def __init__(self) -> None:
        self.missing: list[str] = []

    def __call__(self, message: str, **params: Any) -> str:
        with translation.override("de"):
            text = gettext(message)
        if text == message and message not in self.missing:
            self.missing.append(message)
        return text % params if params else text

    def plural(self, singular: str, plural: str, count: int, **params: Any) -> str:
        with translation.override("de"):
            text = ngettext(singular, plural, count)
        if text in (singular, plural) and singular not in self.missing:
            self.missing.append(singular)
        return text % {"minutes": count, **params}

    def assert_complete(self) -> None:
        assert not self.missing, "Shown in English on German pages:\n" + "\n".join(
            f"  {message!r}" for message in self.missing
        )


@pytest.fixture
def de() -> German:
    return German()


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def switch_language(page: Page, language: str) -> None:
    """The language selector in the header, as a visitor uses it."""
    switch = {"en": "Wechseln", "de": "Switch"}[language]
    page.locator("#language-select").select_option(language)
    press(page, switch)
    assert page.locator("html").get_attribute("lang") == language


def log_in_by_hand(page: Page, live_server: Any, username: str, password: str) -> None:
    """The login form in German, without expecting where it leads."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    press(page, "Anmelden")


def open_from_navigation(page: Page, name: str) -> None:
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    pages.click_and_wait(page, navigation.get_by_role("link", name=name, exact=True))


def log_out(page: Page) -> None:
    press(page, "Abmelden")


# --- 1. sign-up, registration, confirmation, application ------------------------------------


def fill_registration(page: Page) -> None:
    """The registration form as the manager fills it in (German number format)."""
    form = page.locator("form.org-form")
    form.locator('select[name="requested_scheme_id"]').select_option(value=BW)
    values = {
        "legal_name": LEGAL_NAME,
        "cluster_name": CLUSTER,
        "founding_year": "2011",
        "website": "https://photonik-ka.example.org",
        "region": "Baden-Württemberg",  # a name is taken as well as the code
        "city": "Karlsruhe",
        "members_companies": "48",
        "members_smes": "31",
        "members_research_education": "9",
        "members_public_bodies": "4",
        "members_civil_society": "2",
        "staff_fte": "2,5",
        "annual_budget": "620000",
    }
    for name, value in values.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator('select[name="country"]').select_option(label="Deutschland")
    form.locator('select[name="sector"]').select_option(value="micro_nano_optics")
    form.locator('select[name="listed_in_cluster_database"]').select_option(value="true")
    form.locator('input[name="share_public_grants"]').fill("40")
    form.locator('input[name="share_membership_fees"]').fill("35,5")


def test_a_manager_signs_up_registers_is_confirmed_and_applies(
    live_server, page, login, mailoutbox, loaded_schemes, de
):
    # Sign-up, in German.
    page.goto(live_server.url + "/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert heading(page) == de("Create an account")
    page.locator('[name="first_name"]').fill("Jana")
    page.locator('[name="last_name"]').fill("Becker")
    page.locator('[name="email"]').fill(MANAGER_EMAIL)
    page.locator('[name="password1"]').fill(PASSWORD)
    page.locator('[name="password2"]').fill(PASSWORD)
    page.locator('[name="preferred_language"]').select_option("de")
    expect(page.get_by_label(de("Language of the e-mails"))).to_have_value("de")
    shot(page, "trust-01-signup-de")
    press(page, de("Create the account"))
    assert heading(page) == de("Check your mailbox")
    shot(page, "trust-02-signup-sent-de")

    # The e-mail, in German; its link confirms.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [MANAGER_EMAIL]
    assert de("Confirm your e-mail address") in message.subject
    assert de("Hello %(name)s,", name="Jana Becker") in message.body
    assert de("Please confirm your e-mail address to activate your clusterlabel account:") in (
        message.body
    )
    path = re.search(r"/accounts/signup/confirm/\S+/", message.body).group(0)
    assert not User.objects.get(email=MANAGER_EMAIL).is_active

    page.goto(live_server.url + path)
    assert heading(page) == de("Confirm your e-mail address")
    shot(page, "trust-03-confirm-de")
    press(page, de("Confirm and log in"))

    # Logged in, on the registration page.
    assert page.url.endswith("/organisations/register/")
    assert heading(page) == de("Register your organisation")
    assert "Jana Becker" in page.locator(".user-badge:visible").inner_text()
    fill_registration(page)
    shot(page, "trust-04-register-filled-de")
    press(page, de("Register the organisation"))

    # The organisation page: registered, waiting for the BW secretariat.
    organisation = Organisation.objects.get(cluster_name=CLUSTER)
    assert page.url.endswith(f"/organisations/{organisation.pk}/")
    assert heading(page) == CLUSTER
    expect(page.locator(".messages")).to_contain_text(
        de(
            "Your organisation has been registered. You can complete its profile and prepare "
            "an application; the secretariat confirms it before the application is accepted."
        )
    )
    waiting = " ".join(page.locator(".notice").inner_text().split())
    assert waiting == de(
        "Waiting for confirmation by the secretariat of %(scheme)s. You can complete the "
        "profile and prepare an application; it is accepted once the organisation is "
        "confirmed. Until then nothing about it is public.",
        scheme="Cluster-Exzellenz Baden-Württemberg",  # the scheme in words, not its id
    )
    profile = main_text(page)
    assert "Mikro- und Nanotechnologie, Photonik" in profile
    assert "Jahresbudget 620.000,00 EUR" in profile
    assert "Personal des Clustermanagements (VZÄ) 2,5" in profile
    assert organisation.confirmed_at is None
    assert organisation.requested_scheme_id == BW
    shot(page, "trust-05-organisation-waiting-de")

    # The BW secretariat, in English, confirms the registration.
    secretariat = grant_role(
        UserFactory(first_name="Stefan", last_name="Krämer"), Role.SECRETARIAT, scheme_id=BW
    )
    office = login(secretariat)
    switch_language(office, "en")
    assert heading(office) == "Welcome, Stefan Krämer"
    follow(
        office,
        "1 registration or request to manage an organisation waits for your confirmation.",
    )
    assert office.url.endswith("/organisations/pending/")
    assert heading(office) == "Registrations to confirm"
    row = office.get_by_role("row").filter(has_text=CLUSTER)
    expect(row).to_contain_text(LEGAL_NAME)
    expect(row).to_contain_text("Jana Becker")
    expect(row).to_contain_text(MANAGER_EMAIL)
    shot(office, "trust-06-pending-en")
    pages.click_and_wait(office, row.get_by_role("button", name="Confirm", exact=True))
    expect(office.locator(".messages")).to_have_text("Confirmed.")
    assert "No registration is waiting." in main_text(office)
    shot(office, "trust-07-confirmed-en")
    organisation.refresh_from_db()
    assert organisation.confirmed_at is not None

    # The manager logs in again and applies, in German.
    manager_user = User.objects.get(email=MANAGER_EMAIL)
    manager = login(manager_user)
    follow(manager, "Meine Organisation")
    assert heading(manager) == CLUSTER
    assert manager.locator(".notice").count() == 0
    shot(manager, "trust-08-organisation-confirmed-de")
    follow(manager, "Label beantragen")
    manager.get_by_label("Label und Stufe").select_option(label=BW_NAME)
    manager.get_by_label("Verfahrensart").select_option(label="Erstbegutachtung")
    manager.get_by_role("combobox", name="Begutachtung", exact=True).select_option(label="Vor Ort")
    press(manager, "Antrag anlegen")
    assert heading(manager) == f"{CLUSTER}: {BW_NAME}"
    assert pages.status_line(manager) == "Entwurf Wartet auf: Clustermanagement"
    press(manager, "Antrag einreichen")
    assert pages.status_line(manager).startswith("Antrag eingereicht Wartet auf: Geschäftsstelle")
    procedure = Procedure.objects.get(organisation=organisation)
    assert procedure.state == "applied"
    assert procedure.scheme_version.scheme_id == BW
    shot(manager, "trust-09-applied-de")

    de.assert_complete()


# --- 2. a BW-only secretariat never sees ECEI work --------------------------------------------


def test_a_bw_secretariat_never_sees_ecei_work(live_server, login, loaded_schemes, de):
    bw = ProcedureBuilder(scheme_id=BW)
    bw.advance_to("applied")
    ecei = ProcedureBuilder(scheme_id=ECEI)
    ecei.advance_to("applied")
    Organisation.objects.filter(pk=bw.organisation.pk).update(cluster_name="BW-Cluster Ulm")
    Organisation.objects.filter(pk=ecei.organisation.pk).update(cluster_name="ECEI-Cluster Gent")
    secretariat = grant_role(
        UserFactory(first_name="Stefan", last_name="Krämer"), Role.SECRETARIAT, scheme_id=BW
    )
    office = login(secretariat)

    # The procedure list: the BW application, not the ECEI one.
    open_from_navigation(office, "Verfahren")
    listed = main_text(office)
    assert "BW-Cluster Ulm" in listed
    assert bw.procedure.reference in listed
    assert "ECEI-Cluster Gent" not in listed
    assert ecei.procedure.reference not in listed
    shot(office, "trust-10-bw-secretariat-procedures-de")

    # The ECEI procedure's address: our own 404 page, in German, then in English.
    ecei_url = f"{live_server.url}/procedures/{ecei.procedure.pk}/"
    response = office.goto(ecei_url)
    assert response.status == 404
    assert office.locator("html").get_attribute("lang") == "de"
    assert heading(office) == de("Page not found")
    assert de(
        "There is no page at this address. It may have moved, or the link may be mistyped."
    ) in main_text(office)
    assert "ECEI-Cluster Gent" not in office.content()
    expect(office.get_by_role("link", name=de("Back to the start page"))).to_be_visible()
    shot(office, "trust-11-ecei-procedure-404-de")
    switch_language(office, "en")
    assert heading(office) == "Page not found"
    assert (
        office.get_by_role("banner").get_by_text("Stefan Krämer").filter(visible=True).is_visible()
    )
    shot(office, "trust-12-ecei-procedure-404-en")
    for hidden in (f"/procedures/{ecei.procedure.pk}/self-assessment/", "/organisations/"):
        response = office.goto(live_server.url + hidden)
        if hidden == "/organisations/":
            assert "ECEI-Cluster Gent" not in main_text(office)
        else:
            assert response.status == 404

    # Every link in the header leads to a page this secretariat may use.
    office.goto(live_server.url + "/")
    header_links = office.get_by_role("banner").get_by_role("link").all()
    targets = {link.inner_text().strip(): link.get_attribute("href") for link in header_links}
    assert targets, "no links in the header"
    refused = {}
    for name, href in targets.items():
        response = office.goto(live_server.url + href if href.startswith("/") else href)
        if response.status >= 400 or heading(office) == "Page not found":
            refused[name] = (href, response.status)
    assert not refused, f"header links the BW secretariat cannot use: {refused}"
    assert "Organisations" in targets or "Procedures" in targets

    de.assert_complete()


# --- 3. staff enrol a second factor -----------------------------------------------------------


def current_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``secret`` now (or ``steps_ahead`` periods later,
    which the server accepts within its tolerance of one period)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def test_a_secretariat_enrols_a_second_factor(live_server, open_browser, settings, de):
    """Where the password alone leads is checked last, so that a run that fails there still
    walks through the enrolment and the verification."""
    settings.CLUSTERLABEL_REQUIRE_SECOND_FACTOR = True
    secretariat = grant_role(
        UserFactory(first_name="Stefan", last_name="Krämer"), Role.SECRETARIAT, scheme_id=BW
    )
    office = open_browser()
    log_in_by_hand(office, live_server, secretariat.username, PASSWORD)
    # Checked at the end, so that one run shows the rest of the enrolment too.
    after_login = office.url
    shot(office, "trust-13-2fa-after-login-de")

    # Sent to the enrolment before any page that is not public.
    office.goto(live_server.url + "/procedures/")
    assert "/accounts/2fa/setup/" in office.url
    assert heading(office) == de("Set up the second factor")
    assert office.get_by_role("img", name=de("QR code for the authenticator app")).is_visible()
    secret = office.locator("main code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    shot(office, "trust-14-2fa-setup-de")

    # A wrong code is refused; the current one confirms the app.
    office.locator('input[name="code"]').fill("000000" if current_code(secret) != "000000" else "1")
    press(office, de("Confirm"))
    expect(office.locator(".field-error, .errorlist, [role=alert]").first).to_be_visible()
    assert de("The code is not right. Enter the current code.") in main_text(office)
    office.locator('input[name="code"]').fill(current_code(secret))
    press(office, de("Confirm"))
    assert heading(office) == de("Recovery codes")
    assert de("Your authenticator app is set up.") in main_text(office)
    codes = [code.inner_text() for code in office.locator(".recovery-codes code").all()]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    shot(office, "trust-15-2fa-recovery-codes-de")
    follow(office, de("Continue"))
    assert office.url.endswith("/procedures/"), "not back on the page asked for"
    assert heading(office) == "Verfahren"
    open_from_navigation(office, "Start")
    assert heading(office) == "Willkommen, Stefan Krämer"
    log_out(office)

    # A fresh login asks for the code.
    log_in_by_hand(office, live_server, secretariat.username, PASSWORD)
    office.goto(live_server.url + "/procedures/")
    assert "/accounts/2fa/verify/" in office.url
    assert heading(office) == de("Second factor")
    shot(office, "trust-16-2fa-verify-de")
    office.locator('input[name="code"]').fill(current_code(secret, steps_ahead=1))
    press(office, de("Verify"))
    assert office.url.endswith("/procedures/")
    assert heading(office) != de("Second factor")

    de.assert_complete()
    assert "/accounts/2fa/setup/" in after_login, (
        f"after the password, {after_login} instead of the enrolment"
    )


# --- 4. a locked account is told so in the page's language ------------------------------------


def try_password(page: Page, live_server: Any, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) button[type="submit"]').click()
    page.wait_for_load_state()


def test_a_locked_account_is_told_so_in_the_pages_language(live_server, open_browser, settings, de):
    settings.AXES_ENABLED = True
    person = UserFactory(first_name="Pieter", last_name="de Vries", preferred_language="en")

    german = open_browser("de-DE")
    for _attempt in range(5):
        try_password(german, live_server, person.username, "falsch")
    try_password(german, live_server, person.username, PASSWORD)
    assert german.locator("html").get_attribute("lang") == "de"
    assert heading(german) == de("Account temporarily locked")
    text = main_text(german)
    assert de("This account is temporarily locked after too many failed login attempts.") in text
    until = re.search(r"\d{1,2}:\d{2}", text).group(0)
    assert (
        de.plural(
            "Please try again after %(time)s (in %(minutes)s minute).",
            "Please try again after %(time)s (in %(minutes)s minutes).",
            15,
            time=until,
        )
        in text
    )
    shot(german, "trust-17-locked-de")

    english = open_browser("en-GB")
    try_password(english, live_server, person.username, PASSWORD)
    assert english.locator("html").get_attribute("lang") == "en"
    assert heading(english) == "Account temporarily locked"
    text = main_text(english)
    assert "This account is temporarily locked after too many failed login attempts." in text
    assert re.search(
        r"Please try again after \d{1,2}:\d{2}\s*(AM|PM|a\.m\.|p\.m\.)? \(in 15 minutes\)\.", text
    ), text
    shot(english, "trust-18-locked-en")
    assert User.objects.get(pk=person.pk).last_login is None

    de.assert_complete()
