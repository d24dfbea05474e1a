"""Reading an operator's table (a CSV export of a spreadsheet), as the importers of label
holders and of historical assessments both do: the encoding (UTF-8 with or without BOM, UTF-16
as Excel's "Unicode text", Windows-1252), Excel's ``sep=`` line, the delimiter, title rows above
the header, the records with their line, the cells that mean "empty", and dates as lists write
them. A leaf module (no app imports); what the columns mean is each importer's own.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Literal

from django.utils.translation import gettext as _

from clusterlabel.core.spreadsheet import restored_cell
from clusterlabel.core.text import fold
from clusterlabel.domain.dates import last_day_of_month

EMPTY_CELLS = {"", "-", "\u2013", "\u2014", "n/a", "k.a.", "k. a."}  # dashes: en, em
DELIMITERS = (";", ",", "\t", "|")
HEADER_SEARCH_ROWS = 10  # the header is looked for among this many non-empty records


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, no header, missing columns)."""


# --- the text --------------------------------------------------------------------------------

# Files that are not text at all, by their first bytes: what they are and what to do.
_NOT_TEXT: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "workbook"),  # xlsx, ods (zip)
    (b"\xd0\xcf\x11\xe0", "workbook"),  # xls (OLE)
    (b"%PDF", "pdf"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte of the start is NUL (text in UTF-16
    without its byte-order mark), else ``None``."""
    sample = data[:400]
    if len(sample) < 4 or sample.count(0) < len(sample) // 3:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd > 0.8 * len(sample[1::2]) and even < odd:
        return "utf-16-le"
    if even > 0.8 * len(sample[0::2]) and odd < even:
        return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: the one given, else UTF-16 when the file starts with
    its byte-order mark (Excel's "Unicode text"), else UTF-8 (with or without BOM), else
    Windows-1252/Latin-1. A workbook or PDF is refused with what to do instead."""
    for signature, kind in _NOT_TEXT:
        if data.startswith(signature):
            if kind == "pdf":
                raise ImportFileError(_("This is a PDF file, not a table: export the list as CSV."))
            raise ImportFileError(
                _(
                    "This is a spreadsheet workbook (.xlsx, .xls or .ods), not a CSV file: "
                    "save it as “CSV UTF-8” or “Unicode text” and upload that."
                )
            )
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
    utf16 = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = "utf-16"
    else:
        utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16).lstrip("\ufeff"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file looks like UTF-16 but byte %(position)s is not.")
                % {"position": exc.start}
            ) from exc
    for candidate in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(candidate), "utf-8" if candidate == "utf-8-sig" else candidate
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


_SEP_LINE = re.compile(r'"?sep=(.)"?[ \t]*(?=\r?\n|$)', re.IGNORECASE)


def excel_separator(text: str) -> tuple[str, str | None]:
    """Excel's first line ``sep=;`` (it names the delimiter): the text with that line left
    empty (so every line keeps its number) and the delimiter it names, else ``(text, None)``."""
    match = _SEP_LINE.match(text)
    if not match:
        return text, None
    return text[match.end() :], match[1]


