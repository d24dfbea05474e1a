"""Issue 15, a holder with a paper certificate, tried in a browser: the certificate of
"Θεσσαλία Cluster" prints its name, and the number typed on /verify/ leads to its label (an
unknown number is answered on the same page, the number kept).

The certificate is also rendered to ``tests/e2e/screenshots/paper_certificate-1.png`` with
``pdftoppm`` when it is installed, for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.pages import click_and_wait, main_text, shot
from tests.factories import OrganisationFactory
from tests.labels.label_factories import make_label
from tests.procedures.builders import ensure_schemes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Θεσσαλία Cluster"


def test_a_paper_certificate_is_checked_by_its_number(page, live_server, settings):
    settings.SITE_URL = live_server.url
    ensure_schemes()
    label = make_label(
        scheme_id="ecei-gold", organisation=OrganisationFactory(legal_name=NAME, cluster_name=NAME)
    )
    number = label.certificate_number

    certificate = page.request.get(f"{live_server.url}/labels/{number}/certificate.pdf?lang=en")
    assert certificate.ok
    data = certificate.body()
    text = " ".join(PdfReader(BytesIO(data)).pages[0].extract_text().split())
    assert text.count(NAME) == 1  # printed, and once: the cluster's name is the same
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(exist_ok=True)
        pdf = SCREENSHOTS / "paper_certificate.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / "paper_certificate")],
            check=True,
        )

    page.goto(f"{live_server.url}/verify/")
    page.fill("input[name=number]", f" {number.lower()} ")
    click_and_wait(page, page.locator("form[method=get] button[type=submit]"))
    assert page.url == f"{live_server.url}/verify/{number}/"
    assert NAME in main_text(page)
    shot(page, "paper_certificate_verified")

    page.goto(f"{live_server.url}/verify/")
    page.fill("input[name=number]", "ECEI-G-1999-99999")
    click_and_wait(page, page.locator("form[method=get] button[type=submit]"))
    expect(page.locator("input[name=number]")).to_have_value("ECEI-G-1999-99999")
    assert "ECEI-G-1999-99999" in page.locator("#number-error-summary").inner_text()
    shot(page, "paper_certificate_unknown")
