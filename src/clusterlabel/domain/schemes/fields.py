"""Field types of scheme files: the literal vocabularies and the validated scalar types.

The scalar parsers here serve twice: as pydantic validators of the model in
:mod:`~clusterlabel.domain.schemes.model`, and in :mod:`~clusterlabel.domain.schemes.checks`,
which reads the same values from the raw data. Import the types from
:mod:`clusterlabel.domain.schemes`, their public home.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field, PlainValidator, Strict

Lang = Literal["de", "en"]
Process = Literal["new", "renewal"]
AssessmentMode = Literal["on_site", "video"]
FeeMode = Literal["on_site", "video", "any"]
IndicatorType = Literal["number", "percent", "boolean", "choice"]
Direction = Literal["higher", "lower"]
ValidityAnchor = Literal["assessment_day", "assessment_month", "decision_date"]
MemberType = Literal["companies", "research_education", "public_bodies", "civil_society"]
MEMBER_TYPES: tuple[MemberType, ...] = get_args(MemberType)
PROCESSES: tuple[Process, ...] = get_args(Process)
ASSESSMENT_MODES: tuple[AssessmentMode, ...] = get_args(AssessmentMode)


def process_of(value: str) -> Process:
    """A stored process (``"new"``, ``"renewal"``) as the domain types it; ``ValueError`` for
    any other string."""
    for process in PROCESSES:
        if value == process:
            return process
    raise ValueError(f"{value!r} is not a process")


def assessment_mode_of(value: str) -> AssessmentMode:
    """A stored assessment mode (``"on_site"``, ``"video"``) as the domain types it;
    ``ValueError`` for any other string."""
    for mode in ASSESSMENT_MODES:
        if value == mode:
            return mode
    raise ValueError(f"{value!r} is not an assessment mode")


ThresholdValue = Decimal | bool | str
"""A threshold or band start: a number (number/percent), a bool (boolean) or a choice id."""


# --- scalar parsers (used as pydantic validators and by the cross-field checks) -------------


def _show(value: Any) -> str:
    """A short rendering of a raw YAML value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (empty)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return str(value)


def _number(value: Any) -> Decimal:
    """A YAML number as an exact Decimal; a float is taken by its shortest decimal text."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"must be a number, found {_show(value)}")
    result = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not result.is_finite():
        raise ValueError(f"must be a finite number, found {value}")
    return result


def _decimal_text(value: Any) -> Decimal:
    """A decimal written as a string ("19", "4975.00") or an integer; floats are refused."""
    if isinstance(value, float):
        raise ValueError(f'write decimals as quoted strings (like "{value}"), found {value}')
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise ValueError(f'must be a decimal string like "19.5", found {_show(value)}')
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"must be a decimal number, found {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"must be a finite decimal number, found {value!r}")
    return result


def _bounded(
    parse: Callable[[Any], Decimal],
    *,
    ge: int | None = None,
    gt: int | None = None,
    le: int | None = None,
    lt: int | None = None,
) -> Callable[[Any], Decimal]:
    def validate(value: Any) -> Decimal:
        number = parse(value)
        if ge is not None and number < ge:
            raise ValueError(f"must be at least {ge}, found {number}")
        if gt is not None and number <= gt:
            raise ValueError(f"must be greater than {gt}, found {number}")
        if le is not None and number > le:
            raise ValueError(f"must be at most {le}, found {number}")
        if lt is not None and number >= lt:
            raise ValueError(f"must be less than {lt}, found {number}")
        return number

    return validate


def _threshold(value: Any) -> ThresholdValue:
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    raise ValueError(f"must be a number, true/false or a choice id, found {_show(value)}")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"must be a date (YYYY-MM-DD) without a time, found {value}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date written YYYY-MM-DD, found {_show(value)}")


def _pattern(regex: str, what: str, example: str) -> Callable[[Any], str]:
    compiled = re.compile(regex)

    def validate(value: Any) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise ValueError(f"{what} (like {example}), found {_show(value)}{_quote_hint(value)}")
        return value

    return validate


def _quote_hint(value: Any) -> str:
    """Why YAML did not give a string, for values that were meant as text."""
    if isinstance(value, bool):
        return "; YAML reads yes/no/on/off/true/false as booleans, so put it in quotes"
    if isinstance(value, (int, float)):
        return f'; put it in quotes ("{value}")'
    return ""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, found {_show(value)}{_quote_hint(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


NonEmptyStr = Annotated[str, PlainValidator(_text)]
SchemeSlug = Annotated[
    str,
    PlainValidator(
        _pattern(r"[a-z0-9][a-z0-9-]*", "must be lower-case letters, digits, '-'", "ecei-gold")
    ),
]
LocalId = Annotated[
    str,
    PlainValidator(
        _pattern(
            r"[a-z0-9][a-z0-9_-]*", "must be lower-case letters, digits, '-', '_'", "structures"
        )
    ),
]
IndicatorId = Annotated[
    str,
    PlainValidator(
        _pattern(r"[A-Z0-9][A-Z0-9-]*", "must be upper-case letters, digits, '-'", "STR-01")
    ),
]
CountryCode = Annotated[
    str, PlainValidator(_pattern(r"[A-Z]{2}", "must be an ISO 3166-1 alpha-2 country code", "DE"))
]
RegionCode = Annotated[
    str,
    PlainValidator(_pattern(r"[A-Z]{2}-[A-Z0-9]{1,3}", "must be an ISO 3166-2 code", "DE-BW")),
]
CurrencyCode = Annotated[
    str, PlainValidator(_pattern(r"[A-Z]{3}", "must be an ISO 4217 currency code", "EUR"))
]
StrictBool = Annotated[bool, Strict()]
NonNegativeInt = Annotated[int, Strict(), Field(ge=0)]
PositiveInt = Annotated[int, Strict(), Field(ge=1)]
Threshold = Annotated[ThresholdValue, BeforeValidator(_threshold)]
Number = Annotated[Decimal, BeforeValidator(_number)]
PercentText = Annotated[Decimal, BeforeValidator(_bounded(_decimal_text, ge=0, le=100))]
ScorePercentText = Annotated[Decimal, BeforeValidator(_bounded(_decimal_text, gt=0, le=100))]
MajorityPercentText = Annotated[Decimal, BeforeValidator(_bounded(_decimal_text, ge=0, lt=100))]
MoneyText = Annotated[Decimal, BeforeValidator(_bounded(_decimal_text, ge=0))]
NonNegativeDecimalText = Annotated[Decimal, BeforeValidator(_bounded(_decimal_text, ge=0))]
PositiveNumber = Annotated[Decimal, BeforeValidator(_bounded(_number, gt=0))]
IsoDate = Annotated[date, BeforeValidator(_date)]
