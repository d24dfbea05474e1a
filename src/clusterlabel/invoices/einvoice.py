"""The EN 16931 e-invoice of an invoice: UN/CEFACT CII XML made with ``drafthorse`` (pretix's
ZUGFeRD/Factur-X library), validated against the Factur-X EN 16931 XSD it bundles.

Guarantees:

* :func:`invoice_xml` is the XRechnung (the CII syntax with the XRechnung 3.0 guideline id,
  ``urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0``) that German public
  buyers such as the ministry require; :func:`factur_x_xml` the same content with the EN 16931
  profile id ``urn:cen.eu:en16931:2017`` for the Factur-X/ZUGFeRD PDF
  (``invoices.pdf.invoice_factur_x_pdf``). Both are validated against the schema when
  serialised: an invoice that does not validate raises instead of being handed out.
* The amounts are the invoice's: line total and tax basis = net, tax total = VAT, grand total
  and amount due = gross. An invoice is type 380; a credit note type 381 with the amounts
  positive (EN 16931 states a credit note's amounts as positive) and the cancelled invoice
  referenced (BT-25).
* VAT category per treatment: ``S`` with the rate (domestic); ``AE``, 0 % and 0 VAT with the
  exemption reason code ``VATEX-EU-AE`` and the text "Reverse charge" (reverse charge); a
  service to a customer outside the EU is ``O`` (not subject to VAT; ``G`` is for exports of
  goods) with ``VATEX-EU-O`` and no rate.
* Buyer reference (BT-10): the Leitweg-ID of a public buyer as configured, otherwise the
  procedure's reference. Seller and buyer VAT IDs are stated when known.
"""

from __future__ import annotations

from decimal import Decimal

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from clusterlabel.invoices.models import Invoice

XRECHNUNG_GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
#: The XSD the XML is validated against (bundled with drafthorse): the CII D16B subset of
#: EN 16931, which XRechnung's CII syntax uses as well.
SCHEMA = "FACTUR-X_EN16931"
#: "Service" as UN/ECE recommendation 20 unit: one assessment.
UNIT = "C62"

REVERSE_CHARGE_REASON = "Reverse charge"
OUTSIDE_EU_REASON = "Not subject to VAT in Germany"


def _category(invoice: Invoice) -> tuple[str, str, str]:
    """(VAT category code, exemption reason code, exemption reason) of the invoice."""
    if invoice.vat_treatment == "reverse_charge":
        return "AE", "VATEX-EU-AE", REVERSE_CHARGE_REASON
    if invoice.vat_treatment == "outside_eu":
        return "O", "VATEX-EU-O", OUTSIDE_EU_REASON
    return "S", "", ""


