"""One organisation's benchmark report, worded for people: what the web page and the PDF show.

The statistics come from the domain (:func:`~clusterlabel.domain.benchmark.organisation_report`,
:func:`~clusterlabel.domain.benchmark.compare_cycles`); this module adds the scheme's texts in
the current language, formats values the way the indicator is answered (numbers with their unit,
yes/no, the choice's name) and says in words which group the figures describe and why it is
not the one asked for. It never adds another organisation's value: everything it formats comes
from the organisation's own rows or from the domain's distributions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.selectors import (
    PoolSnapshot,
    latest_pool,
    organisation_cycles,
    pool_report,
)
from clusterlabel.core.countries import country_name
from clusterlabel.core.formatting import number, percent
from clusterlabel.core.language import current_language
from clusterlabel.domain.benchmark import (
    AGE_BANDS,
    MIN_OTHERS,
    SIZE_BANDS,
    Change,
    Distribution,
    FallbackReason,
    OrganisationReport,
    PeerGroup,
    WithheldReason,
    age_band,
    compare_cycles,
    size_band,
)
from clusterlabel.domain.benchmark.from_scheme import earned_points, encode_values, indicator_specs
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.domain.scoring import IndicatorValue, score_assessment
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.values import from_json

DASH = "\u2013"

PEER_GROUP_NAMES = {
    PeerGroup.ALL: gettext_lazy("All organisations"),
    PeerGroup.SECTOR: gettext_lazy("Same sector"),
    PeerGroup.COUNTRY: gettext_lazy("Same country"),
    PeerGroup.AGE_BAND: gettext_lazy("Same age"),
    PeerGroup.SIZE_BAND: gettext_lazy("Same size"),
}

AGE_BAND_NAMES = {
    "under-3": gettext_lazy("founded less than 3 years ago"),
    "3-9": gettext_lazy("founded 3 to 9 years ago"),
    "10-19": gettext_lazy("founded 10 to 19 years ago"),
    "20-plus": gettext_lazy("founded 20 or more years ago"),
}
SIZE_BAND_NAMES = {
    "under-25": gettext_lazy("fewer than 25 members"),
    "25-74": gettext_lazy("25 to 74 members"),
    "75-149": gettext_lazy("75 to 149 members"),
    "150-plus": gettext_lazy("150 or more members"),
}
assert set(AGE_BAND_NAMES) == {band for band, *_ in AGE_BANDS}
assert set(SIZE_BAND_NAMES) == {band for band, *_ in SIZE_BANDS}

CHANGE_NAMES = {
    Change.IMPROVED: gettext_lazy("improved"),
    Change.UNCHANGED: gettext_lazy("unchanged"),
    Change.DECLINED: gettext_lazy("declined"),
    Change.NOT_COMPARABLE: gettext_lazy("not comparable"),
}

WITHHELD_TEXTS = {
    WithheldReason.POOL_TOO_SMALL: gettext_lazy(
        "Not shown: the pool has fewer than %(minimum)s other organisations."
    ),
    WithheldReason.TOO_FEW_VALUES: gettext_lazy(
        "Not shown: fewer than %(minimum)s other organisations of the group have a value."
    ),
}


def sector_name(code: str) -> str:
    try:
        return str(Sector(code).label)
    except ValueError:
        return code


def withheld_text(reason: WithheldReason | None) -> str:
    if reason is None:
        return ""
    return str(WITHHELD_TEXTS[reason] % {"minimum": MIN_OTHERS})


# --- formatting -----------------------------------------------------------------------------


def format_encoded(
    indicator: Indicator, value: float | Decimal | None, *, unit: bool = True
) -> str:
    """An encoded value (or a quantile of encoded values) as the indicator is answered;
    ``unit=False`` leaves out the unit (for ranges next to a value that has it)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    lang = current_language()
    if indicator.type == "boolean":
        if value >= 1:
            return _("yes")
        if value <= 0:
            return _("no")
        return _("%(percent)s %% yes") % {"percent": number(round(value * 100))}
    if indicator.type == "choice":
        names = [choice.name.get(lang) for choice in indicator.choices]
        lower, upper = math.floor(value), math.ceil(value)
        if lower == upper:
            return names[int(lower)]
        return f"{names[int(lower)]} {DASH} {names[int(upper)]}"
    text = number(_rounded(value))
    if not unit:
        return text
    if indicator.type == "percent":
        return f"{text} %"
    if indicator.unit:
        return f"{text} {indicator.unit.get(lang)}"
    return text


