"""Benchmarking in a browser: a cluster manager reads the report of their organisation (figures
computed by hand, the peer-group fallback, the comparison with the previous cycle) and downloads
it as PDF; the secretariat reads the pool page and the same report in English."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.walkthrough import excellent_values
from tests.benchmarks.pool_factories import external_pool, own_entry, record, scheme_version
from tests.e2e.pages import click_and_wait, follow, login, main_text, shot
from tests.factories import UserFactory
from tests.procedures.builders import ProcedureBuilder

DASH = "\u2013"  # the en dash the pages put between quartiles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def row(page, row_id: str) -> str:
    return " ".join(page.locator(f"#{row_id}").inner_text().split())


def test_manager_and_secretariat_read_the_benchmarking_report(browser, live_server):
    values = excellent_values(scheme_version("ecei-bronze").scheme)
    values["STR-01"] = Decimal(45)
    builder = ProcedureBuilder(scheme_id="ecei-bronze", score_values=values)
    builder.advance_to(ProcedureState.AWARDED)
    organisation = builder.organisation
    own = ReferenceAssessment.objects.get(organisation=organisation, is_latest=True)
    # Eight other organisations in another sector, STR-01 = 10..80, and an earlier assessment
    # of ours, imported, with STR-01 = 5.
    record(external_pool([10, 20, 30, 40, 50, 60, 70, 80], prefix="Rival", sector="maritime"))
    record([own_entry(organisation, 5, day=date(own.assessed_on.year - 3, 5, 1))])

    manager = login(browser, live_server, builder.manager)
    follow(manager, "Benchmarking")
    click_and_wait(
        manager, manager.get_by_role("link", name=f"Bericht für {organisation.cluster_name}")
    )
    expect(manager.get_by_role("heading", level=1)).to_have_text(
        f"Benchmarking-Bericht: {organisation.cluster_name}"
    )
    text = main_text(manager)
    assert "Verglichen mit: Alle Organisationen (8 andere Organisationen)" in text
    # Worse than 45: 10, 20, 30, 40 -> rank 50; quartiles by linear interpolation.
    assert row(manager, "indicator-STR-01") == (
        f"STR-01 Engagierte Clusterakteure 45 Akteure 80 35 50 45 (27,5 {DASH} 62,5)"
    )
    assert "Rival" not in manager.content()
    assert "In 1 Bereich verbessert." in text
    shot(manager, "50-benchmark-report-manager")

    # The same sector holds nobody else: the report says so and compares with everyone.
    manager.get_by_label("Vergleichen mit").select_option("sector")
    click_and_wait(manager, manager.get_by_role("button", name="Anzeigen"))
    assert "weniger als 5 andere Organisationen" in main_text(manager)
    assert row(manager, "indicator-STR-01").endswith(f"50 45 (27,5 {DASH} 62,5)")
    shot(manager, "51-benchmark-report-fallback")

    with manager.expect_download() as download:
        manager.get_by_role("link", name="PDF auf Deutsch").click()
    text = pdf_text(download.value.path().read_bytes())
    assert organisation.cluster_name in text
    assert "27,5" in text and "62,5" in text
    assert "Rival" not in text

    # A manager cannot open the pool page.
    response = manager.goto(f"{live_server.url}/benchmarks/ecei-bronze/")
    assert response.status == 404

    secretariat = login(browser, live_server, UserFactory(role="secretariat"))
    follow(secretariat, "Benchmarking")
    follow(secretariat, "ECEI-Label Bronze")
    # Nine latest assessments: 10..80 and 45 -> median 45, quartiles 30 and 60; one of nine
    # meets the threshold of 80.
    assert row(secretariat, "pool-indicator-STR-01") == (
        f"STR-01 Engagierte Clusterakteure 80 Akteure 11,1 % 9 {DASH} 30 45 60 {DASH}"
    )
    shot(secretariat, "52-benchmark-pool")
    secretariat.goto(f"{live_server.url}/benchmarks/ecei-bronze/organisations/{organisation.pk}/")
    with secretariat.expect_download() as download:
        secretariat.get_by_role("link", name="PDF auf Englisch").click()
    text = pdf_text(download.value.path().read_bytes())
    assert organisation.cluster_name in text
    assert "27.5" in text and "62.5" in text
