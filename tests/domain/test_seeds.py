"""The cases of the seeds (see DOMAIN.md), replayed on the shipped scheme files.

* 000: the Mannheim medical-technology cluster earns the BW label and, from the same assessment,
  the ECEI Gold label, both valid two years.
* 002: BioCon Valley, ECEI Silver first in 2017, re-certified 2019 and 2022 (after expiry, within
  the year of grace), each time seamlessly.
* 003: TechnologyMountains, BW label awarded on 3 July 2015.
* 004: the BW fee, 4,975 EUR plus VAT, half paid by the ministry.
* The public ECEI eligibility criteria name every failure of a too small organisation.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from clusterlabel.domain.award import (
    AreaReview,
    Change,
    PreviousAssessment,
    compare_categories,
    decide_level,
    recognised_labels,
)
from clusterlabel.domain.eligibility import OrganisationProfile, check_eligibility
from clusterlabel.domain.errors import Reason
from clusterlabel.domain.fees import quote_fee
from clusterlabel.domain.schemes import Indicator, Scheme, load_scheme_dir
from clusterlabel.domain.scoring import (
    AssessmentScore,
    IndicatorValue,
    score_assessment,
    score_indicator,
)
from clusterlabel.domain.validity import Validity, first_award_validity, renew
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import best_value, worst_value

EXPECTED_FILES = {
    "ecei-bronze": "ecei-bronze-2026.2.yaml",
    "ecei-silver": "ecei-silver-2026.2.yaml",
    "ecei-gold": "ecei-gold-2026.2.yaml",
    "bw-cluster-excellence": "bw-cluster-excellence-2026.1.yaml",
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scheme]:
    """All shipped schemes by id; loading the directory also checks the recognitions."""
    missing = [name for name in EXPECTED_FILES.values() if not (SHIPPED_DIR / name).is_file()]
    assert not missing, f"shipped scheme files missing: {missing}"
    return {scheme.id: scheme for scheme in load_scheme_dir(SHIPPED_DIR)}


def values_at_stage(
    scheme: Scheme, stage: int, *, keep: frozenset[str] = frozenset()
) -> dict[str, IndicatorValue]:
    """Every indicator in ``keep`` meets its threshold; in each category so do the first
    ``stage`` of the others; the rest get their worst value."""
    values: dict[str, IndicatorValue] = {}
    for category in scheme.categories:
        others = [i for i in scheme.indicators_in(category.id) if i.id not in keep]
        for item in scheme.indicators_in(category.id):
            good = item.id in keep or item in others[:stage]
            values[item.id] = best_value(item) if good else worst_value(item)
    return values


def value_options(item: Indicator) -> dict[int, IndicatorValue]:
    """One valid value per number of points the indicator can earn."""
    if item.type == "boolean":
        candidates: list[IndicatorValue] = [True, False]
    elif item.type == "choice":
        candidates = list(item.choice_ids)
    else:
        candidates = [item.threshold, worst_value(item), *(band.start for band in item.bands)]
    return {score_indicator(item, value).points: value for value in reversed(candidates)}


def values_totalling(scheme: Scheme, total: int) -> dict[str, IndicatorValue] | None:
    """Values with exactly ``total`` points and every minimum criterion met (None if impossible)."""
    reachable: dict[int, dict[str, IndicatorValue]] = {0: {}}
    for item in scheme.indicators:
        options = {item.points: item.threshold} if item.minimum_criterion else value_options(item)
        reachable = {
            points + extra: {**chosen, item.id: value}
            for points, chosen in reachable.items()
            for extra, value in options.items()
        }
    return reachable.get(total)


MEDTECH_MANNHEIM = OrganisationProfile(
    staff_fte=Decimal("3.5"),
    committed_members=120,
    members_by_type={"companies": 80, "research_education": 25, "public_bodies": 10},
    website="https://www.medtech-mannheim.de",
    country="DE",
    region="DE-BW",
    listed_in_cluster_database=True,
)

BIOCON_VALLEY = OrganisationProfile(
    staff_fte=Decimal("12"),
    committed_members=230,
    members_by_type={
        "companies": 150,
        "research_education": 45,
        "public_bodies": 20,
        "civil_society": 15,
    },
    website="https://www.bioconvalley.org",
    country="DE",
    region="DE-MV",
    listed_in_cluster_database=None,
)


def test_the_shipped_files_follow_the_public_structure(shipped: dict[str, Scheme]) -> None:
    assert set(shipped) == set(EXPECTED_FILES)
    gold, bronze, bw = (
        shipped["ecei-gold"],
        shipped["ecei-bronze"],
        shipped["bw-cluster-excellence"],
    )
    assert (len(gold.indicators), gold.max_points) == (31, 150)  # Gold: 31 criteria, 150 points
    assert gold.level("gold").award.min_score_percent == Decimal(80)
    assert (len(bronze.indicators), len(bronze.categories)) == (36, 6)
    assert (len(bw.indicators), len(bw.categories)) == (34, 4)
    assert {s.family for s in shipped.values()} == {"ecei", "bw"}


def test_gold_from_exactly_120_of_150_points(shipped: dict[str, Scheme]) -> None:
    gold = shipped["ecei-gold"]
    eligible = check_eligibility(gold, BIOCON_VALLEY)
    at_120, below = values_totalling(gold, 120), None
    for total in range(119, 100, -1):
        below = values_totalling(gold, total)
        if below is not None:
            break
    assert at_120 is not None and below is not None
    exact = score_assessment(gold, at_120)
    assert (exact.points, exact.percent) == (120, Decimal(80))

    def decide(score: AssessmentScore) -> tuple[str, ...]:
        decision = decide_level(
            gold,
            "gold",
            score=score,
            eligibility=eligible,
            process="new",
            assessment_date=date(2020, 6, 1),
        )
        return decision.reason_codes

    assert decide(exact) == ()
    assert decide(score_assessment(gold, below)) == ("score_below_minimum",)


def test_mannheim_medtech_earns_the_bw_label_and_ecei_gold(shipped: dict[str, Scheme]) -> None:
    bw, gold = shipped["bw-cluster-excellence"], shipped["ecei-gold"]
    values = values_totalling(bw, 140)  # of 165: a strong, not a perfect assessment
    assert values is not None
    score = score_assessment(bw, values)
    assert (score.points, score.percent.quantize(Decimal("0.01"))) == (140, Decimal("84.85"))
    assert score.failed_minimum_criteria == () and score.missing == ()
    eligibility = check_eligibility(bw, MEDTECH_MANNHEIM)
    assert eligibility.eligible, eligibility.failures
    assessed, decided = date(2020, 6, 16), date(2020, 7, 20)
    decision = decide_level(
        bw, "label", score=score, eligibility=eligibility, process="new", assessment_date=assessed
    )
    assert decision.awarded and decision.reasons == ()
    [recognition] = recognised_labels(bw, decision)
    assert (recognition.scheme_family, recognition.scheme, recognition.level) == (
        "ecei",
        "ecei-gold",
        "gold",
    )
    assert gold.level(recognition.level).rank == 3

    state_label = first_award_validity(bw, assessment_date=assessed, decision_date=decided)
    gold_label = first_award_validity(
        shipped[recognition.scheme], assessment_date=assessed, decision_date=decided
    )
    # Both for two years: the state label from the decision, Gold from the assessment day.
    assert state_label == Validity(date(2020, 7, 20), date(2022, 7, 19))
    assert gold_label == Validity(date(2020, 6, 16), date(2022, 6, 15))


def test_a_missed_minimum_criterion_costs_the_bw_label(shipped: dict[str, Scheme]) -> None:
    bw = shipped["bw-cluster-excellence"]
    values = {i.id: best_value(i) for i in bw.indicators}
    missed = bw.minimum_criteria[0]
    values[missed.id] = worst_value(missed)
    score = score_assessment(bw, values)
    assert score.percent >= Decimal(80)
    decision = decide_level(
        bw,
        "label",
        score=score,
        eligibility=check_eligibility(bw, MEDTECH_MANNHEIM),
        process="new",
        assessment_date=date(2020, 6, 16),
    )
    assert decision.reasons == (
        Reason(
            "minimum_criterion_failed",
            {
                "indicator": missed.id,
                "value": worst_value(missed),
                "threshold": missed.threshold,
                "missing": False,
            },
        ),
    )
    assert recognised_labels(bw, decision) == ()


def test_technology_mountains_label_of_3_july_2015(shipped: dict[str, Scheme]) -> None:
    bw = shipped["bw-cluster-excellence"]
    validity = first_award_validity(
        bw, assessment_date=date(2015, 5, 12), decision_date=date(2015, 7, 3)
    )
    assert validity == Validity(date(2015, 7, 3), date(2017, 7, 2))


def test_biocon_valley_silver_2017_2019_2022(shipped: dict[str, Scheme]) -> None:
    bronze, silver = shipped["ecei-bronze"], shipped["ecei-silver"]
    minimum = frozenset(i.id for i in silver.minimum_criteria)
    eligibility = check_eligibility(silver, BIOCON_VALLEY)
    assert eligibility.eligible, eligibility.failures

    def silver_decision(
        score: AssessmentScore, previous: PreviousAssessment, process: str, on: date
    ) -> tuple[str, ...]:
        decision = decide_level(
            silver,
            "silver",
            score=score,
            eligibility=eligibility,
            process=process,  # type: ignore[arg-type]
            assessment_date=on,
            previous=previous,
            # The three improvement areas BioCon Valley named, validated on site each time.
            areas=[AreaReview(c, validated=True) for c in ("services", "interaction", "financing")],
        )
        return decision.reason_codes

    # 2016: the Bronze benchmarking; 2017: Silver, better in all six areas, 20 months later.
    benchmarking = PreviousAssessment(
        score_assessment(bronze, values_at_stage(bronze, 0, keep=minimum)), date(2016, 2, 10)
    )
    first = score_assessment(silver, values_at_stage(silver, 1, keep=minimum))
    assert set(compare_categories(benchmarking.score, first).values()) == {Change.IMPROVED}
    assert silver_decision(first, benchmarking, "new", date(2017, 10, 15)) == ()
    label_2017 = first_award_validity(
        silver, assessment_date=date(2017, 10, 15), decision_date=date(2017, 11, 20)
    )
    assert label_2017 == Validity(date(2017, 10, 15), date(2019, 10, 14))

    # 2019: re-certified before expiry, seamlessly.
    second = score_assessment(silver, values_at_stage(silver, 2, keep=minimum))
    assert (
        silver_decision(
            second, PreviousAssessment(first, date(2017, 10, 15)), "renewal", date(2019, 9, 18)
        )
        == ()
    )
    label_2019 = renew(
        silver,
        previous=label_2017,
        assessment_date=date(2019, 9, 18),
        decision_date=date(2019, 10, 28),
    )
    assert (label_2019.validity, label_2019.seamless) == (
        Validity(date(2019, 10, 15), date(2022, 10, 14)),
        True,
    )

    # 2022: assessed after expiry, within the year of grace; 37 months after 2019, which is
    # fine for a renewal (the 18-24 month window only binds the first Silver).
    third = score_assessment(silver, values_at_stage(silver, 3, keep=minimum))
    since_2019 = PreviousAssessment(second, date(2019, 9, 18))
    assert silver_decision(third, since_2019, "renewal", date(2022, 11, 9)) == ()
    assert silver_decision(third, since_2019, "new", date(2022, 11, 9)) == (
        "previous_assessment_too_old",
    )
    label_2022 = renew(
        silver,
        previous=label_2019.validity,
        assessment_date=date(2022, 11, 9),
        decision_date=date(2022, 11, 24),
    )
    assert (label_2022.validity, label_2022.seamless) == (
        Validity(date(2022, 10, 15), date(2025, 10, 14)),
        True,
    )
    assert label_2022.validity.valid_from == label_2019.validity.valid_until + timedelta(days=1)

    # Without improvement in three areas there is no re-certification.
    stagnant = score_assessment(silver, values_at_stage(silver, 3, keep=minimum))
    assert silver_decision(
        stagnant, PreviousAssessment(third, date(2022, 11, 9)), "renewal", date(2025, 9, 1)
    ) == ("too_few_improved_categories",)


def test_bw_fee_with_vat_and_the_ministry_paying_half(shipped: dict[str, Scheme]) -> None:
    bw = shipped["bw-cluster-excellence"]
    quote = quote_fee(bw, process="new", mode="on_site", application_date=date(2013, 3, 1))
    assert (quote.currency, quote.net, quote.vat_percent) == (
        "EUR",
        Decimal("4975.00"),
        Decimal(19),
    )
    assert (quote.vat, quote.gross) == (Decimal("945.25"), Decimal("5920.25"))
    # The ministry pays half of the gross (VAT is owed on its payment too, § 10 (1) sentence 3
    # UStG); the two shares add up to the 5,920.25 invoiced.
    assert quote.subsidy is not None
    assert (quote.subsidy.percent, quote.subsidy.amount) == (Decimal(50), Decimal("2960.13"))
    assert quote.payable_gross == Decimal("2960.12")
    assert sum(share.amount for share in quote.shares) == quote.gross
    # TechnologyMountains' label of 3 July 2015 is valid until 2 July 2017; its
    # re-certification applied for before then costs 3,975 EUR plus VAT.
    renewal = quote_fee(
        bw,
        process="renewal",
        mode="on_site",
        application_date=date(2017, 5, 1),
        previous_valid_until=date(2017, 7, 2),
    )
    assert (renewal.process, renewal.net, renewal.gross) == (
        "renewal",
        Decimal("3975.00"),
        Decimal("4730.25"),
    )
    assert renewal.subsidy is not None and renewal.payable_gross == Decimal("2365.12")


def test_a_too_small_organisation_gets_four_named_failures(shipped: dict[str, Scheme]) -> None:
    small = OrganisationProfile(
        staff_fte=Decimal("0.3"),
        committed_members=10,
        members_by_type={"companies": 10},
        website=None,
        country="DE",
        region="DE-BW",
        listed_in_cluster_database=True,
    )
    for scheme_id in ("ecei-bronze", "ecei-silver", "ecei-gold"):
        result = check_eligibility(shipped[scheme_id], small)
        assert not result.eligible
        assert result.failures == (
            Reason(
                "staff_fte_below_minimum",
                {
                    "criterion": "min_staff_fte",
                    "required": Decimal("0.5"),
                    "actual": Decimal("0.3"),
                },
            ),
            Reason(
                "too_few_committed_members",
                {"criterion": "min_committed_members", "required": 15, "actual": 10},
            ),
            Reason(
                "too_few_member_types",
                {
                    "criterion": "min_member_types",
                    "required": 2,
                    "actual": 1,
                    "member_types": ("companies",),
                },
            ),
            Reason(
                "no_website", {"criterion": "website_required", "required": True, "actual": None}
            ),
        ), scheme_id
