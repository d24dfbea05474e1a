"""Which experts could assess this organisation, in which order, and a panel to start from.

The secretariat composes the panel; this module only *suggests*. Given what the procedure
needs (:class:`PanelNeeds`) and the pool of experts who hold the assessor role for the scheme
(:class:`Candidate`), :func:`suggest_panel` answers with

* ``excluded``: every candidate who may not assess this procedure, each with *every* reason
  (:func:`exclusion_reasons`): no confirmed qualification for the scheme and level that is
  valid on the assessment date (``qualification_missing``, ``qualification_unconfirmed``,
  ``qualification_not_yet_valid``, ``qualification_expired``), a conflict declared on the
  profile for the organisation (``conflict_declared``), or a profile that does not cover the
  organisation's country (``country_not_covered``);
* ``eligible``: everyone else, ranked, each with the reasons of their place;
* ``panel``: a complete panel that meets the scheme's rule (its size; where the scheme asks for
  it, at least one national and one foreign assessor), or empty with ``panel_reason`` when the
  eligible candidates cannot make one.

The ranking, from the most to the least important (lexicographic, so a later criterion only
breaks ties of the earlier ones):

1. fills a slot the panel still needs: with the ``national_and_foreign`` rule, a national
   candidate while the current panel (``PanelNeeds.current``, the assessors already proposed)
   has no national assessor, a foreign one while it has no foreign assessor;
2. speaks one of the organisation's languages (:func:`languages_of` its country);
3. works in the organisation's sector;
4. fewer open assignments (procedures not yet finished) — a lower load;
5. did not assess this organisation in its previous procedure (rotation);
6. then by name and id, so the order is total and stable.

Guarantees:

* ``eligible`` and ``excluded`` partition the pool (every candidate exactly once, by id);
* nobody in ``eligible`` or ``panel`` lacks a confirmed qualification valid on ``needs.on``,
  has declared a conflict with the organisation, or may not assess in its country;
* ``panel`` is empty or has exactly ``needs.size`` distinct eligible candidates and meets the
  national/foreign rule; it is empty only when no such panel exists among the eligible;
* pure: no I/O, and the same input gives the same output.

Reason codes and their params (rendered to words by the presenter):
``national_slot{country}``, ``foreign_slot{country}``, ``speaks_language{languages}``,
``no_common_language{languages}``, ``sector_match{sector}``,
``open_assignments{count}``, ``assessed_last_cycle{}``; for a panel that cannot be made:
``no_national_candidate{country}``, ``no_foreign_candidate{country}``,
``too_few_candidates{need, have}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from clusterlabel.domain.errors import Reason

# The official languages (ISO 639-1) of the countries clusters are assessed in, most spoken
# first: what "speaks the organisation's language" means. A country not listed has none, so
# nobody is ranked up for its language.
OFFICIAL_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",), "BE": ("nl", "fr", "de"), "BG": ("bg",), "CH": ("de", "fr", "it"),
    "CY": ("el", "tr"), "CZ": ("cs",), "DE": ("de",), "DK": ("da",), "EE": ("et",),
    "ES": ("es",), "FI": ("fi", "sv"), "FR": ("fr",), "GB": ("en",), "GR": ("el",),
    "HR": ("hr",), "HU": ("hu",), "IE": ("en", "ga"), "IS": ("is",), "IT": ("it",),
    "LI": ("de",), "LT": ("lt",), "LU": ("lb", "fr", "de"), "LV": ("lv",), "MT": ("mt", "en"),
    "NL": ("nl",), "NO": ("no",), "PL": ("pl",), "PT": ("pt",), "RO": ("ro",), "SE": ("sv",),
    "SI": ("sl",), "SK": ("sk",), "TR": ("tr",), "UA": ("uk",),
}  # fmt: skip


def languages_of(country: str) -> tuple[str, ...]:
    """The official languages of ``country`` (ISO 3166-1 alpha-2, any case); empty if unknown."""
    return OFFICIAL_LANGUAGES.get(country.upper(), ())


class QualificationKind(StrEnum):
    """How an expert became qualified for a scheme and level."""

    TRAINING = "training"
    LICENCE = "licence"


class ExclusionCode(StrEnum):
    """Why a candidate may not assess this procedure."""

    QUALIFICATION_MISSING = "qualification_missing"
    QUALIFICATION_UNCONFIRMED = "qualification_unconfirmed"
    QUALIFICATION_NOT_YET_VALID = "qualification_not_yet_valid"
    QUALIFICATION_EXPIRED = "qualification_expired"
    CONFLICT_DECLARED = "conflict_declared"
    COUNTRY_NOT_COVERED = "country_not_covered"


class RankCode(StrEnum):
    """The observations a candidate's place is made of."""

    NATIONAL_SLOT = "national_slot"
    FOREIGN_SLOT = "foreign_slot"
    SPEAKS_LANGUAGE = "speaks_language"
    NO_COMMON_LANGUAGE = "no_common_language"
    SECTOR_MATCH = "sector_match"
    OPEN_ASSIGNMENTS = "open_assignments"
    ASSESSED_LAST_CYCLE = "assessed_last_cycle"


