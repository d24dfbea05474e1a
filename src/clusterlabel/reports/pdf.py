"""The structured report as PDF, for the organisation: A4, in German or English, every text from
the translation catalogue (context ``report``, named placeholders), set in the embedded Unicode
font (DejaVu Sans), so umlauts and names in any Latin, Greek or Cyrillic letters print as
written."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from clusterlabel.core.pdf_text import format_date, register_unicode_fonts
from clusterlabel.core.pdf_text import unicode_text as pdf_text
from clusterlabel.labels.certificates.pdf import a4_document, catalogue_wording
from clusterlabel.reports.presenters import ReportView

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
ACCENT = colors.HexColor("#1d4e89")

MESSAGES: dict[str, Promise] = {
    "title": pgettext_lazy("report", "Assessment report"),
    "subject": pgettext_lazy("report", "%(organisation)s · %(scheme)s · %(reference)s"),
    "assessed_on": pgettext_lazy("report", "Assessed on %(date)s"),
    "decided_on": pgettext_lazy("report", "Decided on %(date)s"),
    "summary": pgettext_lazy("report", "Summary"),
    "strengths": pgettext_lazy("report", "Strengths"),
    "weaknesses": pgettext_lazy("report", "Weaknesses"),
    "recommendations": pgettext_lazy("report", "Recommendations"),
    "remarks": pgettext_lazy("report", "Remarks on the indicators"),
    "none": pgettext_lazy("report", "None noted."),
    "comparison": pgettext_lazy("report", "Compared with the previous assessment of %(date)s"),
    "category": pgettext_lazy("report", "Category"),
    "then": pgettext_lazy("report", "Then"),
    "now": pgettext_lazy("report", "Now"),
    "trend": pgettext_lazy("report", "Trend"),
    "overall": pgettext_lazy("report", "Overall"),
    "areas": pgettext_lazy("report", "Improvement areas"),
    "area_line": pgettext_lazy("report", "%(position)s. %(category)s: %(verdict)s"),
    "percent": pgettext_lazy("report", "%(percent)s %%"),
}


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_unicode_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13.5, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=18, leading=22, textColor=ACCENT
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=5 * mm
        ),
        "sub": ParagraphStyle("sub", parent=base, fontName=bold, spaceBefore=2 * mm),
        "item": ParagraphStyle(
            "item", parent=base, leftIndent=5 * mm, bulletIndent=1 * mm, bulletFontName=regular
        ),
    }


def _percent(value: Decimal | None, words: dict[str, str], language: str) -> str:
    if value is None:
        return "\u2013"
    number = f"{value.quantize(Decimal('0.1'))}"
    if language == "de":
        number = number.replace(".", ",")
    return words["percent"] % {"percent": number}


def _items(
    texts: tuple[str, ...] | list[str], styles: dict[str, ParagraphStyle], none: str
) -> list[Flowable]:
    if not texts:
        return [Paragraph(pdf_text(none), styles["small"])]
    return [Paragraph(pdf_text(text), styles["item"], bulletText="•") for text in texts]


def report_pdf_bytes(view: ReportView, *, language: str) -> bytes:
    """The report ``view`` (built in ``language`` by ``presenters.report_view``) as PDF."""
    words = catalogue_wording(MESSAGES, language)
    styles = _styles()
    procedure = view.procedure
    scheme_name = procedure.scheme.name.get(language)
    buffer = BytesIO()
    document = a4_document(
        buffer,
        title=f"{words['title']} {procedure.reference}",
        author=procedure.scheme.operator.name,
        subject=procedure.organisation.legal_name,
        language=language,
        margins_mm=(20, 20, 20, 22),
    )
    story: list[Flowable] = [
        Paragraph(pdf_text(words["title"]), styles["title"]),
        Spacer(1, 2 * mm),
        Paragraph(
            pdf_text(
                words["subject"]
                % {
                    "organisation": procedure.organisation.legal_name,
                    "scheme": scheme_name,
                    "reference": procedure.reference,
                }
            ),
            styles["sub"],
        ),
    ]
    if procedure.assessment_date:
        story.append(
            Paragraph(
                pdf_text(
                    words["assessed_on"]
                    % {"date": format_date(procedure.assessment_date, language)}
                ),
                styles["small"],
            )
        )
    if procedure.decided_at:
        decided = format_date(timezone.localdate(procedure.decided_at), language)
        story.append(Paragraph(pdf_text(words["decided_on"] % {"date": decided}), styles["small"]))
    if view.summary:
        story += [Paragraph(pdf_text(words["summary"]), styles["heading"])]
        story += [
            Paragraph(pdf_text(p), styles["base"]) for p in view.summary.split("\n") if p.strip()
        ]
    with translation.override(language):
        for section in view.sections:
            story.append(Paragraph(pdf_text(section.name), styles["heading"]))
            if section.comparison is not None:
                then = _percent(section.comparison.then, words, language)
                now = _percent(section.comparison.now, words, language)
                story.append(
                    Paragraph(
                        pdf_text(
                            " · ".join(
                                (
                                    f"{words['then']}: {then}",
                                    f"{words['now']}: {now}",
                                    str(section.trend_word),
                                )
                            )
                        ),
                        styles["small"],
                    )
                )
            for kind in ("strengths", "weaknesses", "recommendations"):
                story.append(Paragraph(pdf_text(words[kind]), styles["sub"]))
                story += _items(section.findings.of(kind), styles, words["none"])
            if section.remarks:
                story.append(Paragraph(pdf_text(words["remarks"]), styles["sub"]))
                story += _items(
                    [f"{r.indicator_id} {r.indicator}: {r.text}" for r in section.remarks],
                    styles,
                    words["none"],
                )
        if view.has_previous and view.previous_date is not None:
            story.append(
                Paragraph(
                    pdf_text(
                        words["comparison"] % {"date": format_date(view.previous_date, language)}
                    ),
                    styles["heading"],
                )
            )
            rows = [[words["category"], words["then"], words["now"], words["trend"]]]
            rows += [
                [
                    section.name,
                    _percent(section.comparison.then, words, language),
                    _percent(section.comparison.now, words, language),
                    str(section.trend_word),
                ]
                for section in view.sections
                if section.comparison is not None
            ]
            rows.append(
                [
                    words["overall"],
                    _percent(view.overall_then, words, language),
                    _percent(view.overall_now, words, language),
                    "",
                ]
            )
            table = Table(
                [[Paragraph(pdf_text(str(cell)), styles["base"]) for cell in row] for row in rows],
                colWidths=[80 * mm, 25 * mm, 25 * mm, 35 * mm],
            )
            table.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        if view.areas:
            story.append(Paragraph(pdf_text(words["areas"]), styles["heading"]))
            for area in view.areas:
                story.append(
                    Paragraph(
                        pdf_text(
                            words["area_line"]
                            % {
                                "position": area.position,
                                "category": area.category,
                                "verdict": str(area.verdict_word),
                            }
                        ),
                        styles["sub"],
                    )
                )
                story.append(Paragraph(pdf_text(area.description), styles["base"]))
                if area.comment:
                    story.append(Paragraph(pdf_text(area.comment), styles["small"]))
    document.build(story)
    return buffer.getvalue()
