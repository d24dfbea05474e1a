"""One procedure of „Cluster-Exzellenz Baden-Württemberg" through every role, in the browser.

The set-up (schemes, accounts, the organisation) is made through the real code; everything
after that is done by the people in their own browsers, in German: the cluster manager applies
and fills in the self-assessment, the secretariat accepts and forms the panel, the assessors
declare no conflict, score every indicator and agree to the report, the advisory board votes
and the ministry decides. One procedure ends with the award, one with the refusal.

The one shortcut: the assessment may only start on the assessment date, which must lie at
least 28 days after the panel is confirmed. After the confirmation the tests move that date to
today in the database (the calendar moves to the assessment day); nothing else is written
behind the browser's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.domain.schemes import Scheme
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory
from tests.e2e import pages
from tests.e2e.pages import follow, main_text, press, shot
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLUSTER = "Medizintechnologie-Cluster Mannheim"
SCHEME = "Cluster-Exzellenz Baden-Württemberg"
# The minimum criterion the panel finds missed in the refusal: three member types are needed.
MISSED = "STR-04"
MISSED_NAME = "Vertretene Akteursgruppen (Triple Helix)"
REPORT = (
    "Das Clustermanagement ist professionell aufgestellt: klare Strategie, gesicherte "
    "Finanzierung, aktive Akteure."
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Cast:
    """The people of the procedure and what they work on."""

    manager: User
    secretariat: User
    assessors: list[User]
    board: list[User]
    authority: User
    organisation: Organisation
    scheme: Scheme


@pytest.fixture
def cast(transactional_db) -> Cast:
    scheme_versions_load_directory(directory=SHIPPED_DIR)
    version = SchemeVersion.objects.get(scheme_id="bw-cluster-excellence", is_current=True)

    def person(username: str, first: str, last: str, role: str, country: str = "DE") -> User:
        return UserFactory(
            username=username, first_name=first, last_name=last, role=role, country=country
        )

    manager = person("jberger", "Janina", "Berger", Role.CLUSTER_MANAGER)
    return Cast(
        manager=manager,
        secretariat=person("skraemer", "Stefan", "Krämer", Role.SECRETARIAT),
        assessors=[
            person("avogt", "Anna", "Vogt", Role.ASSESSOR, "DE"),
            person("pdevries", "Pieter", "de Vries", Role.ASSESSOR, "NL"),
        ],
        board=[
            person("bhauser", "Bernd", "Hauser", Role.BOARD_MEMBER),
            person("cimhof", "Claudia", "Imhof", Role.BOARD_MEMBER),
            person("dlang", "Dieter", "Lang", Role.BOARD_MEMBER),
        ],
        authority=person("mstahl", "Miriam", "Stahl", Role.AUTHORITY),
        organisation=OrganisationFactory(
            managers=[manager],
            cluster_name=CLUSTER,
            legal_name="Medizintechnologie-Cluster Mannheim e. V.",
            city="Mannheim",
        ),
        scheme=version.scheme,
    )


@pytest.fixture
def evidence_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "Mitgliederliste-2024.pdf"
    path.write_bytes(PDF)
    return path


def person(user: User) -> str:
    """A person as the pages name them (the audit trail too): the full name."""
    return user.get_full_name() or user.username


def state_of(pk: int) -> str:
    return Procedure.objects.get(pk=pk).state


# --- the steps, each by the person whose step it is --------------------------------------------


def apply_for_the_label(manager: Page, name: str) -> int:
    """The manager opens the application from the organisation page and submits it."""
    follow(manager, "Meine Organisation")
    expect(manager.get_by_role("heading", level=1)).to_have_text(CLUSTER)
    follow(manager, "Label beantragen")
    manager.get_by_label("Label und Stufe").select_option(label=SCHEME)
    manager.get_by_label("Verfahrensart").select_option(label="Erstbegutachtung")
    manager.get_by_role("combobox", name="Begutachtung", exact=True).select_option(label="Vor Ort")
    press(manager, "Antrag anlegen")
    pk = int(manager.url.rstrip("/").rsplit("/", 1)[-1])
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"{CLUSTER}: {SCHEME}")
    assert pages.status_line(manager) == "Entwurf Wartet auf: Clustermanagement"
    assert "Erstbegutachtung · Vor Ort" in main_text(manager)
    shot(manager, f"{name}-01-draft")

    press(manager, "Antrag einreichen")
    assert pages.status_line(manager).startswith("Antrag eingereicht Wartet auf: Geschäftsstelle")
    assert state_of(pk) == "applied"
    shot(manager, f"{name}-02-applied")
    return pk


def accept_the_application(secretariat: Page, name: str) -> None:
    """The secretariat finds the application waiting for it and accepts it: the contract."""
    waiting = secretariat.get_by_role("table").filter(has_text=CLUSTER)
    expect(waiting.get_by_role("row").filter(has_text=CLUSTER)).to_contain_text(
        "Antrag eingereicht"
    )
    follow(secretariat, CLUSTER)
    assert "Teilnahmevoraussetzungen Erfüllt alle Teilnahmevoraussetzungen." in main_text(
        secretariat
    )
    press(secretariat, "Antrag annehmen (Vertrag)")
    assert pages.status_line(secretariat).startswith("Vertrag geschlossen, Selbstbewertung offen")
    text = main_text(secretariat)
    assert "Erledigt: Antrag annehmen (Vertrag)." in text
    # The ministry pays half of the gross, the organisation the rest: together the gross.
    for amount in ("4.975,00 EUR", "945,25 EUR", "5.920,25 EUR", "2.960,13 EUR", "2.960,12 EUR"):
        assert amount in text, amount
    shot(secretariat, f"{name}-03-contract")


def fill_in_the_self_assessment(
    manager: Page, pk: int, scheme: Scheme, evidence: Path, name: str, *, try_invalid: bool
) -> None:
    """The manager answers every indicator at its excellence value, uploads a file for each
    (the scheme requires evidence for every indicator) and submits the self-assessment on the
    procedure page."""
    manager.reload()
    assert pages.status_line(manager).startswith("Vertrag geschlossen, Selbstbewertung offen")
    follow(manager, "Selbstbewertung")
    expect(manager.locator(".sa-progress")).to_contain_text("0 von 34 beantwortet")

    if try_invalid:
        typed = {"STR-01": "abc", "STR-02": "150", "STR-03": "10", "STR-06": "7,5"}
        for indicator_id, text in typed.items():
            pages.self_assessment_input(manager, indicator_id).fill(text)
        manager.locator('select[name="value-PRO-01"]').select_option("formal")
        manager.locator('[name="comment-STR-01"]').fill("Stand: Mitgliederliste 2024")
        click = manager.get_by_role("button", name="Entwurf speichern").first
        pages.click_and_wait(manager, click)
        alert = manager.locator("#sa-errors")
        expect(alert).to_contain_text("Es wurde nichts gespeichert.")
        expect(alert).to_have_attribute("role", "alert")
        expect(manager.locator("#id_value-STR-01_error")).to_have_text(
            "Geben Sie eine Zahl ein, zum Beispiel 12,5."
        )
        expect(manager.locator("#id_value-STR-02_error")).to_have_text(
            "Ein Prozentwert liegt zwischen 0 und 100."
        )
        assert manager.locator(".field-error").count() == 2
        for indicator_id, text in typed.items():
            expect(pages.self_assessment_input(manager, indicator_id)).to_have_value(text)
        expect(manager.locator('select[name="value-PRO-01"]')).to_have_value("formal")
        expect(manager.locator('[name="comment-STR-01"]')).to_have_value(
            "Stand: Mitgliederliste 2024"
        )
        expect(manager.locator(".sa-progress")).to_contain_text("0 von 34 beantwortet")
        assert not Procedure.objects.get(pk=pk).answers.exists()
        shot(manager, f"{name}-04a-self-assessment-errors", of=alert)
        shot(
            manager,
            f"{name}-04b-self-assessment-error-at-field",
            of=manager.locator("#indicator-STR-02"),
        )

    for indicator in scheme.indicators:
        pages.fill_self_assessment_value(manager, indicator, indicator.threshold)
        # The scheme requires evidence for every indicator before the submission.
        manager.locator(f'input[name="evidence-{indicator.id}"]').set_input_files(str(evidence))
    pages.click_and_wait(manager, manager.get_by_role("button", name="Entwurf speichern").first)
    expect(manager.locator(".messages")).to_contain_text(
        "Entwurf gespeichert: 34 Antworten geändert. 34 Dateien hochgeladen."
    )
    expect(manager.locator(".sa-progress")).to_contain_text("34 von 34 beantwortet")
    expect(manager.locator("#indicator-STR-01 .sa-evidence")).to_contain_text(evidence.name)
    for indicator in scheme.indicators:
        expected = (
            indicator.threshold
            if indicator.type == "choice"
            else pages.german_number(indicator.threshold)
        )
        expect(pages.self_assessment_input(manager, indicator.id)).to_have_value(expected)
    shot(manager, f"{name}-05a-self-assessment-progress", of=manager.locator(".sa-status"))
    shot(manager, f"{name}-05b-self-assessment-evidence", of=manager.locator("#indicator-STR-01"))

    follow(manager, "Verfahrensseite")
    assert "34 von 34 Indikatoren beantwortet" in main_text(manager)
    press(manager, "Selbstbewertung einreichen")
    assert pages.status_line(manager).startswith("Selbstbewertung eingereicht")
    assert state_of(pk) == "self_assessment_submitted"


def form_the_panel(
    secretariat: Page, assessors: list[Page], cast: Cast, pk: int, name: str
) -> None:
    """The secretariat proposes both assessors and a date 28 days ahead, the assessors declare
    no conflict of interest, the secretariat confirms the panel."""
    secretariat.reload()
    follow(secretariat, "Gutachterteam und Termin")
    earliest = timezone.localdate() + timedelta(days=28)
    assert earliest.strftime("%d.%m.%Y") in main_text(secretariat)
    for person in cast.assessors:
        secretariat.get_by_label(person.get_full_name(), exact=True).check()
    secretariat.get_by_label("Begutachtungstermin").fill(earliest.isoformat())
    press(secretariat, "Vorschlag speichern")
    panel = secretariat.locator("table.as-panel-table")
    expect(panel.get_by_role("row")).to_have_count(3)
    expect(panel).to_contain_text("Anna Vogt")
    expect(panel).to_contain_text("Pieter de Vries")
    expect(panel.get_by_text("Erklärung ausstehend")).to_have_count(2)
    shot(secretariat, f"{name}-06-panel-proposed")

    for page in assessors:
        pages.open_procedure(page, pk)
        follow(page, "Erklärung zu Interessenkonflikten")
        expect(page.locator("main")).to_contain_text(CLUSTER)
        page.get_by_label("Ich habe keinen Interessenkonflikt mit dieser Organisation").check()
        press(page, "Erklären: kein Interessenkonflikt")
        expect(page.locator(".messages")).to_contain_text(
            "Sie haben erklärt, dass kein Interessenkonflikt besteht."
        )

    secretariat.reload()
    expect(panel.get_by_text("Erklärung ausstehend")).to_have_count(0)
    pages.open_procedure(secretariat, pk)
    press(secretariat, "Gutachterteam bestätigen")
    assert pages.status_line(secretariat).startswith(
        "Gutachter/innen benannt, Begutachtung terminiert"
    )
    assert f"Begutachtungstermin: {pages.german_date(earliest)}" in main_text(secretariat)
    shot(secretariat, f"{name}-07-panel-confirmed")


def start_the_assessment(assessor: Page, pk: int, name: str) -> None:
    """Before the assessment day the start is refused with the date; on the day it starts."""
    assessor.reload()
    start = assessor.get_by_role("button", name="Begutachtung beginnen")
    expect(start).to_be_disabled()
    assert "Begutachtungstermin" in main_text(assessor)
    # The calendar moves to the assessment day: the only value the tests write behind the
    # browser's back (the date was 28 days ahead when the panel was confirmed).
    Procedure.objects.filter(pk=pk).update(assessment_date=timezone.localdate())
    assessor.reload()
    press(assessor, "Begutachtung beginnen")
    assert pages.status_line(assessor).startswith("Begutachtung läuft")
    shot(assessor, f"{name}-08-assessment-started")


def score_everything(
    first: Page, second: Page, scheme: Scheme, scores: dict[str, Any], name: str
) -> None:
    """The first assessor scores every indicator beside the self-assessment; the second
    confirms every score."""
    follow(first, "Bewertung")
    for indicator in scheme.indicators:
        card = pages.indicator_card(first, indicator.id)
        expect(card.locator("[data-self-value]")).to_have_text(
            pages.shown_value(indicator, indicator.threshold)
        )
        pages.score_indicator(
            first, indicator, scores[indicator.id], f"Nachweise zu {indicator.id} gesichtet"
        )
        expect(
            pages.indicator_card(first, indicator.id).locator("[data-panel-value]")
        ).to_contain_text(pages.shown_value(indicator, scores[indicator.id]))
    shot(first, f"{name}-09a-scored-result", of=first.locator(".as-result"))
    shot(first, f"{name}-09b-scored-indicator", of=pages.indicator_card(first, "STR-04"))

    follow(second, "Bewertung")
    for indicator in scheme.indicators:
        pages.confirm_score(second, indicator.id)
    confirmations = pages.indicator_card(second, "STR-04").locator(".as-confirmations li")
    expect(confirmations).to_have_text(["bestätigt Anna Vogt", "bestätigt Pieter de Vries"])
    expect(second.locator(".as-disagreements")).to_have_text(
        "keine: Jede Bewertung ist von allen Gutachter/innen bestätigt"
    )
    shot(second, f"{name}-10-confirmed", of=pages.indicator_card(second, "STR-04"))


def agree_to_the_report(first: Page, second: Page, pk: int) -> None:
    """The first assessor writes the summary and agrees, the second agrees, the first submits
    the report on the procedure page."""
    follow(first, "Bericht")
    first.get_by_label("Zusammenfassung des Bewertungsberichts").fill(REPORT)
    press(first, "Speichern und dem Bericht zustimmen")
    expect(first.locator(".messages")).to_contain_text("Sie stimmen ihm zu.")

    follow(second, "Bericht")
    expect(second.get_by_label("Zusammenfassung des Bewertungsberichts")).to_have_value(REPORT)
    press(second, "Speichern und dem Bericht zustimmen")
    expect(second.get_by_text("stimmt zu", exact=True)).to_have_count(2)

    first.reload()
    expect(first.get_by_text("stimmt zu", exact=True)).to_have_count(2)
    follow(first, "Zur Verfahrensseite")
    press(first, "Bewertungsbericht einreichen")
    assert pages.status_line(first).startswith(
        "Bewertungsbericht eingereicht Wartet auf: Geschäftsstelle"
    )
    assert state_of(pk) == "report_submitted"


def send_to_the_board(secretariat: Page) -> None:
    secretariat.reload()
    press(secretariat, "An den Beirat übergeben")
    assert pages.status_line(secretariat).startswith("Beratung im Beirat")


def open_the_vote(member: Page) -> None:
    """A board member finds the procedure waiting on the start page, declares first that they
    have no conflict of interest (until then the file stays closed), and opens the vote."""
    member.reload()
    follow(member, CLUSTER)
    follow(member, "Zuerst Interessenkonflikte erklären")
    member.get_by_label("Ich habe keinen Interessenkonflikt mit dieser Organisation").check()
    press(member, "Erklären: kein Interessenkonflikt")  # leads straight to the vote
    expect(member.get_by_role("heading", level=1)).to_have_text(f"Abstimmung im Beirat: {CLUSTER}")


def vote(member: Page, *, in_favour: bool, reason: str) -> None:
    choice = "das Label zu verleihen" if in_favour else "das Label abzulehnen"
    member.get_by_label(f"Ich empfehle, {choice}").check()
    member.get_by_label("Begründung").fill(reason)
    press(member, "Stimme abgeben")
    expect(member.locator(".messages")).to_contain_text("Ihre Stimme ist erfasst.")


def close_the_board_review(secretariat: Page, pk: int) -> None:
    secretariat.reload()
    press(secretariat, "Beratung des Beirats abschließen")
    assert pages.status_line(secretariat).startswith("Entscheidung der Vergabestelle ausstehend")
    assert state_of(pk) == "awaiting_decision"


def open_the_decision(authority: Page) -> None:
    follow(authority, CLUSTER)
    follow(authority, "Entscheiden")
    expect(authority.get_by_role("heading", level=1)).to_have_text(f"Entscheidung: {CLUSTER}")
    expect(authority.locator("main .meta").first).to_have_text(SCHEME)


# --- the tests -----------------------------------------------------------------------------------


def test_bw_label_from_application_to_award(live_server, login, cast, evidence_pdf):
    scheme = cast.scheme
    manager = login(cast.manager)
    pk = apply_for_the_label(manager, "10-bw")

    # The same page in English.
    manager.get_by_role("combobox", name="Sprache").select_option("en")
    press(manager, "Wechseln")
    assert pages.status_line(manager).startswith("Application submitted Waiting for: Secretariat")
    manager.get_by_role("combobox", name="Language").select_option("de")
    press(manager, "Switch")
    assert pages.status_line(manager).startswith("Antrag eingereicht Wartet auf: Geschäftsstelle")

    secretariat = login(cast.secretariat)
    accept_the_application(secretariat, "10-bw")
    fill_in_the_self_assessment(manager, pk, scheme, evidence_pdf, "10-bw", try_invalid=True)

    assessors = [login(person) for person in cast.assessors]
    form_the_panel(secretariat, assessors, cast, pk, "10-bw")
    first, second = assessors
    start_the_assessment(first, pk, "10-bw")
    excellent = {indicator.id: indicator.threshold for indicator in scheme.indicators}
    score_everything(first, second, scheme, excellent, "10-bw")
    agree_to_the_report(first, second, pk)

    board = [login(member) for member in cast.board]
    send_to_the_board(secretariat)
    for member, reason in zip(board, ["Überzeugendes Gutachten.", "", ""], strict=True):
        open_the_vote(member)
        text = main_text(member)
        assert REPORT in text
        assert f"Die Begutachtung erfüllt die Vergaberegeln für {SCHEME}." in text
        assert "165 von 165 Punkten (100,0 %)." in text
        assert "Eine Verleihung schließt ein: ECEI-Label Gold" in text
        vote(member, in_favour=True, reason=reason)
    shot(board[-1], "10-bw-11-voted")
    close_the_board_review(secretariat, pk)

    authority = login(cast.authority)
    open_the_decision(authority)
    text = main_text(authority)
    assert f"Die Begutachtung erfüllt die Vergaberegeln für {SCHEME}." in text
    assert "165 von 165 Punkten (100,0 %)." in text
    assert "3 dafür, 0 dagegen. Der Beirat empfiehlt die Verleihung." in text
    assert "Bernd Hauser: für die Verleihung \N{EN DASH} Überzeugendes Gutachten." in text
    assert "Dieter Lang: für die Verleihung" in text
    assert "Eine Verleihung ist nicht möglich" not in text
    shot(authority, "10-bw-12-decision")
    authority.get_by_label("Label verleihen").check()
    authority.get_by_label("Begründung").fill("Gemäß Empfehlung des Beirats.")
    press(authority, "Entscheidung festhalten")
    assert pages.status_line(authority) == "Verliehen"
    text = main_text(authority)
    assert "Die Entscheidung ist erfasst." in text
    today = pages.german_date(timezone.localdate())
    assert f"Entscheidung Verliehen {today} \N{EN DASH} Gemäß Empfehlung des Beirats." in text
    assert "Eine Verleihung schließt ein: ECEI-Label Gold" in text
    assert state_of(pk) == "awarded"
    shot(authority, "10-bw-13-awarded")

    # The audit trail names who took each step, by their names.
    m, s, (a1, a2), b, au = (
        person(cast.manager),
        person(cast.secretariat),
        [person(a) for a in cast.assessors],
        [person(x) for x in cast.board],
        person(cast.authority),
    )
    assert pages.audit_rows(authority) == [
        (m, "Verfahren angelegt"),
        (m, "Antrag eingereicht"),
        (s, "Antrag angenommen"),
        (m, "Selbstbewertung eingereicht"),
        (s, "Gutachterteam vorgeschlagen"),
        (a1, "Erklärung zu Interessenkonflikten"),
        (a2, "Erklärung zu Interessenkonflikten"),
        (s, "Gutachterteam bestätigt"),
        (a1, "Begutachtung begonnen"),
        (a1, "Dem Bewertungsbericht zugestimmt"),
        (a2, "Dem Bewertungsbericht zugestimmt"),
        (a1, "Bewertungsbericht eingereicht"),
        (s, "An den Beirat übergeben"),
        (b[0], "Stimme im Beirat erfasst"),
        (b[1], "Stimme im Beirat erfasst"),
        (b[2], "Stimme im Beirat erfasst"),
        (s, "Beratung des Beirats abgeschlossen"),
        (au, "Label verliehen"),
    ]

    manager.reload()
    assert pages.status_line(manager) == "Verliehen"
    assert "Gemäß Empfehlung des Beirats." in main_text(manager)
    shot(manager, "10-bw-14-awarded-manager")
    manager.get_by_role("combobox", name="Sprache").select_option("en")
    press(manager, "Wechseln")
    assert pages.status_line(manager) == "Awarded"
    assert "Label awarded" in main_text(manager)
    shot(manager, "10-bw-15-awarded-manager-en")


def test_bw_label_refused_when_a_minimum_criterion_is_missed(
    live_server, login, cast, evidence_pdf
):
    scheme = cast.scheme
    manager = login(cast.manager)
    pk = apply_for_the_label(manager, "20-bw-refusal")
    secretariat = login(cast.secretariat)
    accept_the_application(secretariat, "20-bw-refusal")
    fill_in_the_self_assessment(
        manager, pk, scheme, evidence_pdf, "20-bw-refusal", try_invalid=False
    )
    assessors = [login(person) for person in cast.assessors]
    form_the_panel(secretariat, assessors, cast, pk, "20-bw-refusal")
    first, second = assessors
    start_the_assessment(first, pk, "20-bw-refusal")

    # The panel finds only two of the three member types the minimum criterion needs.
    scores = {indicator.id: indicator.threshold for indicator in scheme.indicators}
    assert scheme.indicator(MISSED).minimum_criterion
    scores[MISSED] = Decimal(2)
    score_everything(first, second, scheme, scores, "20-bw-refusal")
    card = pages.indicator_card(second, MISSED)
    expect(card).to_contain_text("Mindestkriterium nicht erfüllt")
    agree_to_the_report(first, second, pk)

    # The report names the missed minimum criterion.
    follow(first, "Bewertungsbericht")
    minimum = first.locator(".as-result dd").nth(1)
    expect(minimum).to_contain_text("1 nicht erfüllt")
    expect(minimum).to_contain_text(f"{MISSED} {MISSED_NAME}")
    shot(first, "20-bw-refusal-11-report")

    board = [login(member) for member in cast.board]
    send_to_the_board(secretariat)
    # A vote against without a reason is refused at the field; nothing is recorded.
    open_the_vote(board[0])
    board[0].get_by_label("Ich empfehle, das Label abzulehnen").check()
    press(board[0], "Stimme abgeben")
    expect(board[0].locator("#id_reason_error")).to_have_text(
        "Eine Stimme gegen die Verleihung braucht eine Begründung."
    )
    expect(board[0].get_by_label("Ich empfehle, das Label abzulehnen")).to_be_checked()
    assert not Procedure.objects.get(pk=pk).board_votes.exists()
    shot(board[0], "20-bw-refusal-12-vote-without-reason")
    reasons = [
        f"Mindestkriterium {MISSED} nicht erfüllt.",
        "Triple Helix unvollständig.",
        "Schließe mich dem Gutachten an.",
    ]
    for member, reason in zip(board, reasons, strict=True):
        if member is not board[0]:
            open_the_vote(member)
        text = main_text(member)
        assert f"Die Begutachtung erfüllt die Vergaberegeln für {SCHEME} nicht." in text
        assert "163 von 165 Punkten (98,7 %)." in text
        assert f"Das Mindestkriterium {MISSED} ist nicht erfüllt." in text
        vote(member, in_favour=False, reason=reason)
    close_the_board_review(secretariat, pk)

    authority = login(cast.authority)
    open_the_decision(authority)
    text = main_text(authority)
    assert f"Die Begutachtung erfüllt die Vergaberegeln für {SCHEME} nicht." in text
    assert f"Das Mindestkriterium {MISSED} ist nicht erfüllt." in text
    assert "0 dafür, 3 dagegen. Der Beirat empfiehlt die Ablehnung." in text
    for reason in reasons:
        assert reason in text
    not_possible = authority.locator(".notice")
    expect(not_possible).to_contain_text("Eine Verleihung ist nicht möglich:")
    expect(not_possible.locator("li")).to_have_text(
        [
            "Die Begutachtung erfüllt die Vergaberegeln des Labels nicht.",
            "Der Beirat hat gegen die Verleihung gestimmt (0 dafür, 3 dagegen).",
        ]
    )
    shot(authority, "20-bw-refusal-13-decision")

    # The page offers no award (a posted one is refused: tests/procedures), only the refusal.
    expect(authority.get_by_label("Label verleihen")).to_have_count(0)
    assert state_of(pk) == "awaiting_decision"

    # Refusing without a reason keeps the page, with the error at the field.
    authority.get_by_label("Label ablehnen").check()
    press(authority, "Entscheidung festhalten")
    expect(authority.locator("#id_reason_error")).to_have_text(
        "Eine Ablehnung braucht eine Begründung."
    )
    expect(authority.get_by_label("Label ablehnen")).to_be_checked()
    assert state_of(pk) == "awaiting_decision"
    shot(authority, "20-bw-refusal-14-refuse-without-reason")

    decision = (
        f"Das Mindestkriterium {MISSED} ist nicht erfüllt; der Beirat empfiehlt die Ablehnung."
    )
    authority.get_by_label("Begründung").fill(decision)
    press(authority, "Entscheidung festhalten")
    assert pages.status_line(authority) == "Abgelehnt"
    assert state_of(pk) == "refused"
    assert pages.audit_rows(authority)[-1] == (person(cast.authority), "Label abgelehnt")
    assert (
        f"Entscheidung Abgelehnt {pages.german_date(timezone.localdate())} \N{EN DASH} {decision}"
        in (main_text(authority))
    )
    shot(authority, "20-bw-refusal-15-refused")

    manager.reload()
    assert pages.status_line(manager) == "Abgelehnt"
    assert decision in main_text(manager)
