"""Reading an operator's table: encodings, delimiters, records with their lines, dates."""

from __future__ import annotations

from datetime import date

import pytest

from clusterlabel.core.tabular import (
    ImportFileError,
    csv_records,
    decode,
    guess_delimiter,
    parse_date,
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
        ("September 2019", None),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected
