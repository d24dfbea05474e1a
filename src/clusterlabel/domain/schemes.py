"""Scheme files: the typed model of ``docs/scheme-format.md`` and its loader.

A scheme is immutable once loaded (frozen pydantic models, unknown fields refused). The loader
refuses a bad file with **every** problem it can find: pydantic's structural errors are merged
with the cross-field checks, and the cross-field checks run on the raw data even when the
structure is broken, so a file with a typo *and* a duplicate id reports both.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from functools import cached_property
from pathlib import Path
from types import MappingProxyType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    ValidationError,
)

from clusterlabel.domain.errors import SchemeFileError, SchemeProblem, UnknownId

Lang = Literal["de", "en"]
Process = Literal["new", "renewal"]
AssessmentMode = Literal["on_site", "video"]
FeeMode = Literal["on_site", "video", "any"]
IndicatorType = Literal["number", "percent", "boolean", "choice"]
Direction = Literal["higher", "lower"]
ValidityAnchor = Literal["assessment_month", "decision_date"]
MemberType = Literal["companies", "research_education", "public_bodies", "civil_society"]
MEMBER_TYPES: tuple[MemberType, ...] = get_args(MemberType)

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


# --- the model --------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in German and English; both are required and non-empty."""

    de: NonEmptyStr
    en: NonEmptyStr

    def get(self, lang: Lang) -> str:
        """The text in ``lang`` (``"de"`` or ``"en"``); any other language is a ValueError."""
        if lang == "de":
            return self.de
        if lang == "en":
            return self.en
        raise ValueError(f"unsupported language {lang!r}: texts exist in 'de' and 'en'")


class Party(_Frozen):
    """An organisation named in a scheme: owner, operator, authority or subsidy payer."""

    name: NonEmptyStr
    country: CountryCode


class Improvement(_Frozen):
    """Silver's rule: improvement in enough categories since the previous assessment.

    The months window (``min/max_months_since_previous``) applies only to the processes in
    ``window_processes`` (default: only ``new``): a renewal compares with the previous label's
    assessment, which may lie up to validity + grace months back.
    """

    min_improved_categories: PositiveInt
    min_months_since_previous: NonNegativeInt | None = None
    max_months_since_previous: NonNegativeInt | None = None
    window_processes: tuple[Process, ...] = ("new",)


class AwardRules(_Frozen):
    """The rules a level requires; every rule given must hold (unset rules are not required)."""

    requires_complete_assessment: StrictBool = False
    requires_eligibility: StrictBool = False
    all_minimum_criteria: StrictBool = False
    min_score_percent: ScorePercentText | None = None
    improvement: Improvement | None = None


class Recognition(_Frozen):
    """A further label the same award yields (the BW label yields ECEI Gold)."""

    scheme_family: SchemeSlug
    scheme: SchemeSlug
    level: LocalId


class Level(_Frozen):
    """One level of a scheme (bronze, silver, gold, or the only level)."""

    id: LocalId
    name: Text
    rank: PositiveInt
    award: AwardRules
    recognitions: tuple[Recognition, ...] = ()


class Category(_Frozen):
    """A group of indicators whose points are also reported as a subtotal."""

    id: LocalId
    name: Text
    description: Text | None = None


class Choice(_Frozen):
    """One answer of a choice indicator; a scheme lists them worst to best."""

    id: LocalId
    name: Text


class Band(_Frozen):
    """Partial points for a value that reaches ``from`` (or better) but misses the threshold."""

    start: Annotated[Threshold, Field(alias="from")]
    points: NonNegativeInt


class Indicator(_Frozen):
    """One quality indicator: what is measured, its excellence threshold and its points."""

    id: IndicatorId
    category: LocalId
    name: Text
    help: Text
    type: IndicatorType
    unit: Text | None = None
    direction: Direction = "higher"
    threshold: Threshold
    points: NonNegativeInt
    bands: tuple[Band, ...] = ()
    choices: tuple[Choice, ...] = ()
    minimum_criterion: StrictBool = False
    evidence_required: StrictBool = False
    min: Number | None = None
    max: Number | None = None

    @cached_property
    def choice_ids(self) -> tuple[str, ...]:
        """The choice ids, worst first (empty for non-choice indicators)."""
        return tuple(choice.id for choice in self.choices)

    def choice_rank(self, choice_id: str) -> int:
        """Position of ``choice_id`` in the worst-to-best order; UnknownId if not a choice."""
        try:
            return self.choice_ids.index(choice_id)
        except ValueError:
            raise UnknownId("choice", choice_id, f"indicator {self.id}") from None

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The accepted value range: 0-100 for percent, ``min``/``max`` for number."""
        if self.type == "percent":
            return Decimal(0), Decimal(100)
        return self.min, self.max


class ValidityRules(_Frozen):
    """How long a first award is valid and from when."""

    anchor: ValidityAnchor
    months: PositiveInt


class RenewalRules(_Frozen):
    """How late a renewal assessment may be and how far it extends the label."""

    grace_months_after_expiry: NonNegativeInt
    extension_months: PositiveInt


class EligibilityCriteria(_Frozen):
    """Who may apply; every criterion given is checked, ``None``/false means not asked."""

    min_staff_fte: NonNegativeDecimalText | None = None
    min_committed_members: NonNegativeInt | None = None
    min_member_types: Annotated[int, Strict(), Field(ge=1, le=len(MEMBER_TYPES))] | None = None
    website_required: StrictBool = False
    countries: tuple[CountryCode, ...] | None = None
    regions: tuple[RegionCode, ...] | None = None
    listed_in_cluster_database: StrictBool = False


class FeeItem(_Frozen):
    """The net fee for one process and assessment mode (``any`` matches every mode)."""

    process: Process
    mode: FeeMode
    net: MoneyText
    name: Text


class Subsidy(_Frozen):
    """A share of the net fee paid by someone else, for applications in a date range."""

    name: Text
    payer: Party
    percent: PercentText
    processes: Annotated[tuple[Process, ...], Field(min_length=1)]
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None

    def applies(self, process: Process, application_date: date) -> bool:
        """True for a listed process applied for within the (inclusive) date range."""
        if process not in self.processes:
            return False
        if self.valid_from is not None and application_date < self.valid_from:
            return False
        return self.valid_until is None or application_date <= self.valid_until


class Fees(_Frozen):
    """Fee items, VAT and subsidies of a scheme."""

    currency: CurrencyCode
    vat_percent: PercentText
    items: tuple[FeeItem, ...]
    subsidies: tuple[Subsidy, ...] = ()


class ProcedureRules(_Frozen):
    """What the labelling procedure of this scheme needs (assessors, board, deadlines)."""

    assessors: PositiveInt
    national_and_foreign: StrictBool = False
    assessment_modes: Annotated[tuple[AssessmentMode, ...], Field(min_length=1)]
    assessment_days: PositiveNumber
    advisory_board: StrictBool = False
    board_quorum: PositiveInt | None = None
    board_majority_percent: MajorityPercentText | None = None
    self_assessment_due_days_before_assessment: NonNegativeInt | None = None


class Scheme(_Frozen):
    """One version of one labelling scheme, validated and immutable.

    Lookups raise :class:`UnknownId` for ids the scheme does not define. ``content_hash``
    identifies exactly what an assessment was scored under.
    """

    format: Literal["clusterlabel-scheme/1"]
    id: SchemeSlug
    version: NonEmptyStr
    family: SchemeSlug
    name: Text
    description: Text
    owner: Party
    operator: Party
    awarding_authority: Party
    levels: Annotated[tuple[Level, ...], Field(min_length=1)]
    categories: Annotated[tuple[Category, ...], Field(min_length=1)]
    indicators: Annotated[tuple[Indicator, ...], Field(min_length=1)]
    validity: ValidityRules
    renewal: RenewalRules
    eligibility: EligibilityCriteria = EligibilityCriteria()
    fees: Fees
    procedure: ProcedureRules

    @property
    def key(self) -> str:
        """``id@version``, unique across scheme versions."""
        return f"{self.id}@{self.version}"

    @cached_property
    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON of the parsed scheme.

        Canonical: keys sorted, no whitespace, decimals as their text, YAML aliases resolved.
        Two files that parse to the same scheme have the same hash, whatever their layout.
        """
        canonical = json.dumps(
            self.model_dump(mode="json", by_alias=True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @cached_property
    def _indicator_index(self) -> Mapping[str, Indicator]:
        return MappingProxyType({indicator.id: indicator for indicator in self.indicators})

    @cached_property
    def _category_index(self) -> Mapping[str, Category]:
        return MappingProxyType({category.id: category for category in self.categories})

    @cached_property
    def _level_index(self) -> Mapping[str, Level]:
        return MappingProxyType({level.id: level for level in self.levels})

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator ``indicator_id``."""
        try:
            return self._indicator_index[indicator_id]
        except KeyError:
            raise UnknownId("indicator", indicator_id, self.key) from None

    def category(self, category_id: str) -> Category:
        """The category ``category_id``."""
        try:
            return self._category_index[category_id]
        except KeyError:
            raise UnknownId("category", category_id, self.key) from None

    def level(self, level_id: str) -> Level:
        """The level ``level_id``."""
        try:
            return self._level_index[level_id]
        except KeyError:
            raise UnknownId("level", level_id, self.key) from None

    def indicators_in(self, category_id: str) -> tuple[Indicator, ...]:
        """The indicators of a category, in file order."""
        self.category(category_id)
        return tuple(i for i in self.indicators if i.category == category_id)

    @cached_property
    def levels_by_rank(self) -> tuple[Level, ...]:
        """The levels from the lowest rank to the highest."""
        return tuple(sorted(self.levels, key=lambda level: level.rank))

    @cached_property
    def minimum_criteria(self) -> tuple[Indicator, ...]:
        """The indicators marked ``minimum_criterion: true``, in file order."""
        return tuple(i for i in self.indicators if i.minimum_criterion)

    @cached_property
    def max_points(self) -> int:
        """The highest possible overall score (every threshold met)."""
        return sum(indicator.points for indicator in self.indicators)

    @cached_property
    def max_points_by_category(self) -> Mapping[str, int]:
        """The highest possible score of each category, in file order."""
        return MappingProxyType(
            {c.id: sum(i.points for i in self.indicators_in(c.id)) for c in self.categories}
        )

    @staticmethod
    def text(pair: Text, lang: Lang) -> str:
        """``pair`` in ``lang``: ``scheme.text(indicator.name, "de")``."""
        return pair.get(lang)


# --- loading ----------------------------------------------------------------------------------

_Path = tuple[str | int, ...]


class _SchemeYamlLoader(yaml.SafeLoader):
    """A safe loader that records duplicate mapping keys instead of silently keeping the last."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, yaml.Mark]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                self.duplicate_keys.append((key, key_node.start_mark))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _mark(mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _parse_yaml(text: str, source: str) -> tuple[Any, list[SchemeProblem]]:
    loader = _SchemeYamlLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise SchemeFileError(
            [SchemeProblem(source, _mark(mark), f"YAML syntax error: {message}")]
        ) from None
    except yaml.YAMLError as exc:
        raise SchemeFileError([SchemeProblem(source, "", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    problems = [
        SchemeProblem(source, _mark(mark), f"duplicate key {key!r}: the later value would win")
        for key, mark in loader.duplicate_keys
    ]
    return data, problems


def load_scheme_text(text: str, *, source: str) -> Scheme:
    """Parse and validate a scheme from YAML text; ``source`` names it in error messages.

    Raises :class:`SchemeFileError` listing every problem found.
    """
    data, problems = _parse_yaml(text, source)
    return _validate(data, source, problems)


def load_scheme_data(data: Any, *, source: str) -> Scheme:
    """Validate an already parsed scheme (a mapping as YAML or JSON would give)."""
    return _validate(data, source, [])


def load_scheme_file(path: str | Path) -> Scheme:
    """Load one scheme file; errors name the file by its file name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SchemeFileError(
            [SchemeProblem(path.name, "", f"the file is not UTF-8 text ({exc.reason})")]
        ) from None
    return load_scheme_text(text, source=path.name)


def load_scheme_dir(path: str | Path) -> list[Scheme]:
    """Load every ``*.yaml`` / ``*.yml`` file of a directory, in file-name order.

    Problems of all files are collected into one :class:`SchemeFileError`. Across files it also
    refuses two files with the same (id, version) and recognitions that name a scheme or level
    the directory does not contain, or a scheme under another family.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise FileNotFoundError(f"scheme directory {directory} does not exist")
    files = sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    schemes: list[tuple[str, Scheme]] = []
    problems: list[SchemeProblem] = []
    for file in files:
        try:
            schemes.append((file.name, load_scheme_file(file)))
        except SchemeFileError as exc:
            problems.extend(exc.errors)
    problems.extend(_check_across_files(schemes))
    if problems:
        raise SchemeFileError(problems)
    return [scheme for _, scheme in schemes]


def _check_across_files(schemes: Sequence[tuple[str, Scheme]]) -> list[SchemeProblem]:
    problems: list[SchemeProblem] = []
    first_file: dict[str, str] = {}
    by_id: dict[str, list[Scheme]] = {}
    for source, scheme in schemes:
        if scheme.key in first_file:
            problems.append(
                SchemeProblem(
                    source, "version", f"{scheme.key} is also defined in {first_file[scheme.key]}"
                )
            )
        first_file.setdefault(scheme.key, source)
        by_id.setdefault(scheme.id, []).append(scheme)
    for source, scheme in schemes:
        for li, level in enumerate(scheme.levels):
            for ri, recognition in enumerate(level.recognitions):
                where = f"levels[{li}] ({level.id}).recognitions[{ri}]"
                targets = by_id.get(recognition.scheme, [])
                if not targets:
                    problems.append(
                        SchemeProblem(
                            source,
                            f"{where}.scheme",
                            f"scheme {recognition.scheme!r} is not among the loaded schemes",
                        )
                    )
                    continue
                if all(t.family != recognition.scheme_family for t in targets):
                    problems.append(
                        SchemeProblem(
                            source,
                            f"{where}.scheme_family",
                            f"scheme {recognition.scheme!r} belongs to family "
                            f"{targets[0].family!r}, not {recognition.scheme_family!r}",
                        )
                    )
                if all(recognition.level not in t._level_index for t in targets):
                    problems.append(
                        SchemeProblem(
                            source,
                            f"{where}.level",
                            f"scheme {recognition.scheme!r} has no level {recognition.level!r}",
                        )
                    )
    return problems


def _validate(data: Any, source: str, problems: list[SchemeProblem]) -> Scheme:
    if not isinstance(data, dict):
        found = "nothing" if data is None else _show(data)
        raise SchemeFileError(
            [
                *problems,
                SchemeProblem(source, "", f"a scheme file is a mapping of fields, found {found}"),
            ]
        )
    located: list[tuple[_Path, str]] = []
    scheme: Scheme | None = None
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        located.extend(_pydantic_problems(exc))
    located.extend(_CrossChecks(data).run())
    located.sort(key=lambda item: _sort_key(item[0]))
    seen: set[tuple[str, str]] = set()
    for path, message in located:
        location = _format_location(path, data)
        if (location, message) not in seen:
            seen.add((location, message))
            problems.append(SchemeProblem(source, location, message))
    if problems or scheme is None:
        raise SchemeFileError(problems)
    return scheme


_SECTION_ORDER = {name: index for index, name in enumerate(Scheme.model_fields)}


def _sort_key(path: _Path) -> tuple[int, int]:
    if not path:
        return (-1, 0)
    section = _SECTION_ORDER.get(str(path[0]), len(_SECTION_ORDER))
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
    return (section, index)


def _format_location(path: _Path, data: Any) -> str:
    """``('indicators', 3, 'threshold')`` -> ``indicators[3] (STR-04).threshold``."""
    text = ""
    node = data
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
            node = node[segment] if isinstance(node, list) and 0 <= segment < len(node) else None
            identifier = node.get("id") if isinstance(node, dict) else None
            if isinstance(identifier, str) and identifier:
                text += f" ({identifier})"
        else:
            text += f".{segment}" if text else str(segment)
            node = node.get(segment) if isinstance(node, dict) else None
    return text


def _model_at(path: _Path) -> type[BaseModel] | None:
    """The model class that parses the mapping at ``path`` (for 'did you mean' hints)."""
    annotation: Any = Scheme
    for segment in path:
        annotation = _unwrap(annotation, want_item=isinstance(segment, int))
        if isinstance(segment, int):
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        fields = {f.alias or name: f for name, f in annotation.model_fields.items()}
        if segment not in fields:
            return None
        annotation = fields[segment].annotation
    annotation = _unwrap(annotation, want_item=False)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any, *, want_item: bool) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        elif want_item and origin is tuple:
            annotation = get_args(annotation)[0]
            want_item = False
        else:
            return annotation


def _pydantic_problems(exc: ValidationError) -> Iterable[tuple[_Path, str]]:
    for error in exc.errors():
        path: _Path = tuple(error["loc"])
        raw, minimum = error.get("input"), (error.get("ctx") or {}).get("min_length", 0)
        if error["type"] == "too_short" and isinstance(raw, list) and len(raw) >= minimum:
            continue  # pydantic counts only the valid items; the invalid ones are reported
        yield path, _pydantic_message(error, path)


def _pydantic_message(error: Any, path: _Path) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        language = {"de": "German", "en": "English"}.get(str(path[-1]) if path else "")
        if language:
            return f"the {language} text ({path[-1]}) is missing"
        return "required field is missing"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        allowed = [f.alias or name for name, f in model.model_fields.items()] if model else []
        close = get_close_matches(str(path[-1]), allowed, n=1)
        if close:
            return f"unknown field; did you mean {close[0]!r}?"
        return f"unknown field (allowed: {', '.join(allowed)})" if allowed else "unknown field"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, found {_show(value)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number, found {_show(value)}"
    if kind == "bool_type":
        return f"must be true or false, found {_show(value)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"must be a mapping (key: value), found {_show(value)}"
    if kind in {"tuple_type", "list_type"}:
        return f"must be a list, found {_show(value)}"
    if kind == "too_short":
        return f"must list at least {ctx.get('min_length', 1)} entry"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, found {_show(value)}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}, found {_show(value)}"
    return str(error["msg"])


# --- cross-field checks on the raw data --------------------------------------------------------


def _raw_number(value: Any) -> Decimal | None:
    try:
        return _number(value)
    except ValueError:
        return None


def _raw_decimal_text(value: Any) -> Decimal | None:
    try:
        return _decimal_text(value)
    except ValueError:
        return None


def _raw_date(value: Any) -> date | None:
    try:
        return _date(value)
    except ValueError:
        return None


def _entries(container: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = container.get(key) if isinstance(container, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _str_id(item: dict[str, Any]) -> str | None:
    value = item.get("id")
    return value if isinstance(value, str) else None


def _is_scalar_threshold(value: Any) -> bool:
    return isinstance(value, (bool, int, float, str))


class _CrossChecks:
    """The checks pydantic's per-field validation cannot make; tolerant of broken structure."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[tuple[_Path, str]] = []

    def add(self, path: _Path, message: str) -> None:
        self.problems.append((path, message))

    def run(self) -> list[tuple[_Path, str]]:
        self.check_unique_ids("levels", "level")
        self.check_unique_ids("categories", "category")
        self.check_unique_ids("indicators", "indicator")
        self.check_indicators()
        self.check_levels()
        self.check_validity_and_renewal()
        self.check_eligibility()
        self.check_fees()
        self.check_procedure()
        return self.problems

    def check_unique_ids(
        self, key: str, kind: str, container: Any = None, base: _Path = ()
    ) -> None:
        first: dict[str, int] = {}
        for index, item in _entries(self.data if container is None else container, key):
            identifier = _str_id(item)
            if identifier is None:
                continue
            if identifier in first:
                self.add(
                    (*base, key, index, "id"),
                    f"duplicate {kind} id {identifier!r} "
                    f"(first used at {key}[{first[identifier]}])",
                )
            else:
                first[identifier] = index

    # indicators -------------------------------------------------------------------------------

    def check_indicators(self) -> None:
        categories = {_str_id(c) for _, c in _entries(self.data, "categories")} - {None}
        used: set[str] = set()
        for index, indicator in _entries(self.data, "indicators"):
            path: _Path = ("indicators", index)
            category = indicator.get("category")
            if isinstance(category, str):
                used.add(category)
                if categories and category not in categories:
                    close = get_close_matches(category, sorted(categories), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    self.add(
                        (*path, "category"),
                        f"category {category!r} is not defined under categories{hint}",
                    )
            self.check_unique_ids("choices", "choice", indicator, path)
            self.check_indicator(path, indicator)
        for index, category in _entries(self.data, "categories"):
            identifier = _str_id(category)
            if identifier and "indicators" in self.data and identifier not in used:
                self.add(("categories", index, "id"), f"category {identifier!r} has no indicators")

    def check_indicator(self, path: _Path, indicator: dict[str, Any]) -> None:
        kind = indicator.get("type")
        if kind not in ("number", "percent", "boolean", "choice"):
            return
        choice_ids = [_str_id(c) for _, c in _entries(indicator, "choices")]
        if kind == "choice":
            if len(indicator.get("choices") or []) < 2:
                self.add((*path, "choices"), "a choice indicator needs at least two choices")
        elif "choices" in indicator:
            self.add((*path, "choices"), "only choice indicators have choices")
        if kind in ("boolean", "choice") and indicator.get("direction") == "lower":
            self.add(
                (*path, "direction"), "direction applies to number and percent indicators only"
            )
        if kind == "number" and indicator.get("unit") is None:
            self.add((*path, "unit"), "a number indicator needs a unit")
        for bound in ("min", "max"):
            if kind != "number" and bound in indicator:
                self.add(
                    (*path, bound),
                    f"{bound} applies to number indicators only (percent is always 0-100)",
                )
        low, high = _raw_number(indicator.get("min")), _raw_number(indicator.get("max"))
        if kind == "number" and low is not None and high is not None and low > high:
            self.add((*path, "max"), f"max ({high}) is below min ({low})")
            low = high = None  # no range to check values against
        if kind == "percent":
            low, high = Decimal(0), Decimal(100)
        elif kind != "number":
            low = high = None

        def check_value(value: Any, where: _Path, what: str) -> Any:
            """The value as an orderable position, or None (after reporting) if unusable."""
            if kind in ("number", "percent"):
                number = None if isinstance(value, str) else _raw_number(value)
                if number is None:
                    self.add(
                        where, f"a {kind} indicator needs a number as {what}, found {_show(value)}"
                    )
                    return None
                if (low is not None and number < low) or (high is not None and number > high):
                    bounds = f"between {low if low is not None else '-inf'} and "
                    bounds += f"{high if high is not None else 'inf'}"
                    self.add(where, f"{what} must be {bounds}, found {number}")
                    return None
                return number if indicator.get("direction", "higher") != "lower" else -number
            if kind == "boolean":
                if not isinstance(value, bool):
                    self.add(
                        where,
                        f"a boolean indicator needs true or false as {what}, found {_show(value)}",
                    )
                return None
            if not isinstance(value, str) or value not in choice_ids:
                listed = ", ".join(c for c in choice_ids if c)
                self.add(
                    where,
                    f"{what} of a choice indicator must be one of its choice ids ({listed}), "
                    f"found {_show(value)}",
                )
                return None
            return choice_ids.index(value)

        threshold = indicator.get("threshold")
        position = None
        if _is_scalar_threshold(threshold):
            position = check_value(threshold, (*path, "threshold"), "threshold")
        self.check_bands(path, indicator, kind, position, check_value)

    def check_bands(
        self,
        path: _Path,
        indicator: dict[str, Any],
        kind: str,
        threshold_position: Any,
        check_value: Callable[[Any, _Path, str], Any],
    ) -> None:
        if "bands" not in indicator:
            return
        if kind == "boolean":
            self.add((*path, "bands"), "a boolean indicator cannot have bands")
            return
        points = indicator.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            points = None
        previous_position: Any = None
        previous_points: int | None = None
        for index, band in _entries(indicator, "bands"):
            where: _Path = (*path, "bands", index)
            start = band.get("from")
            position = (
                check_value(start, (*where, "from"), "band 'from'")
                if _is_scalar_threshold(start)
                else None
            )
            if position is not None:
                if threshold_position is not None and position >= threshold_position:
                    self.add(
                        (*where, "from"),
                        f"band 'from' ({_show(start)}) must be worse than the threshold "
                        f"({_show(indicator.get('threshold'))}); "
                        "meeting the threshold earns the points",
                    )
                if previous_position is not None and position <= previous_position:
                    order = "falling" if indicator.get("direction") == "lower" else "rising"
                    self.add(
                        (*where, "from"),
                        f"bands go from worst to best: 'from' must be {order}"
                        + (" (choices listed worst to best)" if kind == "choice" else ""),
                    )
                previous_position = position
            band_points = band.get("points")
            if isinstance(band_points, int) and not isinstance(band_points, bool):
                if points is not None and band_points >= points:
                    self.add(
                        (*where, "points"),
                        f"band points ({band_points}) must be below "
                        f"the indicator's points ({points})",
                    )
                if previous_points is not None and band_points <= previous_points:
                    self.add((*where, "points"), "band points must rise from band to band")
                previous_points = band_points

    # levels -------------------------------------------------------------------------------------

    def check_levels(self) -> None:
        ranks: dict[Any, int] = {}
        categories = len(_entries(self.data, "categories"))
        total_points = sum(
            p
            for _, i in _entries(self.data, "indicators")
            if isinstance(p := i.get("points"), int) and not isinstance(p, bool)
        )
        for index, level in _entries(self.data, "levels"):
            path: _Path = ("levels", index)
            rank = level.get("rank")
            if isinstance(rank, int) and not isinstance(rank, bool):
                if rank in ranks:
                    self.add((*path, "rank"), f"rank {rank} is also used by levels[{ranks[rank]}]")
                ranks.setdefault(rank, index)
            award = level.get("award")
            if isinstance(award, dict):
                if (
                    "min_score_percent" in award
                    and _entries(self.data, "indicators")
                    and total_points == 0
                ):
                    self.add(
                        (*path, "award", "min_score_percent"),
                        "the indicators give no points at all, "
                        "so a minimum score cannot be reached",
                    )
                self.check_improvement(
                    (*path, "award", "improvement"), award.get("improvement"), categories
                )
            seen: set[tuple[Any, Any]] = set()
            for ri, recognition in _entries(level, "recognitions"):
                where: _Path = (*path, "recognitions", ri)
                if recognition.get("scheme") == self.data.get("id"):
                    self.add((*where, "scheme"), "a level cannot recognise its own scheme")
                target = (recognition.get("scheme"), recognition.get("level"))
                if target in seen:
                    self.add(where, "this recognition is listed twice")
                seen.add(target)

    def check_improvement(self, path: _Path, improvement: Any, categories: int) -> None:
        if not isinstance(improvement, dict):
            return
        low = improvement.get("min_months_since_previous")
        high = improvement.get("max_months_since_previous")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.add(
                (*path, "max_months_since_previous"),
                f"max_months_since_previous ({high}) is below min_months_since_previous ({low})",
            )
        wanted = improvement.get("min_improved_categories")
        if isinstance(wanted, int) and categories and wanted > categories:
            self.add(
                (*path, "min_improved_categories"),
                f"{wanted} improved categories are required but the scheme has only {categories}",
            )

    # validity, eligibility, fees, procedure -------------------------------------------------------

    def check_validity_and_renewal(self) -> None:
        validity, renewal = self.data.get("validity"), self.data.get("renewal")
        if not (isinstance(validity, dict) and isinstance(renewal, dict)):
            return
        months = validity.get("months")
        grace = renewal.get("grace_months_after_expiry")
        extension = renewal.get("extension_months")
        numbers = all(
            isinstance(v, int) and not isinstance(v, bool) for v in (months, grace, extension)
        )
        if numbers and months + grace < extension:
            self.add(
                ("renewal", "extension_months"),
                f"extension_months ({extension}) exceeds validity.months + "
                f"grace_months_after_expiry ({months + grace}): a renewal one day after the "
                "grace period would end earlier than one on its last day",
            )

    def check_eligibility(self) -> None:
        eligibility = self.data.get("eligibility")
        if not isinstance(eligibility, dict):
            return
        countries, regions = eligibility.get("countries"), eligibility.get("regions")
        if isinstance(countries, list) and isinstance(regions, list):
            for index, region in enumerate(regions):
                if isinstance(region, str) and region[:2] not in countries:
                    self.add(
                        ("eligibility", "regions", index),
                        f"region {region!r} lies outside the eligible countries",
                    )

    def check_fees(self) -> None:
        fees = self.data.get("fees")
        if not isinstance(fees, dict):
            return
        procedure = self.data.get("procedure")
        modes = procedure.get("assessment_modes") if isinstance(procedure, dict) else None
        seen: dict[tuple[Any, Any], int] = {}
        for index, item in _entries(fees, "items"):
            path: _Path = ("fees", "items", index)
            key = (item.get("process"), item.get("mode"))
            if key in seen:
                self.add(
                    path,
                    f"fees.items[{seen[key]}] already prices process {key[0]!r} in mode {key[1]!r}",
                )
            seen.setdefault(key, index)
            mode = item.get("mode")
            if isinstance(modes, list) and mode in ("on_site", "video") and mode not in modes:
                self.add((*path, "mode"), f"mode {mode!r} is not among procedure.assessment_modes")
            net = _raw_decimal_text(item.get("net"))
            if net is not None and net != net.quantize(Decimal("0.01")):
                self.add((*path, "net"), f"fees are in cents: at most two decimals, found {net}")
        ranges: list[tuple[int, set[Any], date, date]] = []
        for index, subsidy in _entries(fees, "subsidies"):
            path = ("fees", "subsidies", index)
            start, end = _raw_date(subsidy.get("valid_from")), _raw_date(subsidy.get("valid_until"))
            if start and end and start > end:
                self.add(
                    (*path, "valid_until"),
                    f"the date range is inverted: valid_until {end} is before valid_from {start}",
                )
                continue
            processes = subsidy.get("processes")
            processes = (
                {p for p in processes if isinstance(p, str)}
                if isinstance(processes, list)
                else set()
            )
            start, end = start or date.min, end or date.max
            for other, other_processes, other_start, other_end in ranges:
                shared = processes & other_processes
                if shared and start <= other_end and other_start <= end:
                    self.add(
                        path,
                        f"overlaps fees.subsidies[{other}] for {', '.join(sorted(shared))}: "
                        "at most one subsidy may apply to an application",
                    )
            ranges.append((index, processes, start, end))

    def check_procedure(self) -> None:
        procedure = self.data.get("procedure")
        if not isinstance(procedure, dict):
            return
        assessors = procedure.get("assessors")
        if (
            procedure.get("national_and_foreign") is True
            and isinstance(assessors, int)
            and assessors < 2
        ):
            self.add(
                ("procedure", "national_and_foreign"),
                f"one national and one foreign assessor need assessors >= 2, found {assessors}",
            )
        if procedure.get("advisory_board") is True:
            if procedure.get("board_quorum") is None:
                self.add(("procedure", "board_quorum"), "an advisory board needs a board_quorum")
        else:
            for key in ("board_quorum", "board_majority_percent"):
                if key in procedure:
                    self.add(("procedure", key), f"{key} applies only with advisory_board: true")
        modes = procedure.get("assessment_modes")
        if isinstance(modes, list):
            for index, mode in enumerate(modes):
                if isinstance(mode, str) and modes.index(mode) != index:
                    self.add(
                        ("procedure", "assessment_modes", index), f"mode {mode!r} is listed twice"
                    )