def guess_delimiter(text: str) -> str:
    """The delimiter the first non-empty line uses most: ``;``, ``,``, tab or ``|``."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
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
            # An apostrophe our own exports put before a formula-like cell is taken off.
            cells = [restored_cell(cell.strip()) for cell in record]
            if any(cells):
                yield line, cells
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV: %(reason)s")
            % {"line": reader.line_num, "reason": exc}
        ) from exc


@dataclass
class Table:
    """A table found in a text: its delimiter, its header row (``header_line``, the header's
    cells) and the records below it. ``title_lines`` are the non-empty lines above the
    header (a title, a date of the export), which are not data."""

    delimiter: str
    header_line: int
    header: list[str]
    records: list[tuple[int, list[str]]]
    title_lines: list[int] = field(default_factory=list)
    separator_line: bool = False  # Excel's ``sep=`` line named the delimiter


def read_table(text: str, *, delimiter: str | None, is_column: Callable[[str], bool]) -> Table:
    """The table in ``text``: the delimiter given, else the one Excel's ``sep=`` line names,
    else the one under which a header row is found; the header is the record among the first
    ``HEADER_SEARCH_ROWS`` with the most cells ``is_column`` knows (the first record when no
    cell is known, so the importer names what is missing). Raises ``ImportFileError`` for an
    empty file or text that is not CSV."""
    text, named = excel_separator(text)
    fixed = delimiter or named
    candidates = [fixed] if fixed else list(DELIMITERS)
    best: tuple[int, str, int] | None = None  # (known cells, delimiter, header's index)
    for candidate in candidates:
        try:
            head = list(islice(csv_records(text, candidate), HEADER_SEARCH_ROWS))
        except ImportFileError:
            continue
        for index, (_line, cells) in enumerate(head):
            known = sum(1 for cell in cells if cell and is_column(cell))
            if known and (best is None or known > best[0]):
                best = (known, candidate, index)
    if best is None:
        chosen, header_index = candidates[0] if len(candidates) == 1 else guess_delimiter(text), 0
    else:
        _known, chosen, header_index = best
    records = list(csv_records(text, chosen))
    if not records:
        raise ImportFileError(_("The file is empty."))
    header_line, header = records[header_index]
    return Table(
        delimiter=chosen,
        header_line=header_line,
        header=header,
        records=records[header_index + 1 :],
        title_lines=[line for line, _cells in records[:header_index]],
        separator_line=named is not None,
    )


# --- dates -----------------------------------------------------------------------------------


class DateError(ValueError):
    """A cell that is not one day (or month): the message says why and what to write."""


MonthAs = Literal["first", "last"]

# Month names and their usual abbreviations in the four languages the lists are written in,
# folded (``März`` -> ``marz``); a word names a month when it is one of these or starts one
# with at least three letters and fits no other month.
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "januar", "janvier", "enero", "jan", "janv", "ene", "jänner", "jaenner"),
    ("february", "februar", "fevrier", "febrero", "feb", "fev", "fevr", "feber"),
    ("march", "marz", "mars", "marzo", "mar", "mrz"),
    ("april", "avril", "abril", "apr", "avr", "abr"),
    ("may", "mai", "mayo"),
    ("june", "juni", "juin", "junio", "jun"),
    ("july", "juli", "juillet", "julio", "jul", "juil"),
    ("august", "aout", "agosto", "aug", "ago"),
    ("september", "septembre", "septiembre", "setiembre", "sep", "sept"),
    ("october", "oktober", "octobre", "octubre", "oct", "okt"),
    ("november", "novembre", "noviembre", "nov"),
    ("december", "dezember", "decembre", "diciembre", "dec", "dez", "dic"),
)
_FILLER_WORDS = {"de", "del", "le", "the", "of", "st", "nd", "rd", "th", "er", "o"}
_TIME = re.compile(
    r"(?:[ T]+|\s*,\s*)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
)
_NUMERIC = re.compile(r"(\d{1,4})\s*([./-])\s*(\d{1,4})(?:\s*\2\s*(\d{1,4}))?\.?")


def _month_of(word: str) -> int | None:
    word = fold(word).replace("ae", "a")
    found = {
        number
        for number, names in enumerate(_MONTH_NAMES, start=1)
        for name in names
        if word == fold(name) or (len(word) >= 3 and fold(name).startswith(word))
    }
    return found.pop() if len(found) == 1 else None


def _day(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            _("“%(text)s” is no day of the calendar (month %(month)s of %(year)s).")
            % {"text": text, "month": month, "year": year}
        ) from None


def _month(text: str, year: int, month: int, month_as: MonthAs) -> date:
    if not 1 <= month <= 12 or year < 1900:
        raise DateError(_("“%(text)s” is not a month.") % {"text": text})
    first = date(year, month, 1)
    return first if month_as == "first" else last_day_of_month(first)


def _numeric(text: str, match: re.Match[str], month_as: MonthAs) -> date:
    first, separator, second, third = match[1], match[2], match[3], match[4]
    if third is None:  # a month: 09.2019, 09/2019, 2019-09, 2019/09
        if len(first) == 4 and len(second) <= 2:
            return _month(text, int(first), int(second), month_as)
        if len(first) <= 2 and len(second) == 4:
            return _month(text, int(second), int(first), month_as)
        if len(first) > 2 or len(second) > 2:
            raise DateError(_("“%(text)s” is not a date.") % {"text": text})
        raise DateError(
            _("“%(text)s” is not a month: write the year with four digits (09.2019).")
            % {"text": text}
        )
    if len(first) == 4 and len(second) <= 2 and len(third) <= 2:  # 2015/04/30, 2015-04-30
        return _day(text, int(first), int(second), int(third))
    if len(first) > 2 or len(second) > 2 or len(third) not in (2, 4):
        raise DateError(_("“%(text)s” is not a date.") % {"text": text})
    year = int(third) + 2000 if len(third) == 2 else int(third)
    a, b = int(first), int(second)
    if separator == ".":  # the German and French order, always day first
        return _day(text, year, b, a)
    if len(third) == 2:
        raise DateError(
            _("“%(text)s”: write the year with four digits (30/09/2019).") % {"text": text}
        )
    if a > 12 or a == b:
        return _day(text, year, b, a)
    if b > 12:  # the American order, month first: only when the day shows it
        return _day(text, year, a, b)
    raise DateError(
        _(
            "“%(text)s” could be %(day_first)s (day first) or %(month_first)s (month first); "
            "write it as year-month-day (2019-09-30) or day.month.year (30.09.2019)."
        )
        % {
            "text": text,
            "day_first": _day(text, year, b, a).isoformat(),
            "month_first": _day(text, year, a, b).isoformat(),
        }
    )


def _named(text: str, month_as: MonthAs) -> date | None:
    """``30 April 2015``, ``30. April 2015``, ``April 30, 2015``, ``30-Apr-2015``, ``30 de
    abril de 2015``, ``April 2015``; ``None`` if the text names no month."""
    tokens = re.findall(r"[^\W\d_]+|\d+", text)
    words = [t for t in tokens if not t.isdigit() and fold(t) not in _FILLER_WORDS]
    numbers = [t for t in tokens if t.isdigit()]
    if len(words) != 1:
        return None
    month = _month_of(words[0])
    if month is None:
        return None
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) > 1 or len(numbers) != len(years) + len(days):
        raise DateError(_("“%(text)s” is not a date.") % {"text": text})
    if not days:
        return _month(text, int(years[0]), month, month_as)
    return _day(text, int(years[0]), month, int(days[0]))


def read_date(text: str, *, month_as: MonthAs = "last") -> date:
    """The day a cell names. A day in any unambiguous form: ``2019-09-30``, ``2019/09/30``,
    ``30.09.2019`` (``30.09.19``), ``30/09/2019`` or ``09/30/2019`` when the day shows the
    order, month names in English, German, French or Spanish (``30 April 2015``), with a time
    of day after it (Excel's ``02.07.2017 00:00``) ignored. A month alone (``09.2019``,
    ``09/2019``, ``2019-09``, ``Sept. 2019``) is its first or last day (``month_as``: a
    validity starts on the first and ends on the last). Raises ``DateError`` saying why not
    and what to write, e.g. for ``02/07/2017`` (2 July or 7 February?)."""
    text = " ".join(text.split())
    plain = _TIME.sub("", text, count=1) if _TIME.search(text) else text
    plain = plain.strip()
    if not plain:
        raise DateError(_("No date."))
    match = _NUMERIC.fullmatch(plain)
    if match:
        return _numeric(text, match, month_as)
    if re.fullmatch(r"\d{4}", plain):
        raise DateError(
            _("“%(text)s” is a year; give the day (30.09.2019) or the month (09.2019).")
            % {"text": text}
        )
    named = _named(plain, month_as)
    if named is None:
        raise DateError(
            _("“%(text)s” is not a date (write 2019-09-30, 30.09.2019 or 09.2019).")
            % {"text": text}
        )
    return named


def parse_date(text: str, *, month_as: MonthAs = "last") -> date | None:
    """``read_date``, or ``None`` where it raises."""
    try:
        return read_date(text, month_as=month_as)
    except DateError:
        return None
