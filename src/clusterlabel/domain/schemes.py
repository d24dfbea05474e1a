"""Scheme files: the typed model of ``docs/scheme-format.md`` and its loader.

A scheme is immutable once loaded (frozen pydantic models, unknown fields refused). The loader
refuses a bad file with **every** problem it can find: pydantic's structural errors are merged
with the cross-field checks, and the cross-field checks run on the raw data even when the
structure is broken, so a file with a typo *and* a duplicate id reports both.

This module is the public import path for everything about schemes. The field types (literal
vocabularies, validated scalars) are defined in :mod:`~clusterlabel.domain.scheme_fields` and
re-exported here; the cross-field checks are in :mod:`~clusterlabel.domain.scheme_checks`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from functools import cached_property
from pathlib import Path
from types import MappingProxyType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_serializer

from clusterlabel.domain.errors import SchemeFileError, SchemeProblem, UnknownId
from clusterlabel.domain.scheme_checks import _CrossChecks, _Path
from clusterlabel.domain.scheme_fields import (
    MEMBER_TYPES,
    AssessmentMode,
    CountryCode,
    CurrencyCode,
    Direction,
    FeeMode,
    IndicatorId,
    IndicatorType,
    IsoDate,
    Lang,
    LocalId,
    MajorityPercentText,
    MemberType,
    MoneyText,
    NonEmptyStr,
    NonNegativeDecimalText,
    NonNegativeInt,
    Number,
    PercentText,
    PositiveInt,
    PositiveNumber,
    Process,
    RegionCode,
    SchemeSlug,
    ScorePercentText,
    StrictBool,
    Threshold,
    ThresholdValue,
    ValidityAnchor,
    _show,
)

__all__ = [
    "MEMBER_TYPES",
    "AssessmentMode",
    "AwardRules",
    "Band",
    "Category",
    "Choice",
    "CountryCode",
    "CurrencyCode",
    "Direction",
    "EligibilityCriteria",
    "FeeItem",
    "FeeMode",
    "Fees",
    "Improvement",
    "Indicator",
    "IndicatorId",
    "IndicatorType",
    "IsoDate",
    "Lang",
    "Level",
    "LocalId",
    "MajorityPercentText",
    "MemberType",
    "MoneyText",
    "NonEmptyStr",
    "NonNegativeDecimalText",
    "NonNegativeInt",
    "Number",
    "Party",
    "PercentText",
    "PositiveInt",
    "PositiveNumber",
    "ProcedureRules",
    "Process",
    "Recognition",
    "RegionCode",
    "RenewalRules",
    "Scheme",
    "SchemeSlug",
    "ScorePercentText",
    "StrictBool",
    "Subsidy",
    "Text",
    "Threshold",
    "ThresholdValue",
    "ValidityAnchor",
    "ValidityRules",
    "load_scheme_data",
    "load_scheme_dir",
    "load_scheme_file",
    "load_scheme_text",
]


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
    """An organisation named in a scheme: owner, operator, authority or subsidy payer.

    ``id`` is the stable key under which the installation knows the party (an operator's grants
    refer to it); without one, the key is made from the name (``key``).
    """

    name: NonEmptyStr
    country: CountryCode
    id: SchemeSlug | None = None

    @model_serializer(mode="wrap")
    def _without_absent_id(self, handler: Any) -> Any:
        # A party without an ``id`` serialises as before ``id`` existed, so the content hash
        # of every scheme file written before stays the same.
        data = handler(self)
        if self.id is None and isinstance(data, dict):
            data.pop("id", None)
        return data

    @property
    def key(self) -> str:
        """``id``, or the name as a lower-case ASCII slug ("VDI/VDE Innovation + Technik GmbH"
        gives "vdivde-innovation-technik-gmbh")."""
        if self.id:
            return self.id
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        words = re.sub(r"[^\w\s-]", "", ascii_name.lower())
        return re.sub(r"[-\s_]+", "-", words).strip("-")[:64]


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
    benchmark_pool: SchemeSlug | None = None

    @property
    def key(self) -> str:
        """``id@version``, unique across scheme versions."""
        return f"{self.id}@{self.version}"

    @property
    def pool_id(self) -> str:
        """The scheme whose benchmarking pool this scheme's assessments join (default: itself).

        ECEI Silver is assessed on Bronze's catalogue, so its assessments are benchmarked
        against (and join) the Bronze pool.
        """
        return self.benchmark_pool or self.id

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


class _SchemeYamlLoader(yaml.SafeLoader):
    """A safe loader that records duplicate mapping keys instead of silently keeping the last.

    A scalar PyYAML cannot convert (``2024-13-45`` read as a date, ``!!int abc``, an integer of
    more than 4300 digits) raises a plain ValueError in PyYAML; it is turned into a
    :class:`yaml.constructor.ConstructorError` with the scalar's position, like any other error
    in the YAML, so the loader reports it instead of crashing.
    """

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

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, ArithmeticError) as exc:
            # Every concrete node class names its kind in ``id`` (scalar, sequence, mapping);
            # the base class Node has none.
            shown = (
                str(node.value) if isinstance(node, yaml.ScalarNode) else getattr(node, "id", "")
            )
            shown = shown if len(shown) <= 40 else f"{shown[:37]}..."
            kind = node.tag.rsplit(":", 1)[-1]
            reason = str(exc).split(";")[0]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shown!r} as {kind} ({reason})", node.start_mark
            ) from None


def _mark(mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _parse_yaml(text: str, source: str) -> tuple[Any, list[SchemeProblem]]:
    loader: _SchemeYamlLoader | None = None
    try:
        loader = _SchemeYamlLoader(text)  # the reader refuses unprintable characters here
        data = loader.get_single_data()
        duplicate_keys = loader.duplicate_keys
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise SchemeFileError(
            [SchemeProblem(source, _mark(mark), f"YAML syntax error: {message}")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        where = f"line {line}, column {column}"
        message = str(exc).splitlines()[0]
        raise SchemeFileError(
            [SchemeProblem(source, where, f"YAML syntax error: {message}")]
        ) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise SchemeFileError([SchemeProblem(source, "", f"YAML error: {message}")]) from None
    except RecursionError:
        raise SchemeFileError(
            [SchemeProblem(source, "", "the YAML is nested too deeply to read")]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    problems = [
        SchemeProblem(source, _mark(mark), f"duplicate key {key!r}: the later value would win")
        for key, mark in duplicate_keys
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
        problems.extend(_check_benchmark_pool(source, scheme, by_id))
    return problems


def _check_benchmark_pool(
    source: str, scheme: Scheme, by_id: Mapping[str, list[Scheme]]
) -> list[SchemeProblem]:
    """A shared pool must exist and be scored on the same indicators (ids and types)."""
    if scheme.benchmark_pool is None or scheme.benchmark_pool == scheme.id:
        return []
    targets = by_id.get(scheme.benchmark_pool, [])
    if not targets:
        return [
            SchemeProblem(
                source,
                "benchmark_pool",
                f"scheme {scheme.benchmark_pool!r} is not among the loaded schemes",
            )
        ]
    if targets[0].benchmark_pool not in (None, targets[0].id):
        return [
            SchemeProblem(
                source,
                "benchmark_pool",
                f"scheme {scheme.benchmark_pool!r} itself joins another pool; name that one",
            )
        ]
    own = {(i.id, i.type, i.category) for i in scheme.indicators}
    if all({(i.id, i.type, i.category) for i in t.indicators} != own for t in targets):
        return [
            SchemeProblem(
                source,
                "benchmark_pool",
                f"scheme {scheme.benchmark_pool!r} has other indicators (ids, types or "
                "categories); only schemes with the same catalogue can share a pool",
            )
        ]
    return []


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
