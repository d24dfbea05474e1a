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
* The wording comes from the translation catalogue (``MESSAGES``, context ``certificate``, named
  placeholders), in the organisation's or visitor's language. A certificate is a formal
  document that must never come out half translated: a test fails when the German catalogue
  lacks one of its messages.
* Every name prints as written, in Greek, Cyrillic, Polish or Turkish as well: the text is set
  in DejaVu Sans (an embedded TrueType subset, the font matplotlib ships), not in the built-in
  Helvetica, which has no such letters. Every font on the page is embedded.
* The organisation's name is printed once when its legal and cluster names are the same
  (compared folded); the labels recognised from the same procedure are named (a state label's
  certificate names the ECEI Gold it includes, and the Gold's the state label it comes with).
* An operator's logo and signature block come from ``settings.CERTIFICATE_OPERATORS``.
* PDF/A: reportlab's open-source edition writes no PDF/A (no XMP metadata or output intent;
  that is ReportLab PLUS). What PDF/A needs and reportlab allows is done: all fonts embedded,
  title, author, subject and language set, nothing loaded from the network. The diagonal mark
  of a revoked label uses transparency, which PDF/A-1 (not PDF/A-2) forbids.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from clusterlabel.core.pdf_text import format_date, register_unicode_fonts
from clusterlabel.core.pdf_text import unicode_text as pdf_text
from clusterlabel.core.text import search_key
from clusterlabel.domain.labels import LabelStatus
from clusterlabel.labels.models import Label

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

#: Every text printed on a certificate, from the translation catalogue (named placeholders).
MESSAGES: dict[str, Promise] = {
    "title": pgettext_lazy("certificate", "Certificate"),
    "intro": pgettext_lazy("certificate", "This is to certify that"),
    "holds": pgettext_lazy(
        "certificate", "holds the following quality label for cluster management organisations:"
    ),
    "number": pgettext_lazy("certificate", "Certificate number"),
    "level": pgettext_lazy("certificate", "Level"),
    "scheme": pgettext_lazy("certificate", "Scheme"),
    "version": pgettext_lazy("certificate", "version"),
    "valid_from": pgettext_lazy("certificate", "Valid from"),
    "valid_until": pgettext_lazy("certificate", "Valid until"),
    "first_awarded": pgettext_lazy("certificate", "First awarded on"),
    "authority": pgettext_lazy("certificate", "Awarding authority"),
    "issued_on": pgettext_lazy("certificate", "Date of issue"),
    "recognised": pgettext_lazy("certificate", "Includes"),
    "recognised_with": pgettext_lazy("certificate", "Recognised with"),
    "recognised_label": pgettext_lazy("certificate", "%(label)s, certificate number %(number)s"),
    "qr_heading": pgettext_lazy("certificate", "Check the current status"),
    "qr_text": pgettext_lazy(
        "certificate",
        "Scan the QR code or open the address to check whether this label is valid today:",
    ),
    "generated": pgettext_lazy(
        "certificate",
        "This document was generated on %(today)s. The status in the public register is "
        "authoritative.",
    ),
    "status_revoked": pgettext_lazy("certificate", "REVOKED"),
    "text_revoked": pgettext_lazy(
        "certificate", "This label was revoked on %(date)s and is no longer valid."
    ),
    "status_suspended": pgettext_lazy("certificate", "SUSPENDED"),
    "text_suspended": pgettext_lazy(
        "certificate",
        "This label has been suspended since %(date)s and is not valid while suspended.",
    ),
    "status_expired": pgettext_lazy("certificate", "EXPIRED"),
    "text_expired": pgettext_lazy(
        "certificate", "This label was valid until %(date)s and has expired."
    ),
    "status_not_yet_valid": pgettext_lazy("certificate", "NOT YET VALID"),
    "text_not_yet_valid": pgettext_lazy("certificate", "This label becomes valid on %(date)s."),
}


def a4_document(
    buffer: BytesIO,
    *,
    title: str,
    author: str,
    subject: str,
    language: str,
    margins_mm: tuple[float, float, float, float],
) -> SimpleDocTemplate:
    """An A4 page layout for a formal document (certificate, decision letter): its metadata
    (title, author, subject, language) set and the Unicode font as the page's initial font, so
    reportlab's default Helvetica is never named on the page as a font that is not embedded.
    ``margins_mm``: top, right, bottom, left."""
    top, right, bottom, left = margins_mm
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=left * mm,
        rightMargin=right * mm,
        topMargin=top * mm,
        bottomMargin=bottom * mm,
        title=title,
        author=author,
        subject=subject,
        creator="clusterlabel",
        lang=language,
        initialFontName=register_unicode_fonts()[0],
    )


