"""Text for PDFs set in reportlab's built-in Helvetica (WinAnsi, no font files): letters it
cannot print reduced to their base letter, markup escaped for a ``Paragraph``, and long dates
in German or English. Shared by the certificate and the benchmark report; a leaf module (no
app imports)."""

from __future__ import annotations

import unicodedata
from datetime import date
from xml.sax.saxutils import escape

from django.utils import formats, translation

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
