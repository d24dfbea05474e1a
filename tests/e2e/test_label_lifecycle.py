"""A label in a browser: the authority awards, the certificate is downloaded and read, the QR
code's page says Valid, the label is revoked, the page says Revoked, and the registry's "valid
today" filter no longer lists it."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect
from pypdf import PdfReader

from clusterlabel.labels.certificates.pdf import certificate_qr_url
from clusterlabel.labels.models import Label
from clusterlabel.procedures.choices import ProcedureState
from tests.e2e.pages import login, main_text, open_procedure, press, shot
from tests.procedures.builders import ProcedureBuilder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_award_certificate_verify_revoke_registry(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    builder = ProcedureBuilder(scheme_id="ecei-gold")
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    organisation = builder.organisation

    # The authority awards in the browser.
    authority = login(browser, live_server, builder.authority)
    authority.goto(f"{live_server.url}/procedures/{procedure.pk}/decision/")
    authority.get_by_label("Label verleihen").check()
    authority.get_by_label("Begründung").fill("Alle Kriterien erfüllt.")
    press(authority, "Entscheidung festhalten")
    assert "Verliehen" in main_text(authority)
    label = Label.objects.get(procedure=procedure)
    shot(authority, "40-label-awarded")

    # The QR code leads to the public verification page, which says Valid.
    visitor = browser.new_context(locale="de-DE").new_page()
    visitor.goto(certificate_qr_url(label))
    expect(visitor.locator(".verdict-word")).to_have_text("Gültig")
    assert organisation.legal_name in main_text(visitor)
    shot(visitor, "41-verify-valid")

    # The certificate downloads and reads as it should.
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Urkunde herunterladen (PDF)").click()
    pdf = download.value.path().read_bytes()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert organisation.legal_name in text
    assert label.certificate_number in text
    assert "Gültig bis" in text
    with translation.override("de"):
        assert date_format(label.valid_until, "DATE_FORMAT") in text  # "31. Oktober 2028"

    # The registry lists it as valid today.
    visitor.goto(f"{live_server.url}/registry/?status=valid")
    assert label.certificate_number in main_text(visitor)

    # The authority revokes it, with a reason and the confirmation.
    authority.goto(f"{live_server.url}/labels/{label.certificate_number}/manage/")
    revoke = authority.locator("form", has=authority.get_by_role("button", name="Widerrufen"))
    revoke.get_by_label("Begründung").fill("Die Angaben zur Finanzierung waren falsch.")
    revoke.get_by_label("Mir ist bewusst, dass ein Widerruf endgültig ist").check()
    press(authority, "Widerrufen")
    assert "Das Label ist widerrufen." in main_text(authority)
    shot(authority, "42-label-revoked")

    # The QR page now says Revoked, and "valid today" no longer lists the label.
    visitor.goto(certificate_qr_url(label))
    expect(visitor.locator(".verdict-word")).to_have_text("Widerrufen")
    shot(visitor, "43-verify-revoked")
    visitor.goto(f"{live_server.url}/registry/?status=valid")
    assert label.certificate_number not in main_text(visitor)
    visitor.goto(f"{live_server.url}/registry/")
    assert label.certificate_number in main_text(visitor)  # the history stays public
    open_procedure(authority, procedure.pk)