def catalogue_wording(messages: Mapping[str, Promise], language: str) -> dict[str, str]:
    """``messages`` in ``language``, from the translation catalogue."""
    with translation.override(language):
        return {key: str(message) for key, message in messages.items()}


def certificate_wording(language: str) -> dict[str, str]:
    """Every text of a certificate in ``language`` (``de`` or ``en``), from the catalogue."""
    return catalogue_wording(MESSAGES, language)


class _Wording(Mapping[str, dict[str, str]]):
    """``WORDING["de"]``: the certificate's texts in a language, read when asked for."""

    def __getitem__(self, language: str) -> dict[str, str]:
        if language not in LANGUAGES:
            raise KeyError(language)
        return certificate_wording(language)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


WORDING: Mapping[str, dict[str, str]] = _Wording()

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
    regular, bold = register_unicode_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=11, leading=14, textColor=INK)
    centred = ParagraphStyle("centred", parent=base, alignment=TA_CENTER)
    return _Styles(
        title=ParagraphStyle(
            "title",
            parent=centred,
            fontName=bold,
            fontSize=30,
            leading=36,
            textColor=ACCENT,
            spaceAfter=6 * mm,
        ),
        intro=ParagraphStyle("intro", parent=centred, fontSize=12, leading=16, spaceAfter=3 * mm),
        name=ParagraphStyle("name", parent=centred, fontName=bold, fontSize=20, leading=25),
        cluster=ParagraphStyle(
            "cluster", parent=centred, fontSize=13, leading=17, textColor=MUTED, spaceAfter=5 * mm
        ),
        label=ParagraphStyle(
            "label",
            parent=centred,
            fontName=bold,
            fontSize=18,
            leading=23,
            textColor=ACCENT,
            spaceBefore=2 * mm,
            spaceAfter=6 * mm,
        ),
        key=ParagraphStyle("key", parent=base, textColor=MUTED),
        value=ParagraphStyle("value", parent=base, fontName=bold),
        small=ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=MUTED),
        banner_word=ParagraphStyle(
            "banner_word",
            parent=centred,
            fontName=bold,
            fontSize=16,
            leading=20,
            textColor=colors.white,
        ),
        banner_text=ParagraphStyle(
            "banner_text", parent=centred, fontSize=11, leading=14, textColor=colors.white
        ),
    )


