"""Reading an operator's table: encodings, delimiters, records with their lines, dates."""

from __future__ import annotations

import re
from datetime import date

import pytest

from clusterlabel.core.tabular import (
    DateError,
    ImportFileError,
    csv_records,
    decode,
    guess_delimiter,
    parse_date,
    read_date,
    read_table,
)


def test_utf8_with_a_bom_then_windows_1252():
    assert decode("Träger".encode("utf-8-sig"), None) == ("Träger", "utf-8")
    assert decode("Träger \u2013 e.V.".encode("cp1252"), None) == ("Träger \u2013 e.V.", "cp1252")
    with pytest.raises(ImportFileError):
        decode(b"\xff", "utf-8")


@pytest.mark.parametrize(("header", "delimiter"), [("a;b,c", ";"), ("a\tb", "\t"), ("a", ",")])
def test_the_delimiter_is_the_header_lines_most_used(header, delimiter):
    assert guess_delimiter(f"\n{header}\nx;y;z;w\n") == delimiter


def test_records_keep_their_first_line_and_skip_empty_ones():
    text = 'a;b\n\n"multi\nline";c\n ; \n'
    assert list(csv_records(text, ";")) == [(1, ["a", "b"]), (3, ["multi\nline", "c"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-09-30", date(2019, 9, 30)),
        ("30.09.2019", date(2019, 9, 30)),
        ("1.2.2020", date(2020, 2, 1)),
        ("30.09.19", date(2019, 9, 30)),
        ("30/09/2019", date(2019, 9, 30)),
        ("09/2019", date(2019, 9, 30)),
        ("2/2024", date(2024, 2, 29)),
        ("09.2019", date(2019, 9, 30)),
        ("2019-09", date(2019, 9, 30)),
        ("2019-09-30 00:00:00", date(2019, 9, 30)),
        ("31.02.2026", None),
        ("13/2019", None),
        ("September 2019", date(2019, 9, 30)),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "month_as", "expected"),
    [
        ("2015/04/30", "last", date(2015, 4, 30)),  # ESCA's export
        ("02.07.2017 00:00", "last", date(2017, 7, 2)),  # Excel's date-time cells
        ("2019-09-30T00:00:00", "last", date(2019, 9, 30)),
        ("09/30/2019", "last", date(2019, 9, 30)),  # month first, as the day shows
        ("02/02/2020", "last", date(2020, 2, 2)),  # either order gives the same day
        ("02.2013", "first", date(2013, 2, 1)),  # a month as a start: its first day
        ("02.2013", "last", date(2013, 2, 28)),  # ... as an end: its last
        ("2019-09", "first", date(2019, 9, 1)),
        ("30 April 2015", "last", date(2015, 4, 30)),
        ("April 30, 2015", "last", date(2015, 4, 30)),
        ("30. März 2015", "last", date(2015, 3, 30)),
        ("30 de abril de 2015", "last", date(2015, 4, 30)),
        ("1er mars 2020", "last", date(2020, 3, 1)),
        ("Sept. 2019", "first", date(2019, 9, 1)),
    ],
)
def test_every_unambiguous_date(text, month_as, expected):
    assert read_date(text, month_as=month_as) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("02/07/2017", "2017-07-02 (day first) or 2017-02-07 (month first)"),
        ("2015", "is a year"),
        ("09.19", "four digits"),
        ("2/3/17", "four digits"),
        ("31.02.2026", "no day of the calendar"),
        ("13/2019", "not a month"),
        ("soon", "is not a date"),
    ],
)
def test_ambiguous_or_impossible_dates_say_why(english, text, says):
    with pytest.raises(DateError, match=re.escape(says)):
        read_date(text)


def test_utf16_with_or_without_its_bom_and_files_that_are_no_text():
    assert decode("Träger;Land".encode("utf-16"), None) == ("Träger;Land", "utf-16")
    assert decode("Träger;Land".encode("utf-16-le"), None) == ("Träger;Land", "utf-16")
    with pytest.raises(ImportFileError, match="CSV"):
        decode(b"PK\x03\x04...", None)
    with pytest.raises(ImportFileError, match="PDF"):
        decode(b"%PDF-1.7", None)


def is_column(cell: str) -> bool:
    return cell.casefold() in {"name", "land", "label", "valid until"}


def test_the_header_is_found_below_title_rows_with_its_delimiter():
    text = "Labelträger, Stand 2024\nExport vom 01.03.2024;;;\n\nName;Land;Label\nA;DE;Gold\n"
    table = read_table(text, delimiter=None, is_column=is_column)
    assert (table.delimiter, table.header_line, table.header) == (";", 4, ["Name", "Land", "Label"])
    assert table.title_lines == [1, 2]
    assert table.records == [(5, ["A", "DE", "Gold"])]


def test_excels_sep_line_names_the_delimiter_and_keeps_the_line_numbers():
    text = "sep=,\nName,Land;x\nA,DE;y\n"
    table = read_table(text, delimiter=None, is_column=is_column)
    assert (table.delimiter, table.header_line, table.separator_line) == (",", 2, True)
    assert table.records == [(3, ["A", "DE;y"])]


def test_without_a_known_column_the_first_row_is_the_header():
    table = read_table("x;y\n1;2\n", delimiter=None, is_column=is_column)
    assert (table.delimiter, table.header, table.records) == (";", ["x", "y"], [(2, ["1", "2"])])
    with pytest.raises(ImportFileError):
        read_table("\n\n", delimiter=None, is_column=is_column)
