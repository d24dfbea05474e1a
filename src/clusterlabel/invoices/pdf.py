"""The printable invoice or credit note: one A4 document in the invoice's language (German or
English), with its EN 16931 XML embedded (Factur-X/ZUGFeRD).

Guarantees:

* The page states what § 14 (4) UStG asks of an invoice: the seller's name, address and VAT
  ID, the buyer's name and address (and VAT ID under the reverse charge), the date of issue,
  the number, what was supplied, the net amount, the VAT rate and amount (or why there is
  none), the gross amount; plus the due date and the seller's bank account.
* Under the reverse charge the page says "Steuerschuldnerschaft des Leistungsempfängers /
  Reverse charge" in both languages (§ 14a (5) UStG requires the German words) with the
  buyer's VAT ID; outside the EU it says the service is not taxable in Germany.
* Every invoice of a contract with a subsidy states the contract's net, VAT and gross and that
  it is one payer's share, so the invoices to the subsidy payer and to the organisation are
  read together. A credit note names the invoice it cancels.
* The wording comes from the translation catalogue (context ``invoice``, named placeholders);
  the text is set in the embedded DejaVu Sans through the shared ``a4_document``.
* :func:`invoice_factur_x_pdf` embeds the EN 16931 CII XML (``factur-x.xml``, validated against
  the schema) with drafthorse's ``attach_xml``, which writes the PDF/A-3 attachment and XMP
  metadata Factur-X readers look for.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy
from drafthorse.pdf import attach_xml
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from clusterlabel.core.countries import country_name
from clusterlabel.core.formatting import money_in
from clusterlabel.core.pdf_text import format_date, register_unicode_fonts
from clusterlabel.invoices.einvoice import factur_x_xml
from clusterlabel.invoices.models import Invoice
from clusterlabel.labels.certificates.pdf import a4_document

#: Every text printed on an invoice, from the translation catalogue (named placeholders).
MESSAGES: dict[str, Promise] = {
    "invoice": pgettext_lazy("invoice", "Invoice"),
    "credit_note": pgettext_lazy("invoice", "Credit note"),
    "number": pgettext_lazy("invoice", "Number"),
    "issued_on": pgettext_lazy("invoice", "Date of issue"),
    "due_on": pgettext_lazy("invoice", "Due date"),
    "reference": pgettext_lazy("invoice", "Your reference"),
    "procedure": pgettext_lazy("invoice", "Procedure"),
    "seller_vat_id": pgettext_lazy("invoice", "VAT ID: %(vat_id)s"),
    "buyer_vat_id": pgettext_lazy("invoice", "VAT ID of the recipient: %(vat_id)s"),
    "position": pgettext_lazy("invoice", "Item"),
    "description": pgettext_lazy("invoice", "Description"),
    "amount": pgettext_lazy("invoice", "Net amount"),
    "net": pgettext_lazy("invoice", "Net"),
    "vat_rate": pgettext_lazy("invoice", "VAT %(rate)s %%"),
    "vat": pgettext_lazy("invoice", "VAT"),
    "gross": pgettext_lazy("invoice", "Total"),
    "reverse_charge": pgettext_lazy(
        "invoice",
        "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge: the recipient owes "
        "the VAT (Art. 196 VAT Directive, § 13b UStG).",
    ),
    "outside_eu": pgettext_lazy(
        "invoice",
        "Not taxable in Germany: the recipient is seated outside the European Union (place of "
        "supply under § 3a (2) UStG).",
    ),
    "share": pgettext_lazy(
        "invoice",
        "This invoice covers %(payer)s's share of the contract of procedure %(reference)s "
        "(net %(net)s, VAT %(vat)s, total %(gross)s), which is invoiced to its payers in "
        "shares.",
    ),
    "cancels": pgettext_lazy(
        "invoice", "This credit note cancels invoice %(number)s of %(date)s in full."
    ),
    "payment": pgettext_lazy(
        "invoice",
        "Please transfer %(amount)s by %(date)s to the account %(iban)s, quoting the invoice "
        "number %(number)s.",
    ),
    "payment_no_account": pgettext_lazy(
        "invoice", "Please pay %(amount)s by %(date)s, quoting the invoice number %(number)s."
    ),
}


def invoice_wording(language: str) -> dict[str, str]:
    """Every text of an invoice in ``language``, from the catalogue."""
    with translation.override(language):
        return {key: str(message) for key, message in MESSAGES.items()}


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _story(invoice: Invoice, words: dict[str, str]) -> list:
    regular, bold = register_unicode_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.grey)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=16, leading=20)
    strong = ParagraphStyle("strong", parent=body, fontName=bold)
    language = invoice.language
    currency = invoice.currency

    def money(amount) -> str:
        return money_in(amount, currency)

    seller = [invoice.seller_name, invoice.seller_address]
    if invoice.seller_vat_id:
        seller.append(words["seller_vat_id"] % {"vat_id": invoice.seller_vat_id})
    if invoice.seller_contact:
        seller.append(invoice.seller_contact)
    buyer = [invoice.buyer_name, invoice.buyer_address, country_name(invoice.buyer_country)]
    if invoice.buyer_vat_id:
        buyer.append(words["buyer_vat_id"] % {"vat_id": invoice.buyer_vat_id})

    story: list = [
        _paragraph(" · ".join(p.replace("\n", ", ") for p in seller if p), small),
        Spacer(1, 6 * mm),
        _paragraph("\n".join(p for p in buyer if p), body),
        Spacer(1, 10 * mm),
        _paragraph(
            f"{words['credit_note' if invoice.is_credit_note else 'invoice']} {invoice.number}",
            heading,
        ),
        Spacer(1, 4 * mm),
    ]
    facts = [
        (words["number"], invoice.number),
        (words["issued_on"], format_date(invoice.issued_on, language)),
    ]
    if not invoice.is_credit_note:
        facts.append((words["due_on"], format_date(invoice.due_on, language)))
    facts += [
        (words["reference"], invoice.buyer_reference),
        (words["procedure"], invoice.procedure.reference),
    ]
    story.append(
        Table(
            [[_paragraph(k, strong), _paragraph(v, body)] for k, v in facts],
            colWidths=[40 * mm, 120 * mm],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
            hAlign="LEFT",
        )
    )
    story.append(Spacer(1, 6 * mm))
    rows: list[list[Paragraph | str]] = [
        [
            _paragraph(words["position"], strong),
            _paragraph(words["description"], strong),
            _paragraph(words["amount"], strong),
        ]
    ]
    rows += [
        [
            _paragraph(str(line.position), body),
            _paragraph(line.description, body),
            _paragraph(money(line.net), body),
        ]
        for line in invoice.lines.all()
    ]
    if invoice.vat_treatment == "domestic":
        vat_label = words["vat_rate"] % {"rate": f"{invoice.vat_percent.normalize():f}"}
    else:
        vat_label = words["vat"]
    rows += [
        ["", _paragraph(words["net"], body), _paragraph(money(invoice.net), body)],
        ["", _paragraph(vat_label, body), _paragraph(money(invoice.vat), body)],
        ["", _paragraph(words["gross"], strong), _paragraph(money(invoice.gross), strong)],
    ]
    story.append(
        Table(
            rows,
            colWidths=[14 * mm, 111 * mm, 35 * mm],
            style=TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                    ("LINEABOVE", (1, -3), (-1, -3), 0.4, colors.grey),
                    ("LINEABOVE", (1, -1), (-1, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ]
            ),
            hAlign="LEFT",
        )
    )
    story.append(Spacer(1, 6 * mm))
    notes = []
    if invoice.vat_treatment == "reverse_charge":
        notes.append(words["reverse_charge"])
    elif invoice.vat_treatment == "outside_eu":
        notes.append(words["outside_eu"])
    procedure = invoice.procedure
    if procedure.fee_subsidy and procedure.fee_gross is not None:
        notes.append(
            words["share"]
            % {
                "payer": invoice.buyer_name,
                "reference": procedure.reference,
                "net": money(procedure.fee_net),
                "vat": money(procedure.fee_vat),
                "gross": money(procedure.fee_gross),
            }
        )
    if invoice.is_credit_note and invoice.cancels is not None:
        notes.append(
            words["cancels"]
            % {
                "number": invoice.cancels.number,
                "date": format_date(invoice.cancels.issued_on, language),
            }
        )
    elif not invoice.is_credit_note:
        values = {
            "amount": money(invoice.gross),
            "date": format_date(invoice.due_on, language),
            "iban": invoice.seller_bank_account,
            "number": invoice.number,
        }
        key = "payment" if invoice.seller_bank_account else "payment_no_account"
        notes.append(words[key] % values)
    story += [_paragraph(note, body) for note in notes]
    return story


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF in its language, without the embedded XML."""
    words = invoice_wording(invoice.language)
    buffer = BytesIO()
    kind = words["credit_note" if invoice.is_credit_note else "invoice"]
    document = a4_document(
        buffer,
        title=f"{kind} {invoice.number}",
        author=invoice.seller_name,
        subject=f"{kind} {invoice.number}, {invoice.buyer_name}",
        language=invoice.language,
        margins_mm=(20, 20, 20, 25),
    )
    with translation.override(invoice.language):
        document.build(_story(invoice, words))
    return buffer.getvalue()


def invoice_factur_x_pdf(invoice: Invoice) -> bytes:
    """The invoice PDF with its EN 16931 XML embedded as ``factur-x.xml`` (module docstring)."""
    pdf = invoice_pdf(invoice)
    kind = "Credit note" if invoice.is_credit_note else "Invoice"
    metadata = {
        "author": invoice.seller_name,
        "keywords": "Factur-X, ZUGFeRD, Invoice",
        "title": f"{invoice.seller_name}: {kind} {invoice.number}",
        "subject": f"{kind} {invoice.number}",
    }
    return bytes(
        attach_xml(
            pdf, factur_x_xml(invoice), level="EN 16931", metadata=metadata, lang=invoice.language
        )
    )


def pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"