def _table_style(commands: list) -> TableStyle:
    """A table style whose cells are set in the embedded font (a table's default, Helvetica,
    would otherwise be named on the page even where no cell holds plain text)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), register_unicode_fonts()[0]), *commands])


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
    text = words[f"text_{status.value}"] % {"date": format_date(day, language)}
    box = Table(
        [
            [Paragraph(pdf_text(words[f"status_{status.value}"]), styles.banner_word)],
            [Paragraph(pdf_text(text), styles.banner_text)],
        ],
        colWidths=[160 * mm],
    )
    box.setStyle(
        _table_style(
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


def certificate_label_name(label: Label, language: str) -> str:
    """The label as a certificate names it: the scheme and, unless its name says it, the level
    ("European Cluster Excellence Label \u2013 Gold")."""
    level_name = label.level.name.get(language)
    label_name = label.scheme.name.get(language)
    if level_name not in label_name:
        label_name = f"{label_name} \u2013 {level_name}"
    return label_name


def printed_names(label: Label) -> list[str]:
    """The organisation's legal name and the cluster's name, the latter left out when the two
    are the same name (compared folded: case, accents, spaces and punctuation aside)."""
    organisation = label.organisation
    cluster = organisation.cluster_name or ""
    if cluster.strip() and search_key(cluster) != search_key(organisation.legal_name):
        return [organisation.legal_name, cluster]
    return [organisation.legal_name]


def _names(label: Label, styles) -> list:
    legal, *cluster = printed_names(label)
    flowables: list[Flowable] = [Paragraph(pdf_text(legal), styles.name)]
    if cluster:
        flowables.append(Paragraph(pdf_text(cluster[0]), styles.cluster))
    else:
        flowables.append(Spacer(1, 5 * mm))
    return flowables


def recognised_labels(label: Label) -> list[tuple[str, Label]]:
    """The labels recognised from the same procedure, each with how it relates to ``label``:
    ``recognised`` for those ``label`` includes (a state label's ECEI Gold), ``recognised_with``
    for the label ``label`` was recognised with. Revoked ones are left out."""
    related: list[tuple[str, Label]] = []
    if label.recognised_with_id is not None and label.recognised_with is not None:
        related.append(("recognised_with", label.recognised_with))
    for other in label.recognitions.exclude(state="revoked").select_related("scheme_version"):
        related.append(("recognised", other))
    return related


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
    for relation, other in recognised_labels(label):
        named = words["recognised_label"] % {
            "label": certificate_label_name(other, language),
            "number": other.certificate_number,
        }
        rows.append((words[relation], named))
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
        _table_style(
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
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#d0d0d0")),
            ]
        )
    )
    return block


@dataclass(frozen=True)
class OperatorBranding:
    """What an operator's certificates carry besides the facts: its logo and who signs."""

    logo: Path | None = None
    signatory: str = ""
    signatory_role: dict[str, str] | None = None
    signature: Path | None = None


def operator_branding(label: Label) -> OperatorBranding:
    """The branding of the operator that runs ``label``'s scheme, from
    ``settings.CERTIFICATE_OPERATORS`` (the environment variable of that name, JSON; keyed by
    the operator's key, as in the scheme file:
    ``{"eucles": {"logo": "/srv/eucles.png", "signatory": "Dr. A. Muster", "signatory_role":
    {"de": "Vorsitz", "en": "Chair"}, "signature": "/srv/signature.png"}}``). An operator
    without an entry gets none: the certificate then has no logo and no signature block."""
    entry = settings.CERTIFICATE_OPERATORS.get(label.scheme.operator.key) or {}
    logo, signature = entry.get("logo"), entry.get("signature")
    return OperatorBranding(
        logo=Path(logo) if logo else None,
        signatory=entry.get("signatory", ""),
        signatory_role=entry.get("signatory_role") or None,
        signature=Path(signature) if signature else None,
    )


def _image(path: Path, *, height: float) -> Image:
    """An image scaled to ``height``, its proportions kept."""
    reader = ImageReader(str(path))
    width_px, height_px = reader.getSize()
    return Image(str(path), width=height * width_px / height_px, height=height)


def operator_logo(branding: OperatorBranding) -> Image | None:
    if branding.logo is None:
        return None
    logo = _image(branding.logo, height=16 * mm)
    logo.hAlign = "RIGHT"
    return logo


def signature_block(branding: OperatorBranding, language: str, styles) -> list:
    """The signature block (signature image, name, role), or nothing if the operator has none."""
    if not branding.signatory and branding.signature is None:
        return []
    cell: list = []
    if branding.signature is not None:
        cell.append(_image(branding.signature, height=14 * mm))
    if branding.signatory:
        cell.append(Paragraph(pdf_text(branding.signatory), styles.value))
    role = (branding.signatory_role or {}).get(language, "")
    if role:
        cell.append(Paragraph(pdf_text(role), styles.small))
    block = Table([["", cell]], colWidths=[90 * mm, 70 * mm])
    block.setStyle(_table_style([("LINEABOVE", (1, 0), (1, 0), 0.6, MUTED)]))
    return [block, Spacer(1, 6 * mm)]


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
            canvas.setFont(register_unicode_fonts()[1], 72)
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
    label_name = certificate_label_name(label, language)
    branding = operator_branding(label)

    story: list = []
    logo = operator_logo(branding)
    if logo is not None:
        story += [logo, Spacer(1, 3 * mm)]
    banner = _banner(label, status, words, language, styles)
    if banner is not None:
        story += [banner, Spacer(1, 6 * mm)]
    story += [
        Paragraph(pdf_text(words["title"]), styles.title),
        Paragraph(pdf_text(words["intro"]), styles.intro),
        *_names(label, styles),
        Paragraph(pdf_text(words["holds"]), styles.intro),
        Paragraph(pdf_text(label_name), styles.label),
        _facts(label, words, language, styles),
        Spacer(1, 6 * mm),
        *signature_block(branding, language, styles),
        _qr_block(label, words, styles),
        Spacer(1, 6 * mm),
        Paragraph(
            pdf_text(words["generated"] % {"today": format_date(today, language)}),
            styles.small,
        ),
    ]

    buffer = BytesIO()
    document = a4_document(
        buffer,
        title=f"{words['title']} {label.certificate_number}",
        author=scheme.awarding_authority.name,
        subject=f"{label_name}: {label.organisation.legal_name}",
        language=language,
        margins_mm=(24, 25, 20, 25),
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
