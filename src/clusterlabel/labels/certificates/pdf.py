"""The printable certificate of a label: one A4 page in German or English, with a QR code that
leads to the public verification page.

Guarantees:

* The certificate states the organisation's legal name and cluster, the label and its level,
  the scheme version, validity, certificate number, the awarding authority, the date of issue,
  and the address of the verification page (as text and as QR code).
* A label that is not valid today says so on the page: revoked and suspended labels carry a
  red banner and a diagonal mark across the page; expired and not yet valid labels an amber
  banner. A certificate is never printed as if it were valid when it is not. (We serve the
  marked PDF rather than refusing with 410: the certificate number stays in the public
  register, the history of the organisation links to it, and a marked copy cannot be mistaken
  for a valid one. The QR code on every copy leads to the live status.)
* The wording is fixed here in both languages instead of coming from the translation
  catalogue: a certificate is a formal document that exists in exactly these two languages and
  must never come out half translated.
* No network and no font files: reportlab's built-in Helvetica in WinAnsi encoding, which
  covers German (ä ö ü ß and the quotation marks „ “). Letters outside WinAnsi (ł, č, ő ...)
  are reduced to their base letter rather than printed as empty boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from clusterlabel.core.pdf_text import format_date, pdf_text
from clusterlabel.domain.labels import LabelStatus
from clusterlabel.labels.models import Label

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

#: Every text printed on a certificate, in both languages.
WORDING: dict[str, dict[str, str]] = {
    "de": {
        "title": "Zertifikat",
        "intro": "Hiermit wird bestätigt, dass",
        "holds": "das folgende Qualitätslabel für Clustermanagement-Organisationen trägt:",
        "number": "Zertifikatsnummer",
        "level": "Stufe",
        "scheme": "Labelverfahren",
        "version": "Version",
        "valid_from": "Gültig ab",
        "valid_until": "Gültig bis",
        "first_awarded": "Erstmals vergeben am",
        "authority": "Vergebende Stelle",
        "issued_on": "Ausstellungsdatum",
        "qr_heading": "Aktuellen Status prüfen",
        "qr_text": (
            "Scannen Sie den QR-Code oder öffnen Sie die Adresse, um zu prüfen, ob dieses "
            "Label heute gültig ist:"
        ),
        "generated": (
            "Dieses Dokument wurde am {today} erstellt. Maßgeblich ist der Status im "
            "öffentlichen Register."
        ),
        "status_revoked": "WIDERRUFEN",
        "text_revoked": "Dieses Label wurde am {date} widerrufen und ist nicht mehr gültig.",
        "status_suspended": "AUSGESETZT",
        "text_suspended": (
            "Dieses Label ist seit dem {date} ausgesetzt und während der Aussetzung nicht gültig."
        ),
        "status_expired": "ABGELAUFEN",
        "text_expired": "Dieses Label war bis zum {date} gültig und ist abgelaufen.",
        "status_not_yet_valid": "NOCH NICHT GÜLTIG",
        "text_not_yet_valid": "Dieses Label ist erst ab dem {date} gültig.",
    },
    "en": {
        "title": "Certificate",
        "intro": "This is to certify that",
        "holds": "holds the following quality label for cluster management organisations:",
        "number": "Certificate number",
        "level": "Level",
        "scheme": "Scheme",
        "version": "version",
        "valid_from": "Valid from",
        "valid_until": "Valid until",
        "first_awarded": "First awarded on",
        "authority": "Awarding authority",
        "issued_on": "Date of issue",
        "qr_heading": "Check the current status",
        "qr_text": (
            "Scan the QR code or open the address to check whether this label is valid today:"
        ),
        "generated": (
            "This document was generated on {today}. The status in the public register is "
            "authoritative."
        ),
        "status_revoked": "REVOKED",
        "text_revoked": "This label was revoked on {date} and is no longer valid.",
        "status_suspended": "SUSPENDED",
        "text_suspended": (
            "This label has been suspended since {date} and is not valid while suspended."
        ),
        "status_expired": "EXPIRED",
        "text_expired": "This label was valid until {date} and has expired.",
        "status_not_yet_valid": "NOT YET VALID",
        "text_not_yet_valid": "This label becomes valid on {date}.",
    },
}

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
ACCENT = colors.HexColor("#1d4e89")
RED = colors.HexColor("#b3261e")
AMBER = colors.HexColor("#8a5300")
STATUS_COLOURS = {
    LabelStatus.REVOKED: RED,
    LabelStatus.SUSPENDED: RED,
    LabelStatus.EXPIRED: AMBER,
    LabelStatus.NOT_YET_VALID: AMBER,
}


def certificate_language(requested: str | None) -> str:
    """``de`` or ``en``: the requested language if it is one of them, else German."""
    language = (requested or "")[:2].lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def certificate_qr_url(label: Label) -> str:
    """The address the certificate's QR code encodes: the label's public verification page."""
    return settings.SITE_URL + reverse("labels:verify", args=[label.certificate_number])


def certificate_qr(label: Label) -> segno.QRCode:
    """The QR code printed on the certificate (error correction M, so a worn print scans)."""
    return segno.make_qr(certificate_qr_url(label), error="m", boost_error=False)


def certificate_filename(label: Label) -> str:
    return f"{label.certificate_number}.pdf"


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    intro: ParagraphStyle
    name: ParagraphStyle
    cluster: ParagraphStyle
    label: ParagraphStyle
    key: ParagraphStyle
    value: ParagraphStyle
    small: ParagraphStyle
    banner_word: ParagraphStyle
    banner_text: ParagraphStyle


def _styles() -> _Styles:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=11, leading=14, textColor=INK)
    centred = ParagraphStyle("centred", parent=base, alignment=TA_CENTER)
    return _Styles(
        title=ParagraphStyle(
            "title",
            parent=centred,
            fontName="Helvetica-Bold",
            fontSize=30,
            leading=36,
            textColor=ACCENT,
            spaceAfter=6 * mm,
        ),
        intro=ParagraphStyle("intro", parent=centred, fontSize=12, leading=16, spaceAfter=3 * mm),
        name=ParagraphStyle(
            "name", parent=centred, fontName="Helvetica-Bold", fontSize=20, leading=25
        ),
        cluster=ParagraphStyle(
            "cluster", parent=centred, fontSize=13, leading=17, textColor=MUTED, spaceAfter=5 * mm
        ),
        label=ParagraphStyle(
            "label",
            parent=centred,
            fontName="Helvetica-Bold",
            fontSize=18,
            leading=23,
            textColor=ACCENT,
            spaceBefore=2 * mm,
            spaceAfter=6 * mm,
        ),
        key=ParagraphStyle("key", parent=base, textColor=MUTED),
        value=ParagraphStyle("value", parent=base, fontName="Helvetica-Bold"),
        small=ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=MUTED),
        banner_word=ParagraphStyle(
            "banner_word",
            parent=centred,
            fontName="Helvetica-Bold",
            fontSize=16,
            leading=20,
            textColor=colors.white,
        ),
        banner_text=ParagraphStyle(
            "banner_text", parent=centred, fontSize=11, leading=14, textColor=colors.white
        ),
    )


def _banner(label: Label, status: LabelStatus, words: dict[str, str], language: str, styles):
    """The coloured box that says why the label is not valid today, or ``None``."""
    if status is LabelStatus.VALID:
        return None
    if status in (LabelStatus.REVOKED, LabelStatus.SUSPENDED):
        changed = label.state_changed_at
        day = timezone.localdate(changed) if changed else timezone.localdate()
    elif status is LabelStatus.EXPIRED:
        day = label.valid_until
    else:
        day = label.valid_from
    text = words[f"text_{status.value}"].format(date=format_date(day, language))
    box = Table(
        [
            [Paragraph(pdf_text(words[f"status_{status.value}"]), styles.banner_word)],
            [Paragraph(pdf_text(text), styles.banner_text)],
        ],
        colWidths=[160 * mm],
    )
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), STATUS_COLOURS[status]),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return box


def _scheme_named(label: Label, words: dict[str, str], language: str) -> str:
    """The scheme's name, with the catalogue version the label was assessed under when it is
    known (not for a label imported from a register that does not say)."""
    name = label.scheme.name.get(language)
    if not label.catalogue_version:
        return name
    return f"{name}, {words['version']} {label.catalogue_version}"


def _facts(label: Label, words: dict[str, str], language: str, styles) -> Table:
    scheme = label.scheme
    rows = [
        (words["number"], label.certificate_number),
        (words["level"], label.level.name.get(language)),
        (words["scheme"], _scheme_named(label, words, language)),
        (words["valid_from"], format_date(label.valid_from, language)),
        (words["valid_until"], format_date(label.valid_until, language)),
    ]
    if label.first_awarded_on != label.awarded_on:
        rows.append((words["first_awarded"], format_date(label.first_awarded_on, language)))
    rows += [
        (words["authority"], scheme.awarding_authority.name),
        (words["issued_on"], format_date(label.awarded_on, language)),
    ]
    table = Table(
        [
            [Paragraph(pdf_text(key), styles.key), Paragraph(pdf_text(value), styles.value)]
            for key, value in rows
        ],
        colWidths=[50 * mm, 110 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, colors.HexColor("#d0d0d0")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _qr_block(label: Label, words: dict[str, str], styles) -> Table:
    buffer = BytesIO()
    certificate_qr(label).save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    image = Image(buffer, width=36 * mm, height=36 * mm)
    url = certificate_qr_url(label)
    text = [
        Paragraph(pdf_text(words["qr_heading"]), styles.value),
        Spacer(1, 1.5 * mm),
        Paragraph(pdf_text(words["qr_text"]), styles.small),
        Spacer(1, 1.5 * mm),
        Paragraph(f'<link href="{escape(url)}">{pdf_text(url)}</link>', styles.small),
    ]
    block = Table([[image, text]], colWidths=[42 * mm, 118 * mm])
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#d0d0d0")),
            ]
        )
    )
    return block


def _page_decoration(status: LabelStatus, words: dict[str, str]):
    """A frame around the page and, for a revoked or suspended label, a diagonal mark."""

    def draw(canvas, document) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(2)
        canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        canvas.setLineWidth(0.5)
        canvas.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
        if status in (LabelStatus.REVOKED, LabelStatus.SUSPENDED):
            canvas.setFillColor(STATUS_COLOURS[status])
            canvas.setFillAlpha(0.18)
            canvas.setFont("Helvetica-Bold", 72)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -24, words[f"status_{status.value}"])
        canvas.restoreState()

    return draw


def certificate_pdf_bytes(
    label: Label, *, language: str = DEFAULT_LANGUAGE, today: date | None = None
) -> bytes:
    """The certificate of ``label`` as PDF bytes, in ``language`` (``de`` or ``en``), marked
    with the label's status on ``today`` (default: the local date)."""
    language = certificate_language(language)
    today = today or timezone.localdate()
    words = WORDING[language]
    styles = _styles()
    status = label.status_on(today)
    scheme = label.scheme
    level_name = label.level.name.get(language)
    label_name = scheme.name.get(language)
    if level_name not in label_name:
        label_name = f"{label_name} \u2013 {level_name}"

    story = []
    banner = _banner(label, status, words, language, styles)
    if banner is not None:
        story += [banner, Spacer(1, 6 * mm)]
    story += [
        Paragraph(pdf_text(words["title"]), styles.title),
        Paragraph(pdf_text(words["intro"]), styles.intro),
        Paragraph(pdf_text(label.organisation.legal_name), styles.name),
        Paragraph(pdf_text(label.organisation.cluster_name), styles.cluster),
        Paragraph(pdf_text(words["holds"]), styles.intro),
        Paragraph(pdf_text(label_name), styles.label),
        _facts(label, words, language, styles),
        Spacer(1, 8 * mm),
        _qr_block(label, words, styles),
        Spacer(1, 6 * mm),
        Paragraph(
            pdf_text(words["generated"].format(today=format_date(today, language))),
            styles.small,
        ),
    ]

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=24 * mm,
        bottomMargin=20 * mm,
        title=f"{words['title']} {label.certificate_number}",
        author=scheme.awarding_authority.name,
        subject=f"{label_name}: {label.organisation.legal_name}",
        creator="clusterlabel",
        lang=language,
    )
    decoration = _page_decoration(status, words)
    # Always one page: very long names shrink the whole content a little instead of spilling.
    page = KeepInFrame(document.width, document.height, story, mode="shrink")
    document.build([page], onFirstPage=decoration, onLaterPages=decoration)
    return buffer.getvalue()


__all__ = [
    "WORDING",
    "certificate_filename",
    "certificate_language",
    "certificate_pdf_bytes",
    "certificate_qr",
    "certificate_qr_url",
]