def choice_levels(lowest: float | None, highest: float | None) -> str:
    """Choice positions (worst = 1) instead of the choices' long names: "level 3", "level 2-3"
    for a quantile between two choices or a range."""
    if lowest is None or highest is None or math.isnan(lowest) or math.isnan(highest):
        return DASH
    low, high = math.floor(lowest) + 1, math.ceil(highest) + 1
    level = str(low) if low == high else f"{low}{DASH}{high}"
    return _("level %(level)s") % {"level": level}


def levels_key(indicator: Indicator) -> str:
    """What the levels of a choice indicator mean: "Levels: 1 = ...; 2 = ..."."""
    names = "; ".join(
        f"{number} = {choice.name.get(current_language())}"
        for number, choice in enumerate(indicator.choices, start=1)
    )
    return _("Levels: %(levels)s") % {"levels": names}


def _rounded(value: float | Decimal) -> Decimal:
    """At most two decimals, without trailing zeros (12.5, 3, 0.33)."""
    return Decimal(str(round(value, 2))).normalize() + 0


def format_percent(value: float | Decimal | None) -> str:
    """A share as everywhere else (``clusterlabel.core.formatting.percent``); a dash for none."""
    if value is None:
        return DASH
    return percent(value)


def format_rank(value: float | None) -> str:
    if value is None:
        return DASH
    return number(round(value))


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionText:
    n: int
    p10: str
    q1: str
    median: str
    q3: str
    p90: str


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    name: str
    help: str
    value: str
    threshold: str
    gap: str
    met: bool
    percentile_rank: float | None
    rank_text: str
    distribution: DistributionText | None
    withheld: str
    encoded_value: float | None
    encoded_threshold: float
    raw_distribution: Distribution | None
    levels: str = ""
    """For choice indicators: what the levels shown instead of the long choice names mean."""


@dataclass(frozen=True)
class ScoreRow:
    key: str
    name: str
    score: float | None
    score_text: str
    percentile_rank: float | None
    rank_text: str
    distribution: Distribution | None
    distribution_text: DistributionText | None
    withheld: str


@dataclass(frozen=True)
class CategoryBlock:
    score: ScoreRow
    indicators: list[IndicatorRow]


@dataclass(frozen=True)
class RecommendationRow:
    indicator_id: str
    name: str
    category: str
    help: str
    points_at_stake: str
    value: str
    threshold: str
    gap: str


@dataclass(frozen=True)
class ChangeRow:
    key: str
    name: str
    previous: str
    current: str
    change: Change
    change_text: str


@dataclass(frozen=True)
class CycleBlock:
    previous_on: date
    current_on: date
    categories: list[ChangeRow]
    indicators: list[ChangeRow]
    counts: dict[str, int]
    improved_categories: int
    silver_minimum: int | None


@dataclass
class BenchmarkReport:
    """Everything one organisation's report shows, in the current language."""

    organisation: Organisation
    snapshot: PoolSnapshot
    scheme: Scheme
    latest: ReferenceAssessment
    domain: OrganisationReport
    requested_name: str
    used_name: str
    group_description: str
    fallback_text: str
    withheld_text: str
    overall: ScoreRow
    categories: list[CategoryBlock]
    recommendations: list[RecommendationRow]
    cycle: CycleBlock | None
    source_name: str
    peer_choices: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def scheme_name(self) -> str:
        return self.scheme.name.get(current_language())

    @property
    def synthetic(self) -> int:
        return self.snapshot.synthetic

    @property
    def pool_size(self) -> int:
        return self.snapshot.organisations


def _distribution_text(indicator: Indicator | None, distribution: Distribution | None) -> Any:
    """The distribution's quantiles as the cells show them: percentages for scores, levels for
    choice indicators, numbers without their unit otherwise (the median too: the organisation's
    own value next to it carries the unit)."""
    if distribution is None:
        return None

    def show(value: float | None) -> str:
        if value is None:
            return DASH
        if indicator is None:
            return format_percent(value)
        if indicator.type == "choice":
            return choice_levels(value, value)
        return format_encoded(indicator, value, unit=False)

    p10, q1, median, q3, p90 = (show(value) for value in distribution.quantiles)
    return DistributionText(n=distribution.n, p10=p10, q1=q1, median=median, q3=q3, p90=p90)


