"""The benchmark report PDF's look: colours, page margins, paragraph styles, and text made
printable in Helvetica/WinAnsi for the canvas and drawings."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import unescape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from clusterlabel.core.pdf_text import pdf_text

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#c8c8c8")
ACCENT = colors.HexColor("#1d4e89")
HEAD_FILL = colors.HexColor("#e8eef6")
SUBTLE_FILL = colors.HexColor("#f4f4f4")
BOX_FILL = colors.HexColor("#9fbbe0")
OWN = colors.HexColor("#d9480f")
AMBER_FILL = colors.HexColor("#fff4e0")
AMBER_LINE = colors.HexColor("#b86e00")
RED_FILL = colors.HexColor("#fdecea")
RED_LINE = colors.HexColor("#b3261e")
VIOLET_FILL = colors.HexColor("#f1ebfa")
VIOLET_LINE = colors.HexColor("#6a3fb5")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 18 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN_X
BOLD = "Helvetica-Bold"


def plain(text: str) -> str:
    """``text`` printable in Helvetica/WinAnsi, unescaped: for canvas and drawing strings."""
    return unescape(pdf_text(text))


def _style(parent: ParagraphStyle, **options: Any) -> ParagraphStyle:
    return ParagraphStyle("style", parent=parent, **options)


class Style:
    """The paragraph styles (the same in every language)."""

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, textColor=INK)
    title = _style(body, fontName=BOLD, fontSize=22, leading=27, textColor=ACCENT, spaceAfter=12)
    organisation = _style(body, fontName=BOLD, fontSize=15, leading=19)
    legal_name = _style(body, fontSize=11, leading=14, textColor=MUTED, spaceAfter=12)
    h2 = _style(body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=11, spaceAfter=4)
    h1 = _style(h2, fontSize=14, leading=18, textColor=ACCENT, spaceBefore=17, spaceAfter=5)
    small = _style(body, fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=2)
    key = _style(body, fontSize=9.5, leading=12, textColor=MUTED)
    value = _style(body, fontSize=9.5, leading=12)
    cell = _style(body, fontSize=8, leading=10)
    bold = _style(cell, fontName=BOLD)
    muted = _style(cell, textColor=MUTED)
    help = _style(muted, fontSize=7.5, leading=9.5)
    key_row = _style(cell, fontSize=7, leading=8.5, textColor=MUTED)
    head = _style(cell, fontName=BOLD, fontSize=7.5, leading=9)


PADDING = 3


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with "..." until it fits ``width`` (a very long cluster name)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "...", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "..."
