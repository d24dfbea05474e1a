"""Text for PDFs: set in reportlab's built-in Helvetica (WinAnsi, no font files), letters it
cannot print reduced to their base letter (``pdf_text``); or set in an embedded Unicode font,
DejaVu Sans from matplotlib's data, where every letter prints (``register_unicode_fonts``,
``unicode_text``: the certificate and the decision letter, which print names in Greek,
Cyrillic, Polish or Turkish). Markup escaped for a ``Paragraph``, and long dates in German or
English. Shared by the certificates and the benchmark report; a leaf module (no app imports)."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from django.utils import formats, translation
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: Long date formats (Django format strings; month names come from Django's own catalogue).
DATE_FORMATS = {"de": "j. F Y", "en": "j F Y"}

# Letters without a decomposition that WinAnsi lacks, mapped to what a reader expects.
_TRANSLITERATION = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "\u0131": "i", "ŀ": "l", "Ŀ": "L"}
)


def format_date(day: date, language: str) -> str:
    """A long date in ``language``: "31. Dezember 2027" / "31 December 2027"."""
    with translation.override(language):
        return formats.date_format(day, DATE_FORMATS[language])


def pdf_text(text: str) -> str:
    """``text`` reduced to what Helvetica in WinAnsi can print, escaped for a Paragraph."""
    printable = []
    for char in text.translate(_TRANSLITERATION):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            try:
                base.encode("cp1252")
            except UnicodeEncodeError:
                base = "?"
            char = base or "?"
        printable.append(char)
    return escape("".join(printable))


# --- an embedded Unicode font ------------------------------------------------------------------

#: The names a ``ParagraphStyle`` uses for the embedded Unicode font (regular and bold).
UNICODE_FONT = "DejaVuSans"
UNICODE_FONT_BOLD = "DejaVuSans-Bold"


def unicode_font_files() -> dict[str, Path]:
    """The TrueType files of the Unicode font: DejaVu Sans as matplotlib (a dependency) ships
    it. It covers Latin with all its accents (ł ğ ő), Greek and Cyrillic."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {
        UNICODE_FONT: folder / "DejaVuSans.ttf",
        UNICODE_FONT_BOLD: folder / "DejaVuSans-Bold.ttf",
    }


@cache
def register_unicode_fonts() -> tuple[str, str]:
    """Register the Unicode font with reportlab (once per process) and return the names of its
    regular and bold faces. reportlab embeds the subset of glyphs a document uses, so a name
    in any of the font's scripts prints as written, not as ``?``."""
    files = unicode_font_files()
    for name, path in files.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        UNICODE_FONT,
        normal=UNICODE_FONT,
        bold=UNICODE_FONT_BOLD,
        italic=UNICODE_FONT,
        boldItalic=UNICODE_FONT_BOLD,
    )
    return UNICODE_FONT, UNICODE_FONT_BOLD


def unicode_text(text: str) -> str:
    """``text`` escaped for a ``Paragraph`` set in the Unicode font: every letter kept."""
    return escape(text)