def _first_lines(address: str) -> tuple[str, str, str]:
    """(street line, postcode, city) from a stored address ("Street 1\\n12345 City")."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    street = lines[0] if len(lines) > 1 else ""
    place = lines[-1] if lines else ""
    postcode, _, city = place.partition(" ")
    if not postcode.isdigit():
        postcode, city = "", place
    return street, postcode, city


def _tax(invoice: Invoice, basis: Decimal, amount: Decimal) -> ApplicableTradeTax:
    category, reason_code, reason = _category(invoice)
    tax = ApplicableTradeTax()
    tax.calculated_amount = amount
    tax.type_code = "VAT"
    if reason:
        tax.exemption_reason = reason
        tax.exemption_reason_code = reason_code
    tax.basis_amount = basis
    tax.category_code = category
    if category != "O":
        tax.rate_applicable_percent = invoice.vat_percent
    return tax


def _document(invoice: Invoice, guideline: str) -> Document:
    sign = Decimal(-1) if invoice.is_credit_note else Decimal(1)
    net, vat, gross = invoice.net * sign, invoice.vat * sign, invoice.gross * sign
    doc = Document()
    doc.context.business_parameter.id = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    doc.context.guideline_parameter.id = guideline
    doc.header.id = invoice.number
    doc.header.type_code = "381" if invoice.is_credit_note else "380"
    doc.header.issue_date_time = invoice.issued_on
    category, _code, reason = _category(invoice)
    if reason:
        note = IncludedNote()
        note.content = reason
        doc.header.notes.add(note)

    agreement = doc.trade.agreement
    agreement.buyer_reference = invoice.buyer_reference
    seller = agreement.seller
    seller.name = invoice.seller_name
    street, postcode, city = _first_lines(invoice.seller_address)
    seller.address.line_one = street or None
    seller.address.postcode = postcode or None
    seller.address.city_name = city or None
    seller.address.country_id = invoice.seller_country
    if invoice.seller_contact and "@" in invoice.seller_contact:
        seller.electronic_address.uri_ID = ("EM", invoice.seller_contact)
    if invoice.seller_vat_id:
        seller.tax_registrations.add(TaxRegistration(id=("VA", invoice.seller_vat_id)))
    buyer = agreement.buyer
    buyer.name = invoice.buyer_name
    street, postcode, city = _first_lines(invoice.buyer_address)
    buyer.address.line_one = street or None
    buyer.address.postcode = postcode or None
    buyer.address.city_name = invoice.buyer_city or city or None
    buyer.address.country_id = invoice.buyer_country
    if invoice.buyer_vat_id:
        buyer.tax_registrations.add(TaxRegistration(id=("VA", invoice.buyer_vat_id)))

    doc.trade.delivery.event.occurrence = invoice.issued_on

    for line in invoice.lines.all():
        item = LineItem()
        item.document.line_id = str(line.position)
        item.product.name = line.description.splitlines()[0][:500]
        item.agreement.net.amount = line.unit_net * sign
        item.delivery.billed_quantity = (line.quantity, UNIT)
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = category
        if category != "O":
            item.settlement.trade_tax.rate_applicable_percent = invoice.vat_percent
        item.settlement.monetary_summation.total_amount = line.net * sign
        doc.trade.items.add(item)

    settlement = doc.trade.settlement
    settlement.currency_code = invoice.currency
    settlement.payment_reference = invoice.number
    if invoice.seller_bank_account and not invoice.is_credit_note:
        means = PaymentMeans()
        means.type_code = "58"  # SEPA credit transfer
        means.payee_account.iban = invoice.seller_bank_account
        settlement.payment_means.add(means)
    settlement.trade_tax.add(_tax(invoice, net, vat))
    if not invoice.is_credit_note:
        terms = PaymentTerms()
        terms.due = invoice.due_on
        settlement.terms.add(terms)
    if invoice.is_credit_note and invoice.cancels is not None:
        settlement.invoice_referenced_document.issuer_assigned_id = invoice.cancels.number
        settlement.invoice_referenced_document.issue_date_time = invoice.cancels.issued_on
    summation = settlement.monetary_summation
    summation.line_total = net
    summation.charge_total = Decimal("0.00")
    summation.allowance_total = Decimal("0.00")
    summation.tax_basis_total = net
    summation.tax_total = (vat, invoice.currency)
    summation.grand_total = gross
    summation.due_amount = gross
    return doc


def _serialised(invoice: Invoice, guideline: str) -> bytes:
    return bytes(_document(invoice, guideline).serialize(schema=SCHEMA))


def invoice_xml(invoice: Invoice) -> bytes:
    """The XRechnung CII XML of ``invoice``, schema-validated (module docstring)."""
    return _serialised(invoice, XRECHNUNG_GUIDELINE)


def factur_x_xml(invoice: Invoice) -> bytes:
    """The EN 16931 CII XML embedded in the Factur-X/ZUGFeRD PDF, schema-validated."""
    return _serialised(invoice, EN16931_GUIDELINE)


def xml_filename(invoice: Invoice) -> str:
    return f"{invoice.number}-xrechnung.xml"
