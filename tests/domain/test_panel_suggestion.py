"""The panel suggestion: who may assess, in which order, and a complete panel (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain.panel_suggestion import (
    Candidate,
    DeclaredConflict,
    ExclusionCode,
    PanelNeeds,
    Qualification,
    QualificationKind,
    languages_of,
    qualification_reason,
    suggest_panel,
)
from clusterlabel.domain.procedure import guards

DAY = date(2026, 6, 15)
ORG = 7
GOLD = "ecei-gold"


def qualification(
    *,
    scheme: str = GOLD,
    level: str = "gold",
    start: date = date(2024, 1, 1),
    end: date = date(2027, 12, 31),
    confirmed: bool = True,
) -> Qualification:
    return Qualification(
        scheme_id=scheme,
        level_id=level,
        kind=QualificationKind.LICENCE,
        valid_from=start,
        valid_until=end,
        confirmed=confirmed,
    )


def expert(assessor_id: int, country: str, name: str | None = None, **kwargs: object) -> Candidate:
    values: dict[str, object] = {
        "name": name or f"Expert {assessor_id:02d}",
        "languages": frozenset({"en"}),
        "qualifications": (qualification(),),
    }
    values.update(kwargs)
    return Candidate(assessor_id=assessor_id, country=country, **values)  # type: ignore[arg-type]


def gold_needs(**kwargs: object) -> PanelNeeds:
    values: dict[str, object] = {
        "size": 2,
        "national_and_foreign": True,
        "organisation_id": ORG,
        "home_country": "DE",
        "sector": "health_medical",
        "scheme_id": GOLD,
        "level_id": "gold",
        "on": DAY,
    }
    values.update(kwargs)
    return PanelNeeds(**values)  # type: ignore[arg-type]


HEALTH, ICT = frozenset({"health_medical"}), frozenset({"ict"})
SINCE_2019 = (DeclaredConflict(organisation_id=ORG, since=date(2019, 1, 1)),)
SILVER_ONLY = (qualification(level="silver", scheme="ecei-silver"),)

# A hand-built pool for a German medical-technology cluster; the expected order is known.
POOL = (
    # eligible
    expert(1, "DE", "Anna", languages=frozenset({"de", "en"}), sectors=HEALTH),
    expert(2, "AT", "Bernd", languages=frozenset({"de"}), sectors=HEALTH,
           open_assignments=2),
    expert(3, "FR", "Claire", languages=frozenset({"fr", "en"}), sectors=HEALTH),
    expert(4, "NL", "Dirk", languages=frozenset({"nl", "de"}), open_assignments=1),
    expert(5, "DE", "Eva", languages=frozenset({"de"}), sectors=ICT,
           assessed_last_cycle=True),
    expert(6, "DK", "Frida", languages=frozenset({"da", "de"}), sectors=ICT),
    expert(7, "DE", "Georg", languages=frozenset({"de"}), sectors=ICT),
    # excluded
    expert(8, "DE", "Hanna", qualifications=(qualification(end=date(2026, 5, 31)),)),
    expert(9, "PL", "Iwona", qualifications=()),
    expert(10, "ES", "Jorge", qualifications=(qualification(confirmed=False),)),
    expert(11, "DE", "Karl", conflicts=SINCE_2019),
    expert(12, "NO", "Lars", countries=frozenset({"NO", "DK"})),
    expert(13, "IT", "Marco", qualifications=SILVER_ONLY),
    expert(14, "DE", "Nina", qualifications=(qualification(start=date(2026, 7, 1)),)),
    expert(15, "AT", "Otto", qualifications=(qualification(end=date(2020, 1, 1)),),
           conflicts=(DeclaredConflict(organisation_id=ORG),), countries=frozenset({"AT"})),
)  # fmt: skip


def ids(ranked: tuple) -> list[int]:
    return [r.candidate.assessor_id for r in ranked]


def codes(reasons: tuple) -> list[str]:
    return [r.code for r in reasons]


def test_the_hand_built_pool_is_ranked_language_then_sector_then_load_then_rotation() -> None:
    result = suggest_panel(gold_needs(), POOL)
    # No one proposed yet: both slots open, everyone fills one, so language decides first:
    # German speakers (1, 2, 4, 5, 6, 7) before the rest (3); then the sector (1, 2 know
    # health); then the load (1 has none, 2 has two); among 4, 5, 6, 7 (no sector match): 5, 6,
    # 7 carry no load, 4 one; 5 assessed the organisation last cycle, so 6, 7 go first (by name).
    assert ids(result.eligible) == [1, 2, 6, 7, 5, 4, 3]


def test_excluded_candidates_say_why() -> None:
    result = suggest_panel(gold_needs(), POOL)
    why = {e.candidate.assessor_id: e.codes for e in result.excluded}
    assert why == {
        8: ("qualification_expired",),
        9: ("qualification_missing",),
        10: ("qualification_unconfirmed",),
        11: ("conflict_declared",),
        12: ("country_not_covered",),
        13: ("qualification_missing",),
        14: ("qualification_not_yet_valid",),
        15: ("qualification_expired", "conflict_declared", "country_not_covered"),
    }
    expired = next(e for e in result.excluded if e.candidate.assessor_id == 8)
    assert expired.reasons[0].params["valid_until"] == date(2026, 5, 31)
    conflict = next(e for e in result.excluded if e.candidate.assessor_id == 11)
    assert conflict.reasons[0].params["since"] == date(2019, 1, 1)
    assert [e.candidate.name for e in result.excluded] == sorted(
        e.candidate.name for e in result.excluded
    )


def test_the_suggested_gold_panel_has_one_national_and_one_foreign_expert() -> None:
    result = suggest_panel(gold_needs(), POOL)
    assert result.panel_ids == (1, 2)
    assert [r.national for r in result.panel] == [True, False]
    assert result.panel_reason is None


def test_the_reasons_of_a_place_are_codes_with_params() -> None:
    result = suggest_panel(gold_needs(), POOL)
    by_id = {r.candidate.assessor_id: r for r in result.eligible}
    assert codes(by_id[1].reasons) == [
        "national_slot",
        "speaks_language",
        "sector_match",
        "open_assignments",
    ]
    assert by_id[1].reasons[1].params["languages"] == ("de",)
    assert by_id[1].reasons[2].params["sector"] == "health_medical"
    assert codes(by_id[3].reasons) == [
        "foreign_slot",
        "no_common_language",
        "sector_match",
        "open_assignments",
    ]
    assert by_id[2].reasons[-1].params == {"count": 2}
    assert codes(by_id[5].reasons)[-1] == "assessed_last_cycle"


def test_a_national_already_on_the_panel_ranks_the_foreign_experts_first() -> None:
    result = suggest_panel(gold_needs(current=frozenset({1})), POOL)
    # Only the foreign slot is open: 2, 6, 4, 3 fill it (in their own order), then 1, 7, 5.
    assert ids(result.eligible) == [2, 6, 4, 3, 1, 7, 5]
    assert "national_slot" not in codes(result.eligible[4].reasons)


def test_a_foreign_expert_already_on_the_panel_ranks_the_nationals_first() -> None:
    result = suggest_panel(gold_needs(current=frozenset({3})), POOL)
    assert ids(result.eligible)[:3] == [1, 7, 5]


def test_without_the_national_and_foreign_rule_no_slot_counts() -> None:
    needs = gold_needs(size=1, national_and_foreign=False, sector="ict")
    result = suggest_panel(needs, POOL)
    # German and ICT: 6, 7 (no load, by name), 5 (assessed last cycle); then German without
    # ICT: 1, 4 (load 1), 2 (load 2); then 3.
    assert ids(result.eligible) == [6, 7, 5, 1, 4, 2, 3]
    assert result.panel_ids == (6,)
    assert not any(
        r.code in {"national_slot", "foreign_slot"} for e in result.eligible for r in e.reasons
    )


def test_no_panel_without_an_eligible_national_expert() -> None:
    pool = [c for c in POOL if c.country != "DE"]
    result = suggest_panel(gold_needs(), pool)
    assert result.panel == ()
    assert result.panel_reason is not None
    assert result.panel_reason.code == "no_national_candidate"
    assert result.panel_reason.params["country"] == "DE"


def test_no_panel_without_an_eligible_foreign_expert() -> None:
    pool = [c for c in POOL if c.country == "DE"]
    result = suggest_panel(gold_needs(), pool)
    assert result.panel == ()
    assert result.panel_reason is not None
    assert result.panel_reason.code == "no_foreign_candidate"


def test_no_panel_with_too_few_eligible_experts() -> None:
    result = suggest_panel(gold_needs(size=3), POOL[:2])
    assert result.panel == ()
    assert result.panel_reason is not None
    assert result.panel_reason.code == "too_few_candidates"
    assert dict(result.panel_reason.params) == {"need": 3, "have": 2}


def test_a_larger_panel_takes_the_best_of_the_rest_after_the_two_slots() -> None:
    result = suggest_panel(gold_needs(size=3), POOL)
    assert result.panel_ids == (1, 2, 6)


def test_the_best_national_is_taken_even_if_foreigners_rank_higher() -> None:
    pool = [
        expert(1, "AT", languages=frozenset({"de"}), sectors=HEALTH),
        expert(2, "CH", languages=frozenset({"de"}), sectors=HEALTH),
        expert(3, "DE", languages=frozenset({"fr"})),
    ]
    result = suggest_panel(gold_needs(), pool)
    assert ids(result.eligible) == [1, 2, 3]
    assert set(result.panel_ids) == {1, 3}


def test_the_qualification_counts_on_the_assessment_day_inclusive() -> None:
    q = qualification(start=date(2026, 1, 1), end=date(2026, 6, 15))
    assert qualification_reason([q], GOLD, "gold", date(2026, 6, 15)) is None
    assert qualification_reason([q], GOLD, "gold", date(2026, 1, 1)) is None
    late = qualification_reason([q], GOLD, "gold", date(2026, 6, 16))
    assert late is not None and late.code == "qualification_expired"
    early = qualification_reason([q], GOLD, "gold", date(2025, 12, 31))
    assert early is not None and early.code == "qualification_not_yet_valid"


def test_a_valid_qualification_beside_an_expired_one_counts() -> None:
    old = qualification(start=date(2020, 1, 1), end=date(2021, 12, 31))
    assert qualification_reason([old, qualification()], GOLD, "gold", DAY) is None


def test_an_unconfirmed_renewal_does_not_count_but_the_expiry_is_reported() -> None:
    old = qualification(start=date(2020, 1, 1), end=date(2021, 12, 31))
    renewal = qualification(start=date(2022, 1, 1), confirmed=False)
    reason = qualification_reason([old, renewal], GOLD, "gold", DAY)
    assert reason is not None and reason.code == "qualification_expired"


def test_a_qualification_for_another_level_or_scheme_does_not_count() -> None:
    assert qualification_reason([qualification(level="silver")], GOLD, "gold", DAY) is not None
    reason = qualification_reason([qualification(scheme="bw")], GOLD, "gold", DAY)
    assert reason is not None and reason.code == "qualification_missing"


def test_a_conflict_with_another_organisation_does_not_exclude() -> None:
    c = expert(1, "DE", conflicts=(DeclaredConflict(organisation_id=ORG + 1),))
    assert suggest_panel(gold_needs(), [c]).excluded == ()


def test_languages_follow_the_organisations_country() -> None:
    assert gold_needs().languages == ("de",)
    assert gold_needs(home_country="be").languages == ("nl", "fr", "de")
    assert languages_of("XX") == ()
    assert gold_needs(languages=("en",)).languages == ("en",)


def test_a_candidate_listed_twice_counts_once() -> None:
    result = suggest_panel(gold_needs(), [POOL[0], replace(POOL[0], name="Again")])
    assert ids(result.eligible) == [1]
    assert result.eligible[0].candidate.name == "Anna"


def test_the_needs_refuse_an_impossible_rule() -> None:
    with pytest.raises(ValueError):
        gold_needs(size=1)
    with pytest.raises(ValueError):
        gold_needs(size=0, national_and_foreign=False)


def test_the_transition_guards_use_the_suggestions_exclusion_codes() -> None:
    assert {
        ExclusionCode.QUALIFICATION_MISSING,
        ExclusionCode.QUALIFICATION_UNCONFIRMED,
        ExclusionCode.QUALIFICATION_NOT_YET_VALID,
        ExclusionCode.QUALIFICATION_EXPIRED,
    } == guards.QUALIFICATION_EXCLUSIONS
    assert guards.CONFLICT_EXCLUSION == ExclusionCode.CONFLICT_DECLARED
    assert guards.COUNTRY_EXCLUSION == ExclusionCode.COUNTRY_NOT_COVERED
    assert set(ExclusionCode) == {
        *guards.QUALIFICATION_EXCLUSIONS,
        guards.CONFLICT_EXCLUSION,
        guards.COUNTRY_EXCLUSION,
    }


# --- properties -------------------------------------------------------------------------------

COUNTRIES = ("DE", "AT", "FR", "NL", "DK")
dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def qualifications(draw: st.DrawFn) -> Qualification:
    start = draw(dates)
    end = draw(st.dates(min_value=start, max_value=date(2029, 12, 31)))
    return qualification(
        level=draw(st.sampled_from(["gold", "silver"])),
        start=start,
        end=end,
        confirmed=draw(st.booleans()),
    )


@st.composite
def candidates(draw: st.DrawFn, assessor_id: int) -> Candidate:
    return Candidate(
        assessor_id=assessor_id,
        name=draw(st.sampled_from(["A", "B", "C"])),
        country=draw(st.sampled_from(COUNTRIES)),
        languages=frozenset(draw(st.sets(st.sampled_from(["de", "fr", "en", "nl"])))),
        sectors=frozenset(draw(st.sets(st.sampled_from(["ict", "health_medical"])))),
        countries=frozenset(draw(st.sets(st.sampled_from(COUNTRIES), max_size=2))),
        qualifications=tuple(draw(st.lists(qualifications(), max_size=2))),
        conflicts=tuple(
            DeclaredConflict(organisation_id=o) for o in draw(st.sets(st.sampled_from([ORG, 99])))
        ),
        open_assignments=draw(st.integers(min_value=0, max_value=4)),
        assessed_last_cycle=draw(st.booleans()),
    )


@st.composite
def pools(draw: st.DrawFn) -> list[Candidate]:
    size = draw(st.integers(min_value=0, max_value=12))
    return [draw(candidates(i)) for i in range(1, size + 1)]


@st.composite
def needs(draw: st.DrawFn) -> PanelNeeds:
    rule = draw(st.booleans())
    return gold_needs(
        size=draw(st.integers(min_value=2 if rule else 1, max_value=3)),
        national_and_foreign=rule,
        home_country=draw(st.sampled_from(COUNTRIES)),
        sector=draw(st.sampled_from(["ict", "health_medical"])),
        on=draw(dates),
        current=frozenset(draw(st.sets(st.integers(min_value=1, max_value=12), max_size=2))),
    )


@settings(max_examples=150, deadline=None)
@given(needs(), pools())
def test_eligible_and_excluded_partition_the_pool(n: PanelNeeds, pool: list[Candidate]) -> None:
    result = suggest_panel(n, pool)
    eligible = ids(result.eligible)
    excluded = [e.candidate.assessor_id for e in result.excluded]
    assert sorted(eligible + excluded) == [c.assessor_id for c in pool]
    assert all(e.reasons for e in result.excluded)


@settings(max_examples=150, deadline=None)
@given(needs(), pools())
def test_nobody_suggested_lacks_a_valid_confirmed_qualification_or_has_a_conflict(
    n: PanelNeeds, pool: list[Candidate]
) -> None:
    result = suggest_panel(n, pool)
    for ranked in result.eligible:
        c = ranked.candidate
        assert any(
            q.confirmed
            and q.covers(n.scheme_id, n.level_id)
            and q.valid_from <= n.on <= q.valid_until
            for q in c.qualifications
        )
        assert all(conflict.organisation_id != n.organisation_id for conflict in c.conflicts)
        assert not c.countries or n.home_country in c.countries


@settings(max_examples=150, deadline=None)
@given(needs(), pools())
def test_the_panel_is_complete_and_meets_the_rule_whenever_one_exists(
    n: PanelNeeds, pool: list[Candidate]
) -> None:
    result = suggest_panel(n, pool)
    eligible = result.eligible
    nationals = [r for r in eligible if r.national]
    possible = len(eligible) >= n.size and (
        not n.national_and_foreign or (nationals and len(nationals) < len(eligible))
    )
    if not possible:
        assert result.panel == () and result.panel_reason is not None
        return
    assert result.panel_reason is None
    assert len(set(result.panel_ids)) == n.size
    assert set(result.panel_ids) <= set(ids(eligible))
    if n.national_and_foreign:
        assert any(r.national for r in result.panel)
        assert any(not r.national for r in result.panel)


@settings(max_examples=150, deadline=None)
@given(needs(), pools())
def test_the_order_is_lexicographic_in_the_documented_criteria(
    n: PanelNeeds, pool: list[Candidate]
) -> None:
    result = suggest_panel(n, pool)

    def criteria(r: object) -> tuple[object, ...]:
        found = codes(r.reasons)  # type: ignore[attr-defined]
        c = r.candidate  # type: ignore[attr-defined]
        return (
            not ({"national_slot", "foreign_slot"} & set(found)),
            "speaks_language" not in found,
            "sector_match" not in found,
            c.open_assignments,
            c.assessed_last_cycle,
        )

    keys = [criteria(r) for r in result.eligible]
    assert keys == sorted(keys)
    assert suggest_panel(n, list(reversed(pool))).eligible == result.eligible