def _score_row(key: str, name: str, result: Any) -> ScoreRow:
    return ScoreRow(
        key=key,
        name=name,
        score=result.score,
        score_text=format_percent(result.score),
        percentile_rank=result.percentile_rank,
        rank_text=format_rank(result.percentile_rank),
        distribution=result.distribution,
        distribution_text=_distribution_text(None, result.distribution),
        withheld=withheld_text(result.withheld),
    )


def cell_text(indicator: Indicator, value: float | None, *, unit: bool = True) -> str:
    """A value for a table cell: choices as their level (the names are long)."""
    if indicator.type == "choice":
        return choice_levels(value, value)
    return format_encoded(indicator, value, unit=unit)


def _gap_text(indicator: Indicator, gap: float | None, met: bool) -> str:
    if met:
        return DASH
    if gap is None:
        return _("no value")
    if indicator.type in ("boolean", "choice"):
        return _("not met")
    return format_encoded(indicator, gap, unit=False)


def group_description(row: ReferenceAssessment, group: PeerGroup | None, today: date) -> str:
    """Which organisations a group holds, in words ("Same sector: Biotechnology")."""
    if group is None:
        return ""
    if group is PeerGroup.ALL:
        return str(PEER_GROUP_NAMES[group])
    if group is PeerGroup.SECTOR:
        detail = sector_name(row.sector)
    elif group is PeerGroup.COUNTRY:
        detail = country_name(row.country)
    elif group is PeerGroup.AGE_BAND:
        band = age_band(row.founding_year, today.year)
        detail = str(AGE_BAND_NAMES.get(band or "", _("unknown")))
    else:
        band = size_band(row.committed_members)
        detail = str(SIZE_BAND_NAMES.get(band or "", _("unknown")))
    return f"{PEER_GROUP_NAMES[group]}: {detail}"


def _fallback_text(domain: OrganisationReport) -> str:
    if not domain.fell_back:
        return ""
    requested = PEER_GROUP_NAMES[domain.requested_group]
    if domain.fallback_reason is FallbackReason.ATTRIBUTE_UNKNOWN:
        return _(
            "“%(group)s” cannot be used because this attribute of your organisation is not "
            "known; the figures compare with all organisations instead."
        ) % {"group": requested}
    return _(
        "“%(group)s” has fewer than %(minimum)s other organisations, too few to show figures "
        "without revealing anyone's values; the figures compare with all organisations instead."
    ) % {"group": requested, "minimum": MIN_OTHERS}


def _silver_minimum(pool_id: str) -> int | None:
    from clusterlabel.schemes.models import SchemeVersion

    for version in SchemeVersion.objects.filter(is_current=True):
        scheme = version.scheme
        if scheme.pool_id != pool_id:
            continue
        for level in scheme.levels:
            if level.award.improvement is not None:
                return level.award.improvement.min_improved_categories
    return None


def stored_values(scheme: Scheme, row: ReferenceAssessment) -> dict[str, IndicatorValue]:
    """A pool row's values as the domain has them, for the indicators of ``scheme``."""
    return {
        indicator.id: from_json(indicator, row.values.get(indicator.id))
        for indicator in scheme.indicators
    }


def _cycle(
    scheme: Scheme, latest: ReferenceAssessment, previous: ReferenceAssessment | None
) -> CycleBlock | None:
    if previous is None:
        return None
    lang = current_language()
    specs = indicator_specs(scheme)
    by_id = {indicator.id: indicator for indicator in scheme.indicators}

    def encoded(row: ReferenceAssessment) -> dict[str, float | None]:
        return encode_values(scheme, stored_values(scheme, row))

    def percents(row: ReferenceAssessment) -> dict[str, Decimal]:
        return {
            category.id: Decimal(row.category_percent[category.id])
            for category in scheme.categories
            if category.id in row.category_percent
        }

    comparison = compare_cycles(
        encoded(previous),
        encoded(latest),
        specs,
        previous_category_scores=percents(previous),
        current_category_scores=percents(latest),
    )
    categories = [
        ChangeRow(
            key=change.category,
            name=scheme.category(change.category).name.get(lang),
            previous=format_percent(change.previous),
            current=format_percent(change.current),
            change=change.change,
            change_text=str(CHANGE_NAMES[change.change]),
        )
        for change in comparison.categories
    ]
    indicators = [
        ChangeRow(
            key=change.indicator_id,
            name=by_id[change.indicator_id].name.get(lang),
            previous=format_encoded(by_id[change.indicator_id], change.previous),
            current=format_encoded(by_id[change.indicator_id], change.current),
            change=change.change,
            change_text=str(CHANGE_NAMES[change.change]),
        )
        for change in comparison.indicators
    ]
    counts = {kind.value: 0 for kind in Change}
    for change in comparison.indicators:
        counts[change.change.value] += 1
    return CycleBlock(
        previous_on=previous.assessed_on,
        current_on=latest.assessed_on,
        categories=categories,
        indicators=indicators,
        counts=counts,
        improved_categories=comparison.improved_category_count,
        silver_minimum=_silver_minimum(latest.pool_id),
    )