class PanelCode(StrEnum):
    """Why no complete panel can be suggested."""

    NO_NATIONAL_CANDIDATE = "no_national_candidate"
    NO_FOREIGN_CANDIDATE = "no_foreign_candidate"
    TOO_FEW_CANDIDATES = "too_few_candidates"


@dataclass(frozen=True, kw_only=True)
class Qualification:
    """One qualification of an expert for one level of one scheme, valid from ``valid_from``
    to ``valid_until`` inclusive; it counts only once the scheme's secretariat ``confirmed``
    it."""

    scheme_id: str
    level_id: str
    kind: QualificationKind
    valid_from: date
    valid_until: date
    confirmed: bool

    def covers(self, scheme_id: str, level_id: str) -> bool:
        return self.scheme_id == scheme_id and self.level_id == level_id

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True, kw_only=True)
class DeclaredConflict:
    """A conflict the expert declared once on their profile: they worked for (or with) the
    organisation ``organisation_id`` since ``since``; it applies to every later procedure."""

    organisation_id: int
    since: date | None = None


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """An expert in the pool as the suggestion sees them.

    ``countries`` are the countries they may assess in (ISO 3166-1 alpha-2); empty means no
    restriction. ``open_assignments`` counts the unfinished procedures they are on (their
    load); ``assessed_last_cycle`` whether they were on the organisation's previous procedure.
    """

    assessor_id: int
    name: str
    country: str  # ISO 3166-1 alpha-2: national or foreign is decided against the organisation
    languages: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    qualifications: tuple[Qualification, ...] = ()
    conflicts: tuple[DeclaredConflict, ...] = ()
    open_assignments: int = 0
    assessed_last_cycle: bool = False


@dataclass(frozen=True, kw_only=True)
class PanelNeeds:
    """What the procedure needs: the scheme's panel rule, the organisation, the scheme and level,
    and the day the qualifications must be valid on (the assessment date, or today when there
    is none yet). ``current`` holds the ids of the assessors already proposed: the national or
    foreign slot they fill is no longer needed."""

    size: int
    national_and_foreign: bool
    organisation_id: int
    home_country: str
    sector: str
    scheme_id: str
    level_id: str
    on: date
    languages: tuple[str, ...] = ()
    current: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError("a panel has at least one assessor")
        if self.national_and_foreign and self.size < 2:
            raise ValueError("national_and_foreign needs at least 2 assessors")
        if not self.languages:
            object.__setattr__(self, "languages", languages_of(self.home_country))


@dataclass(frozen=True)
class Ranked:
    """An eligible candidate with the reasons of their place."""

    candidate: Candidate
    national: bool
    reasons: tuple[Reason, ...]
    key: tuple[object, ...] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Excluded:
    """A candidate who may not assess this procedure, with every reason why."""

    candidate: Candidate
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


@dataclass(frozen=True)
class Suggestion:
    """The answer of :func:`suggest_panel`; see the module's guarantees."""

    eligible: tuple[Ranked, ...]
    excluded: tuple[Excluded, ...]
    panel: tuple[Ranked, ...]
    panel_reason: Reason | None

    @property
    def panel_ids(self) -> tuple[int, ...]:
        return tuple(r.candidate.assessor_id for r in self.panel)


def qualification_reason(
    qualifications: Iterable[Qualification], scheme_id: str, level_id: str, on: date
) -> Reason | None:
    """``None`` when one of ``qualifications`` is confirmed, for the scheme and level, and
    valid on ``on``; otherwise the reason, the closest to counting first: expired (a confirmed
    one that ended, with its end), not yet valid (a confirmed one that starts later), not
    confirmed, missing."""
    covering = [q for q in qualifications if q.covers(scheme_id, level_id)]
    confirmed = [q for q in covering if q.confirmed]
    if any(q.valid_on(on) for q in confirmed):
        return None
    params = {"scheme": scheme_id, "level": level_id}
    ended = [q.valid_until for q in confirmed if q.valid_until < on]
    if ended:
        return Reason(ExclusionCode.QUALIFICATION_EXPIRED, {**params, "valid_until": max(ended)})
    starting = [q.valid_from for q in confirmed if q.valid_from > on]
    if starting:
        return Reason(
            ExclusionCode.QUALIFICATION_NOT_YET_VALID, {**params, "valid_from": min(starting)}
        )
    if covering:
        return Reason(ExclusionCode.QUALIFICATION_UNCONFIRMED, params)
    return Reason(ExclusionCode.QUALIFICATION_MISSING, params)


def conflict_reason(conflicts: Iterable[DeclaredConflict], organisation_id: int) -> Reason | None:
    """The reason when the expert declared a conflict with the organisation, else ``None``."""
    for conflict in conflicts:
        if conflict.organisation_id == organisation_id:
            return Reason(ExclusionCode.CONFLICT_DECLARED, {"since": conflict.since})
    return None


