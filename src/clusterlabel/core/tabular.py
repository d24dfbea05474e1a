"""Reading an operator's table (a CSV export of a spreadsheet), as the importers of label
holders and of historical assessments both do: the encoding, the delimiter, the records with
their line, the cells that mean "empty", and dates as lists write them. A leaf module (no app
imports); what the columns mean is each importer's own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _

from clusterlabel.domain.dates import last_day_of_month

EMPTY_CELLS = {"", "-", "\u2013", "\u2014", "n/a", "k.a.", "k. a."}  # dashes: en, em


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, no header, missing columns)."""


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: the one given, else UTF-8, else Windows-1252/Latin-1."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError as exc:
            raise ImportFileError(_("Unknown encoding %(name)s.") % {"name": encoding}) from exc
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file is not in the encoding %(name)s (byte %(position)s).")
                % {"name": encoding, "position": exc.start}
            ) from exc
    for candidate in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(candidate), "utf-8" if candidate == "utf-8-sig" else candidate
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def guess_delimiter(text: str) -> str:
    """The delimiter the header line uses most: ``;``, ``,``, tab or ``|``."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The non-empty records of a CSV text as ``(first physical line, stripped cells)``.
    Raises ``ImportFileError`` naming the line where the text stops being CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last_line = 0
    try:
        for record in reader:
            line, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in record]
            if any(cells):
                yield line, cells
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV: %(reason)s")
            % {"line": reader.line_num, "reason": exc}
        ) from exc


# Each pattern with the order of its groups: y(ear), m(onth), d(ay).
_DatePatterns = tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
_DAY_PATTERNS: _DatePatterns = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})"), ("d", "m", "y")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("d", "m", "y")),
)
_MONTH_PATTERNS: _DatePatterns = (
    (re.compile(r"(\d{1,2})\s*[/.]\s*(\d{4})"), ("m", "y")),
    (re.compile(r"(\d{4})-(\d{1,2})"), ("y", "m")),
)


def parse_date(text: str) -> date | None:
    """A day, or the last day of a month given alone; ``None`` if it is not a date."""
    text = text.strip()
    for pattern, order in _DAY_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            year = parts["y"] + 2000 if parts["y"] < 100 else parts["y"]
            try:
                return date(year, parts["m"], parts["d"])
            except ValueError:
                return None
    for pattern, order in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            if 1 <= parts["m"] <= 12 and parts["y"] >= 1900:
                return last_day_of_month(date(parts["y"], parts["m"], 1))
            return None
    return None
