"""Numbers as operators' lists write them: German or English decimal marks, grouping, spaces
and a trailing ``%``; the file's decimal mark where a number alone is ambiguous (``1.200``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from clusterlabel.domain.numbers import tidy

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"[\d.,]+", re.ASCII)


class AmbiguousNumber(ValueError):
    """``1.200`` or ``1,200`` in a file whose decimal mark is unclear."""


def _plain(text: str) -> str:
    return _SPACES.sub("", text).removesuffix("%")


def _ambiguous(value: str) -> bool:
    """One mark, followed by exactly three digits, after 1-3 digits not starting with 0."""
    return bool(re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", value.lstrip("+-")))


def decimal_mark_shown(text: str) -> str | None:
    """The decimal mark ``text`` shows unambiguously (``3,5`` -> ``,``; ``1.200,5`` -> ``,``;
    ``1.200.000`` -> ``,``), ``None`` when it shows none (``12``, ``1.200``)."""
    value = _plain(text)
    commas, dots = value.count(","), value.count(".")
    if commas and dots:
        return "," if value.rfind(",") > value.rfind(".") else "."
    if commas > 1 or dots > 1:
        return "." if commas else ","
    if commas + dots == 1 and not _ambiguous(value):
        return "," if commas else "."
    return None


def file_decimal_mark(texts: Iterable[str], delimiter: str) -> str | None:
    """The decimal mark of a file's numbers: the one they show, else ``.`` in a comma-separated
    file and ``,`` otherwise; ``None`` when they show both."""
    shown = {mark for text in texts if (mark := decimal_mark_shown(text))}
    if len(shown) == 1:
        return shown.pop()
    if shown:
        return None
    return "." if delimiter == "," else ","


def parse_number(text: str, decimal_mark: str | None) -> Decimal:
    """A number written with German or English marks; spaces, apostrophes and a trailing ``%``
    are ignored. ``ValueError`` if it is none, ``AmbiguousNumber`` if it could be two."""
    value = _plain(text)
    sign = value[:1] if value[:1] in ("+", "-") else ""
    value = value[len(sign) :]
    if not value or len(value) > 40 or not _NUMBER.fullmatch(value):
        raise ValueError(text)
    mark = decimal_mark_shown(value)
    if mark is None and _ambiguous(value):
        if decimal_mark is None:
            raise AmbiguousNumber(text)
        mark = decimal_mark
    group = "." if mark == "," else ","
    if mark and mark in value:
        whole, _sep, fraction = value.rpartition(mark)
    else:
        whole, fraction = value, ""
    if mark and mark in value and not fraction.isdigit():
        raise ValueError(text)
    if group in whole:
        if not re.fullmatch(r"\d{1,3}(G\d{3})+", whole.replace(group, "G")):
            raise ValueError(text)
        whole = whole.replace(group, "")
    if (whole and not whole.isdigit()) or not (whole or fraction):
        raise ValueError(text)
    try:
        return tidy(Decimal(f"{sign}{whole or '0'}.{fraction or '0'}"))
    except InvalidOperation:  # pragma: no cover - the shape was checked above
        raise ValueError(text) from None


def number_text(number: Decimal | None) -> str:
    return "" if number is None else str(tidy(Decimal(number)))