def exclusion_reasons(candidate: Candidate, needs: PanelNeeds) -> tuple[Reason, ...]:
    """Every reason why ``candidate`` may not assess this procedure (empty: they may), in the
    order qualification, conflict, country."""
    reasons: list[Reason] = []
    qualification = qualification_reason(
        candidate.qualifications, needs.scheme_id, needs.level_id, needs.on
    )
    if qualification is not None:
        reasons.append(qualification)
    conflict = conflict_reason(candidate.conflicts, needs.organisation_id)
    if conflict is not None:
        reasons.append(conflict)
    home = needs.home_country.upper()
    if candidate.countries and home not in {c.upper() for c in candidate.countries}:
        reasons.append(Reason(ExclusionCode.COUNTRY_NOT_COVERED, {"country": home}))
    return tuple(reasons)


def _is_national(candidate: Candidate, needs: PanelNeeds) -> bool:
    return bool(candidate.country) and candidate.country.upper() == needs.home_country.upper()


def _open_slots(needs: PanelNeeds, pool: Iterable[Candidate]) -> tuple[bool, bool]:
    """Whether a national and whether a foreign assessor are still needed, given the current
    panel (both never, without the national/foreign rule)."""
    if not needs.national_and_foreign:
        return False, False
    current = [c for c in pool if c.assessor_id in needs.current]
    has_national = any(_is_national(c, needs) for c in current)
    has_foreign = any(not _is_national(c, needs) for c in current)
    return not has_national, not has_foreign


def _rank(candidate: Candidate, needs: PanelNeeds, open_slots: tuple[bool, bool]) -> Ranked:
    national = _is_national(candidate, needs)
    home = needs.home_country.upper()
    reasons: list[Reason] = []
    fills_slot = (open_slots[0] and national) or (open_slots[1] and not national)
    if fills_slot:
        code = RankCode.NATIONAL_SLOT if national else RankCode.FOREIGN_SLOT
        reasons.append(Reason(code, {"country": home}))
    common = tuple(lang for lang in needs.languages if lang in candidate.languages)
    if common:
        reasons.append(Reason(RankCode.SPEAKS_LANGUAGE, {"languages": common}))
    elif needs.languages:
        reasons.append(Reason(RankCode.NO_COMMON_LANGUAGE, {"languages": needs.languages}))
    sector_match = bool(needs.sector) and needs.sector in candidate.sectors
    if sector_match:
        reasons.append(Reason(RankCode.SECTOR_MATCH, {"sector": needs.sector}))
    reasons.append(Reason(RankCode.OPEN_ASSIGNMENTS, {"count": candidate.open_assignments}))
    if candidate.assessed_last_cycle:
        reasons.append(Reason(RankCode.ASSESSED_LAST_CYCLE, {}))
    key = (
        not fills_slot,
        not common,
        not sector_match,
        candidate.open_assignments,
        candidate.assessed_last_cycle,
        candidate.name.casefold(),
        candidate.assessor_id,
    )
    return Ranked(candidate, national, tuple(reasons), key)


def _complete_panel(
    ranked: tuple[Ranked, ...], needs: PanelNeeds
) -> tuple[tuple[Ranked, ...], Reason | None]:
    """The best panel from ``ranked`` (already in order): with the national/foreign rule the
    best national and the best foreign candidate first, then the best of the others."""
    home = needs.home_country.upper()
    if len(ranked) < needs.size:
        return (), Reason(PanelCode.TOO_FEW_CANDIDATES, {"need": needs.size, "have": len(ranked)})
    if not needs.national_and_foreign:
        return ranked[: needs.size], None
    national = next((r for r in ranked if r.national), None)
    foreign = next((r for r in ranked if not r.national), None)
    if national is None:
        return (), Reason(PanelCode.NO_NATIONAL_CANDIDATE, {"country": home})
    if foreign is None:
        return (), Reason(PanelCode.NO_FOREIGN_CANDIDATE, {"country": home})
    chosen = {national.candidate.assessor_id, foreign.candidate.assessor_id}
    rest = [r for r in ranked if r.candidate.assessor_id not in chosen]
    panel = sorted([national, foreign, *rest[: needs.size - 2]], key=lambda r: r.key)
    return tuple(panel), None


def suggest_panel(needs: PanelNeeds, pool: Iterable[Candidate]) -> Suggestion:
    """Rank ``pool`` for ``needs`` and suggest a complete panel (see the module docstring for
    the order and the guarantees). A candidate listed twice (same ``assessor_id``) counts once,
    the first listing."""
    unique: dict[int, Candidate] = {}
    for candidate in pool:
        unique.setdefault(candidate.assessor_id, candidate)
    candidates = list(unique.values())
    excluded: list[Excluded] = []
    allowed: list[Candidate] = []
    for candidate in candidates:
        reasons = exclusion_reasons(candidate, needs)
        if reasons:
            excluded.append(Excluded(candidate, reasons))
        else:
            allowed.append(candidate)
    open_slots = _open_slots(needs, candidates)
    ranked = tuple(sorted((_rank(c, needs, open_slots) for c in allowed), key=lambda r: r.key))
    panel, reason = _complete_panel(ranked, needs)
    excluded.sort(key=lambda e: (e.candidate.name.casefold(), e.candidate.assessor_id))
    return Suggestion(ranked, tuple(excluded), panel, reason)
