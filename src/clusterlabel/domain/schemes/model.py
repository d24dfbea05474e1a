"""The scheme model: the typed, frozen form of a scheme file (``docs/scheme-format.md``).

A scheme is immutable once loaded: frozen pydantic models that refuse unknown fields. The field
types the models are built from are in :mod:`~clusterlabel.domain.schemes.fields`; reading and
validating a file is :mod:`~clusterlabel.domain.schemes.loading`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_serializer, model_validator

from clusterlabel.domain.errors import UnknownId
from clusterlabel.domain.schemes.fields import (
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
    ValidityAnchor,
    _bounded,
    _number,
    _show,
)


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
    # ESCA's Silver: the applicant names this many improvement areas (one category each), and
    # the on-site review validates each against the Gold criteria mapped to its category.
    improvement_areas: PositiveInt | None = None
    gold_scheme: SchemeSlug | None = None
    gold_criteria_by_category: Mapping[LocalId, tuple[IndicatorId, ...]] = Field(
        default_factory=dict
    )

    @model_serializer(mode="wrap")
    def _without_absent_areas(self, handler: Any) -> Any:
        # A rule without improvement areas serialises as before they existed, so the content
        # hash of a scheme file that does not name them stays the same.
        data = handler(self)
        if isinstance(data, dict):
            for key in ("improvement_areas", "gold_scheme"):
                if data.get(key) is None:
                    data.pop(key, None)
            if not data.get("gold_criteria_by_category"):
                data.pop("gold_criteria_by_category", None)
        return data

    def gold_criteria(self, category_id: str) -> tuple[str, ...]:
        """The Gold criteria an improvement area of ``category_id`` is validated against."""
        return tuple(self.gold_criteria_by_category.get(category_id, ()))


class AwardRules(_Frozen):
    """The rules a level requires; every rule given must hold (unset rules are not required)."""

    requires_complete_assessment: StrictBool = False
    requires_eligibility: StrictBool = False
    all_minimum_criteria: StrictBool = False
    min_score_percent: ScorePercentText | None = None
    improvement: Improvement | None = None


class Recognition(_Frozen):
    """A further label the same award yields (the BW label yields ECEI Gold), when the
    assessment also meets the recognised scheme's own award rules
    (:mod:`clusterlabel.domain.recognition`).

    ``indicators`` maps each indicator of the recognised scheme to the indicator of this scheme
    whose value stands for it (``{MGT-07: PRO-01}``: Gold's MGT-07 is BW's PRO-01). Without it,
    the recognised scheme's indicators are read under their own ids. Loading a directory checks
    that every indicator of the recognised scheme is mapped exactly once, to an indicator of
    this scheme of the same type (``across_files``).
    """

    scheme_family: SchemeSlug
    scheme: SchemeSlug
    level: LocalId
    indicators: dict[IndicatorId, IndicatorId] | None = None

    @model_serializer(mode="wrap")
    def _without_absent_indicators(self, handler: Any) -> Any:
        # A recognition without a mapping serialises as before ``indicators`` existed, so the
        # content hash of every scheme file written before stays the same.
        data = handler(self)
        if self.indicators is None and isinstance(data, dict):
            data.pop("indicators", None)
        return data

    def source_of(self, indicator_id: str) -> str:
        """The id of this scheme's indicator whose value stands for the recognised scheme's
        ``indicator_id`` (the same id when there is no mapping)."""
        if self.indicators is None:
            return indicator_id
        return self.indicators[indicator_id]


class Level(_Frozen):
    """One level of a scheme (bronze, silver, gold, or the only level).

    ``aliases`` are further names operators' lists give the label ("CE-BW", "EUCLES Gold",
    "Silberlabel"), read by the label importer. They are not rules: they are left out of the
    scheme's content hash, so adding one changes no scored result and needs no new version.
    """

    id: LocalId
    name: Text
    rank: PositiveInt
    award: AwardRules
    recognitions: tuple[Recognition, ...] = ()
    aliases: tuple[NonEmptyStr, ...] = ()

    @model_serializer(mode="wrap")
    def _without_aliases(self, handler: Any) -> Any:
        # Names for reading lists, not rules: the content hash (what an assessment was scored
        # under) stays the same when an operator adds one.
        data = handler(self)
        if isinstance(data, dict):
            data.pop("aliases", None)
        return data


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
    """A share of the gross fee (VAT included) paid by someone else, for applications in a
    date range and, when ``programmes`` is given, only by members of one of those programmes
    (the programme's key, e.g. ``go-cluster``)."""

    name: Text
    payer: Party
    percent: PercentText
    processes: Annotated[tuple[Process, ...], Field(min_length=1)]
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    programmes: tuple[SchemeSlug, ...] = ()

    @model_serializer(mode="wrap")
    def _without_absent_programmes(self, handler: Any) -> Any:
        # A subsidy open to everyone serialises as before ``programmes`` existed, so the
        # content hash of every scheme file written before stays the same.
        data = handler(self)
        if not self.programmes and isinstance(data, dict):
            data.pop("programmes", None)
        return data

    def applies(
        self, process: Process, application_date: date, programmes: frozenset[str] = frozenset()
    ) -> bool:
        """True for a listed process applied for within the (inclusive) date range by a member
        of one of ``programmes`` (when the subsidy names programmes)."""
        if process not in self.processes:
            return False
        if self.programmes and not programmes.intersection(self.programmes):
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


class AssessmentDays(_Frozen):
    """How many days an assessment takes, per process. A file writes one number for every
    process (``assessment_days: 1``) or one per process (``{new: 2, renewal: 1}``: ECEI Gold's
    first assessment is two days on site, its renewal one).

    Serialised as the one number when both are equal, so files written before the per-process
    form keep their content hash.
    """

    new: PositiveNumber
    renewal: PositiveNumber

    @model_validator(mode="before")
    @classmethod
    def _one_number_for_every_process(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            days = _bounded(_number, gt=0)(value)
            return {"new": days, "renewal": days}
        raise ValueError(
            "must be a number of days or one per process ({new: 2, renewal: 1}), "
            f"found {_show(value)}"
        )

    @model_serializer(mode="wrap")
    def _one_number_when_equal(self, handler: Any) -> Any:
        return handler(self) if self.new != self.renewal else handler(self)["new"]

    def of(self, process: Process) -> Decimal:
        """The days of ``process``."""
        return self.new if process == "new" else self.renewal


class StepDeadlines(_Frozen):
    """Days, counted from entering a state, within which the state's owner should act; a
    state left out keeps clusterlabel's default (``DEFAULT_DEADLINE_DAYS`` in
    :mod:`clusterlabel.domain.procedure.deadlines`). The fields are the states that have a day
    count; the contracted state's count applies only until an assessment date is set (then the
    self-assessment is due ``self_assessment_due_days_before_assessment`` before it)."""

    applied: PositiveInt | None = None
    changes_requested: PositiveInt | None = None
    contracted: PositiveInt | None = None
    self_assessment_submitted: PositiveInt | None = None
    assessment_in_progress: PositiveInt | None = None
    report_submitted: PositiveInt | None = None
    board_review: PositiveInt | None = None
    awaiting_decision: PositiveInt | None = None

    @model_serializer(mode="wrap")
    def _without_absent_states(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            data = {state: days for state, days in data.items() if days is not None}
        return data

    def given(self) -> Mapping[str, int]:
        """The states the file gives a day count for, in file-format order."""
        return MappingProxyType({state: days for state, days in self if isinstance(days, int)})


class ProcedureRules(_Frozen):
    """What the labelling procedure of this scheme needs (assessors, board, deadlines).

    ``assessment_days`` is one number for every process or one per process
    (:meth:`assessment_days_for`). ``board_name`` names the body that reviews the report (ECEI
    Gold's cluster-excellence group); without it, pages call it the advisory board.
    ``deadlines`` gives step deadlines that differ from the defaults (:attr:`step_deadlines`).
    """

    assessors: PositiveInt
    national_and_foreign: StrictBool = False
    assessment_modes: Annotated[tuple[AssessmentMode, ...], Field(min_length=1)]
    assessment_days: AssessmentDays
    advisory_board: StrictBool = False
    board_name: Text | None = None
    board_quorum: PositiveInt | None = None
    board_majority_percent: MajorityPercentText | None = None
    self_assessment_due_days_before_assessment: NonNegativeInt | None = None
    deadlines: StepDeadlines | None = None

    @model_serializer(mode="wrap")
    def _without_absent_board_name_and_deadlines(self, handler: Any) -> Any:
        # A file without them serialises as before they existed, so the content hash of every
        # scheme version loaded before stays the same.
        data = handler(self)
        if isinstance(data, dict):
            for key in ("board_name", "deadlines"):
                if not data.get(key):  # absent, or deadlines: {} (every default kept)
                    data.pop(key, None)
        return data

    def assessment_days_for(self, process: Process) -> Decimal:
        """The days the assessment of ``process`` takes (``new`` or ``renewal``)."""
        return self.assessment_days.of(process)

    @property
    def step_deadlines(self) -> Mapping[str, int]:
        """The step deadlines (state -> days) the file gives; the other states keep the
        defaults."""
        return self.deadlines.given() if self.deadlines is not None else MappingProxyType({})


class RetentionRules(_Frozen):
    """How long the operator keeps what a procedure collected (the file's optional
    ``retention:``): evidence files are deleted ``evidence_months_after_decision`` months after
    the authority's decision (``clusterlabel apply-retention``)."""

    evidence_months_after_decision: Annotated[int, Strict(), Field(ge=1, le=1200)]


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
    retention: RetentionRules | None = None

    @model_serializer(mode="wrap")
    def _without_absent_retention(self, handler: Any) -> Any:
        # A file without ``retention:`` serialises as before the section existed, so the
        # content hash of every scheme file written before stays the same.
        data = handler(self)
        if self.retention is None and isinstance(data, dict):
            data.pop("retention", None)
        return data

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
