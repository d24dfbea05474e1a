"""The contract's fee, as the secretariat's acceptance fixes it and the procedure page shows it:
net, VAT (or the reverse-charge / outside-the-EU note), gross, and each payer's share, the
shares adding up to the gross; the renewal fee only inside the scheme's renewal window; the
go-cluster programme paying its members' Silver."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from tests.factories import ProgrammeFactory
from tests.helpers import element, elements, login, text
from tests.labels.label_factories import make_label
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


def contract_rows(client, builder: ProcedureBuilder) -> tuple[list[tuple[str, str]], str]:
    """The fee table's (heading, amount) rows and the whole fee text, in English."""
    login(client, builder.secretariat, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    table = element(page, "table", class_="fee-contract")
    rows = [
        (text(element(row, "th")), text(element(row, "td")))
        for row in elements(table, "tr")
        if elements(row, "th")
    ]
    return rows, text(element(page, "section", **{"aria-labelledby": "facts-heading"}))


def contracted(builder: ProcedureBuilder) -> Procedure:
    return builder.advance_to(ProcedureState.CONTRACTED)


def test_a_german_organisation_pays_german_vat_and_the_shares_add_up_to_the_gross(client):
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    procedure = contracted(builder)
    assert (procedure.fee_vat_treatment, procedure.fee_process) == ("domestic", "new")
    assert procedure.fee_subsidy + procedure.fee_payable_gross == procedure.fee_gross
    rows, _ = contract_rows(client, builder)
    organisation = builder.organisation.legal_name
    assert rows == [
        ("Net", "4,975.00 EUR"),
        ("VAT 19 %", "945.25 EUR"),
        ("Gross", "5,920.25 EUR"),
        (
            "Paid by Ministerium für Wirtschaft, Arbeit und Tourismus Baden-Württemberg",
            "2,960.13 EUR",
        ),
        (f"Paid by {organisation}", "2,960.12 EUR"),
    ]


def test_a_business_in_another_eu_country_is_invoiced_under_the_reverse_charge(client):
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    builder.organisation.country, builder.organisation.region = "AT", "AT-9"
    builder.organisation.vat_id = "ATU12345678"
    builder.organisation.save()
    procedure = contracted(builder)
    assert (procedure.fee_vat_treatment, procedure.fee_customer_vat_id) == (
        "reverse_charge",
        "ATU12345678",
    )
    assert (procedure.fee_net, procedure.fee_vat, procedure.fee_gross) == (
        Decimal("2250.00"),
        Decimal("0.00"),
        Decimal("2250.00"),
    )
    rows, facts = contract_rows(client, builder)
    assert rows[:3] == [("Net", "2,250.00 EUR"), ("VAT", "0.00 EUR"), ("Gross", "2,250.00 EUR")]
    assert rows[3] == (f"Paid by {builder.organisation.legal_name}", "2,250.00 EUR")
    assert (
        "Reverse charge: VAT to be accounted for by the recipient, Art. 196 VAT Directive "
        "(VAT ID of the recipient: ATU12345678)." in facts
    )


def test_an_organisation_outside_the_eu_pays_no_german_vat(client):
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    builder.organisation.country, builder.organisation.region = "CH", "CH-ZH"
    builder.organisation.save()
    procedure = contracted(builder)
    assert (procedure.fee_vat_treatment, procedure.fee_vat, procedure.fee_payable_gross) == (
        "outside_eu",
        Decimal("0.00"),
        Decimal("2250.00"),
    )
    rows, facts = contract_rows(client, builder)
    assert ("VAT", "0.00 EUR") in rows
    assert "Not taxable in Germany: the recipient is seated outside the European Union" in facts
    assert "Reverse charge" not in facts


@pytest.mark.parametrize(
    ("days_after_expiry", "process", "net"),
    [(0, "renewal", Decimal("3975.00")), (1, "new", Decimal("4975.00"))],
)
def test_the_re_certification_fee_only_inside_the_renewal_window(
    client, days_after_expiry: int, process: str, net: Decimal
):
    """BW has no grace period: a re-certification applied for on the label's last day costs
    3,975 EUR, one applied for a day later is a first certification at 4,975 EUR."""
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence", process="renewal")
    today = timezone.localdate()
    valid_until = today - timedelta(days=days_after_expiry)
    make_label(
        scheme_id="bw-cluster-excellence",
        organisation=builder.organisation,
        valid_from=valid_until - timedelta(days=729),
        valid_until=valid_until,
    )
    procedure = contracted(builder)
    assert (procedure.process, procedure.fee_process, procedure.fee_net) == (
        "renewal",
        process,
        net,
    )
    _, facts = contract_rows(client, builder)
    refused = "Charged at the first-assessment fee" in facts
    assert refused is (process == "new")


def test_a_renewal_of_a_label_that_expired_years_ago_is_charged_as_a_first_assessment():
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence", process="renewal")
    today = timezone.localdate()
    make_label(
        scheme_id="bw-cluster-excellence",
        organisation=builder.organisation,
        valid_from=today - timedelta(days=6 * 365),
        valid_until=today - timedelta(days=4 * 365),
    )
    procedure = contracted(builder)
    assert (procedure.fee_process, procedure.fee_net) == ("new", Decimal("4975.00"))


def test_go_cluster_pays_its_members_silver(client):
    builder = ProcedureBuilder(scheme_id="ecei-silver")
    builder.organisation.programmes.add(ProgrammeFactory(slug="go-cluster"))
    procedure = contracted(builder)
    assert procedure.fee_gross == Decimal("4307.80")
    assert procedure.fee_subsidy == Decimal("4307.80")
    assert procedure.fee_payable_gross == Decimal("0.00")
    assert procedure.fee_subsidy_payer == "Bundesministerium für Wirtschaft und Energie"
    rows, _ = contract_rows(client, builder)
    assert rows[-2:] == [
        ("Paid by Bundesministerium für Wirtschaft und Energie", "4,307.80 EUR"),
        (f"Paid by {builder.organisation.legal_name}", "0.00 EUR"),
    ]


def test_an_organisation_outside_the_programme_pays_its_silver_itself():
    builder = ProcedureBuilder(scheme_id="ecei-silver")
    procedure = contracted(builder)
    assert procedure.fee_subsidy is None
    assert procedure.fee_payable_gross == procedure.fee_gross == Decimal("4307.80")
