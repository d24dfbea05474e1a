"""The e-invoices: the XRechnung XML validates against the EN 16931 CII schema and states the
invoice's amounts; the reverse charge is category AE with 0 VAT and its reason; the PDF is in
the customer's language and carries the XML (Factur-X/ZUGFeRD)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import drafthorse
import pytest
from django.test import override_settings
from lxml import etree
from pypdf import PdfReader

from clusterlabel.invoices import services
from clusterlabel.invoices.einvoice import EN16931_GUIDELINE, XRECHNUNG_GUIDELINE, invoice_xml
from clusterlabel.invoices.pdf import invoice_factur_x_pdf, invoice_pdf
from clusterlabel.procedures.choices import ProcedureState
from tests.invoices.helpers import contracted, invoices_of
from tests.invoices.test_services import SELLERS
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db
D = Decimal
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
XSD = Path(drafthorse.__file__).parent / "schema" / "Factur-X_1.0.07_EN16931.xsd"


def validated(xml: bytes) -> etree._Element:
    """The parsed XML, after checking it against the bundled EN 16931 CII schema ourselves."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    root = etree.fromstring(xml)
    schema.assertValid(root)
    return root


def value(root: etree._Element, path: str) -> str:
    (node,) = root.xpath(path, namespaces=NS)
    return node if isinstance(node, str) else node.text


SUMMATION = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
HEADER_TAX = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"


@override_settings(INVOICE_SELLERS=SELLERS)
def test_the_xrechnung_of_the_ministrys_invoice_validates_and_states_its_amounts() -> None:
    ministry, _organisation = invoices_of(contracted())
    root = validated(invoice_xml(ministry))
    assert value(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        XRECHNUNG_GUIDELINE
    )
    assert value(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID") == ministry.number
    assert value(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert value(root, "//ram:BuyerReference") == ministry.buyer_reference
    assert value(root, "//ram:BuyerTradeParty/ram:Name") == ministry.buyer_name
    assert value(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == (
        "DE136575402"
    )
    assert D(value(root, SUMMATION + "ram:LineTotalAmount")) == D("2487.50")
    assert D(value(root, SUMMATION + "ram:TaxBasisTotalAmount")) == ministry.net
    assert D(value(root, SUMMATION + "ram:TaxTotalAmount")) == ministry.vat == D("472.63")
    assert D(value(root, SUMMATION + "ram:GrandTotalAmount")) == ministry.gross
    assert D(value(root, SUMMATION + "ram:DuePayableAmount")) == D("2960.13")
    assert value(root, HEADER_TAX + "ram:CategoryCode") == "S"
    assert D(value(root, HEADER_TAX + "ram:RateApplicablePercent")) == D("19")
    assert value(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (
        "DE02120300000000202051"
    )


def test_the_reverse_charge_invoice_is_category_ae_with_no_vat_and_the_reason() -> None:
    (invoice,) = invoices_of(
        contracted("ecei-bronze", country="AT", region="AT-9", vat_id="ATU12345678")
    )
    root = validated(invoice_xml(invoice))
    tax = HEADER_TAX
    assert value(root, tax + "ram:CategoryCode") == "AE"
    assert D(value(root, tax + "ram:CalculatedAmount")) == D("0.00")
    assert D(value(root, tax + "ram:RateApplicablePercent")) == D("0")
    assert value(root, tax + "ram:ExemptionReasonCode") == "VATEX-EU-AE"
    assert value(root, tax + "ram:ExemptionReason") == "Reverse charge"
    assert value(root, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == (
        "ATU12345678"
    )
    assert D(value(root, SUMMATION + "ram:GrandTotalAmount")) == D("2250.00")


def test_outside_the_eu_the_xml_says_not_subject_to_vat() -> None:
    (invoice,) = invoices_of(contracted("ecei-bronze", country="CH", region="CH-ZH"))
    root = validated(invoice_xml(invoice))
    assert value(root, HEADER_TAX + "ram:CategoryCode") == "O"
    assert value(root, HEADER_TAX + "ram:ExemptionReasonCode") == "VATEX-EU-O"


def test_a_credit_note_is_type_381_and_references_the_invoice() -> None:
    builder = contracted("ecei-bronze")
    (invoice,) = invoices_of(builder)
    credit = services.invoice_cancel(invoice=invoice, reason="error", actor=builder.secretariat)
    root = validated(invoice_xml(credit))
    assert value(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert value(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
    assert D(value(root, SUMMATION + "ram:GrandTotalAmount")) == -credit.gross == D("2677.50")


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_pdf_carries_the_en16931_xml_with_the_same_amounts() -> None:
    (invoice,) = invoices_of(contracted("ecei-bronze"))
    reader = PdfReader(BytesIO(invoice_factur_x_pdf(invoice)))
    attachments = reader.attachments
    assert list(attachments) == ["factur-x.xml"]
    root = validated(attachments["factur-x.xml"][0])
    assert value(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        EN16931_GUIDELINE
    )
    assert D(value(root, SUMMATION + "ram:GrandTotalAmount")) == invoice.gross
    text = " ".join(page.extract_text() for page in reader.pages)
    assert invoice.number in text and invoice.buyer_name in text


def test_the_pdf_is_in_the_customers_language() -> None:
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    builder.manager.preferred_language = "en"
    builder.manager.save()
    builder.advance_to(ProcedureState.CONTRACTED)
    (english,) = invoices_of(builder)
    text = pdf_text(invoice_pdf(english))
    assert f"Invoice {english.number}" in text
    assert "Due date" in text and "€2,677.50" in text
    (german,) = invoices_of(contracted("ecei-bronze"))
    text = pdf_text(invoice_pdf(german))
    assert "2.677,50 €" in text


def test_the_reverse_charge_pdf_says_so_in_german_words() -> None:
    (invoice,) = invoices_of(
        contracted("ecei-bronze", country="AT", region="AT-9", vat_id="ATU12345678")
    )
    text = pdf_text(invoice_pdf(invoice))
    assert "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge" in text
    assert "ATU12345678" in text


def test_both_bw_invoices_state_the_whole_contract() -> None:
    ministry, organisation = invoices_of(contracted())
    for invoice in (ministry, organisation):
        text = " ".join(pdf_text(invoice_pdf(invoice)).split())
        assert "5.920,25 €" in text and "945,25 €" in text
