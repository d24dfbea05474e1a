"""Tables that people open in a spreadsheet: CSV and XLSX whose cells are never run as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (CSV injection: ``=HYPERLINK(...)`` in an
organisation's name would become a link, or worse, in the reader's spreadsheet). Such a text
cell is written with an apostrophe in front (``'=1+1``), which the spreadsheets show as the text
``=1+1``; numbers are left alone (they are not formulas). ``restored_cell`` takes the apostrophe
off again, so a file exported here reads back as it was (``core.tabular``).

CSV: UTF-8 with a byte-order mark (so Excel reads the umlauts right), CRLF line ends, a header
row; ``,`` between the fields by default (RFC 4180, what other programs read) or ``;`` for a
spreadsheet set to German, where Excel expects it. XLSX (openpyxl, write-only: memory stays flat
whatever the number of rows): text cells are stored as text, dates as dates.

A leaf module: no app imports; the columns are each export's own.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

BOM = "\ufeff"
FORMULA_STARTS = frozenset("=+-@\t\r")
DELIMITERS = {"comma": ",", "semicolon": ";"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8; header=present"
#: Rows per piece of a streamed CSV: fewer, larger pieces cost less per row.
ROWS_PER_PIECE = 1000


def safe_cell(value: Any) -> Any:
    """``value``, or a text that would start a formula with an apostrophe in front."""
    if value.__class__ is str and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [
        "'" + value if value.__class__ is str and value[:1] in FORMULA_STARTS else value
        for value in row
    ]


def restored_cell(text: str) -> str:
    """A cell read back from a file ``safe_cell`` wrote: without the apostrophe it added."""
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS and len(text) > 1:
        return text[1:]
    return text


def csv_pieces(
    columns: Sequence[str], rows: Iterator[Sequence[Any]], *, delimiter: str = ","
) -> Iterator[str]:
    """A CSV file in pieces for a ``StreamingHttpResponse``: the byte-order mark and the header
    first, then the rows, ``ROWS_PER_PIECE`` at a time, every cell safe (``safe_cell``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)  # double quotes where needed, CRLF
    buffer.write(BOM)
    writer.writerow(safe_row(columns))
    while piece := list(itertools.islice(rows, ROWS_PER_PIECE)):
        writer.writerows(map(safe_row, piece))  # None is written as an empty field
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, date_column: bool) -> Any:
    if date_column and value.__class__ is str and value:
        with contextlib.suppress(ValueError):  # not a day: left as the text it is
            value = date.fromisoformat(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif cell.data_type == "f":  # openpyxl reads a text starting with "=" as a formula
        cell.data_type = "s"
    return cell


def xlsx_workbook(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    date_columns: Iterable[str] = (),
) -> bytes:
    """An XLSX workbook of one sheet named ``title``: the header, then the rows; text is text
    (never a formula), the ``date_columns`` (ISO text or dates) are dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])  # Excel's limit for a sheet's name
    dates = [column in set(date_columns) for column in columns]
    sheet.append([_xlsx_cell(sheet, column, False) for column in columns])
    for row in rows:
        sheet.append(
            [_xlsx_cell(sheet, value, is_date) for value, is_date in zip(row, dates, strict=True)]
        )
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        return file.read()