# Keyed by the stored source, a plain string, so that an unknown one falls back to itself.
SOURCE_NAMES: dict[str, Promise] = {
    ReferenceSource.PROCEDURE: gettext_lazy("assessment in this system"),
    ReferenceSource.IMPORT: gettext_lazy("imported assessment"),
    ReferenceSource.SYNTHETIC: gettext_lazy("synthetic demo data"),
}


def benchmark_report(
    organisation: Organisation,
    pool_id: str,
    *,
    peer_group: PeerGroup | str = PeerGroup.ALL,
    today: date,
) -> BenchmarkReport | None:
    """The report of ``organisation`` against pool ``pool_id``; ``None`` when the
    organisation has no assessment in that pool (or the pool no catalogue)."""
    peer_group = PeerGroup(peer_group)
    snapshot = latest_pool(pool_id, today=today)
    if snapshot is None:
        return None
    latest, previous = organisation_cycles(pool_id, organisation)
    if latest is None:
        return None
    scheme = snapshot.scheme
    lang = current_language()
    key = f"org:{organisation.pk}"
    score = score_assessment(scheme, stored_values(scheme, latest))
    domain = pool_report(snapshot, key, peer_group=peer_group, earned_points=earned_points(score))

    by_category: dict[str, list[IndicatorRow]] = {c.id: [] for c in scheme.categories}
    for result in domain.indicators:
        indicator = scheme.indicator(result.indicator_id)
        by_category[indicator.category].append(
            IndicatorRow(
                indicator=indicator,
                name=indicator.name.get(lang),
                help=indicator.help.get(lang),
                value=cell_text(indicator, result.value),
                threshold=cell_text(indicator, result.threshold, unit=False),
                gap=_gap_text(indicator, result.gap, result.met),
                met=result.met,
                percentile_rank=result.percentile_rank,
                rank_text=format_rank(result.percentile_rank),
                distribution=_distribution_text(indicator, result.distribution),
                withheld=withheld_text(result.withheld),
                encoded_value=result.value,
                encoded_threshold=result.threshold,
                raw_distribution=result.distribution,
                levels=levels_key(indicator) if indicator.type == "choice" else "",
            )
        )
    categories = []
    for category_score in domain.categories:
        category = category_score.category
        assert category is not None  # only the overall score belongs to no category
        name = scheme.category(category).name.get(lang)
        categories.append(
            CategoryBlock(
                score=_score_row(category, name, category_score),
                indicators=by_category[category],
            )
        )
    recommendations = []
    for recommendation in domain.recommendations:
        indicator = scheme.indicator(recommendation.indicator_id)
        recommendations.append(
            RecommendationRow(
                indicator_id=indicator.id,
                name=indicator.name.get(lang),
                category=scheme.category(indicator.category).name.get(lang),
                help=indicator.help.get(lang),
                points_at_stake=number(_rounded(recommendation.points_at_stake)),
                value=format_encoded(indicator, recommendation.value),
                threshold=format_encoded(indicator, recommendation.threshold),
                gap=_gap_text(indicator, recommendation.gap, False),
            )
        )
    description = group_description(latest, domain.used_group, today)
    return BenchmarkReport(
        organisation=organisation,
        snapshot=snapshot,
        scheme=scheme,
        latest=latest,
        domain=domain,
        requested_name=str(PEER_GROUP_NAMES[peer_group]),
        used_name=str(PEER_GROUP_NAMES[domain.used_group]) if domain.used_group else "",
        group_description=description,
        fallback_text=_fallback_text(domain),
        withheld_text=withheld_text(domain.statistics_withheld),
        overall=_score_row("overall", _("Overall"), domain.overall),
        categories=categories,
        recommendations=recommendations,
        cycle=_cycle(scheme, latest, previous),
        source_name=str(SOURCE_NAMES.get(latest.source, latest.source)),
        peer_choices=[
            (group.value, str(PEER_GROUP_NAMES[group]), group_description(latest, group, today))
            for group in PeerGroup
        ],
    )
