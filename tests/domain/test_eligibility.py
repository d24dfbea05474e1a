"""Eligibility: every criterion checked, every failure named, unknown never passes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clusterlabel.domain.eligibility import (
    EligibilityCheck,
    OrganisationProfile,
    check_eligibility,
)
from clusterlabel.domain.errors import Reason
from clusterlabel.domain.schemes import Scheme
from tests.domain.factories import build_scheme

STATE = {
    "min_staff_fte": "0.5",
    "min_committed_members": 15,
    "min_member_types": 2,
    "website_required": True,
    "countries": ["DE"],
    "regions": ["DE-BW"],
    "listed_in_cluster_database": True,
}


@pytest.fixture(scope="module")
def state_scheme() -> Scheme:
    return build_scheme(eligibility=STATE)


def profile(**changes: Any) -> OrganisationProfile:
    facts: dict[str, Any] = {
        "staff_fte": Decimal("2.5"),
        "committed_members": 150,
        "members_by_type": {"companies": 120, "research_education": 25, "public_bodies": 5},
        "website": "https://www.technologymountains.de",
        "country": "DE",
        "region": "DE-BW",
        "listed_in_cluster_database": True,
    }
    facts.update(changes)
    return OrganisationProfile(**facts)


def test_an_eligible_organisation_and_what_was_checked(state_scheme: Scheme) -> None:
    result = check_eligibility(state_scheme, profile())
    assert result.eligible and result.failures == ()
    assert result.scheme_key == "test-scheme@1"
    assert result.checked == (
        EligibilityCheck("min_staff_fte", Decimal("0.5"), Decimal("2.5"), True),
        EligibilityCheck("min_committed_members", 15, 150, True),
        EligibilityCheck("min_member_types", 2, 3, True),
        EligibilityCheck("website_required", True, "https://www.technologymountains.de", True),
        EligibilityCheck("countries", ("DE",), "DE", True),
        EligibilityCheck("regions", ("DE-BW",), "DE-BW", True),
        EligibilityCheck("listed_in_cluster_database", True, True, True),
    )


def test_exactly_the_minimum_passes(state_scheme: Scheme) -> None:
    result = check_eligibility(
        state_scheme,
        profile(
            staff_fte=Decimal("0.5"),
            committed_members=15,
            members_by_type={"companies": 14, "civil_society": 1},
        ),
    )
    assert result.eligible


def test_every_failure_is_named_with_required_and_actual(state_scheme: Scheme) -> None:
    result = check_eligibility(
        state_scheme,
        profile(
            staff_fte=Decimal("0.49"),
            committed_members=14,
            members_by_type={"companies": 14, "research_education": 0},
            website="   ",
            country="AT",
            region="AT-9",
            listed_in_cluster_database=False,
        ),
    )
    assert not result.eligible
    assert result.failures == (
        Reason(
            "staff_fte_below_minimum",
            {"criterion": "min_staff_fte", "required": Decimal("0.5"), "actual": Decimal("0.49")},
        ),
        Reason(
            "too_few_committed_members",
            {"criterion": "min_committed_members", "required": 15, "actual": 14},
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
        Reason("no_website", {"criterion": "website_required", "required": True, "actual": None}),
        Reason(
            "country_not_eligible", {"criterion": "countries", "required": ("DE",), "actual": "AT"}
        ),
        Reason(
            "region_not_eligible",
            {"criterion": "regions", "required": ("DE-BW",), "actual": "AT-9"},
        ),
        Reason(
            "not_listed_in_cluster_database",
            {"criterion": "listed_in_cluster_database", "required": True, "actual": False},
        ),
    )
    assert [c.passed for c in result.checked] == [False] * 7


def test_unknown_values_fail_with_their_own_code(state_scheme: Scheme) -> None:
    result = check_eligibility(state_scheme, OrganisationProfile())
    assert not result.eligible
    assert [(r.code, r.params["criterion"]) for r in result.failures] == [
        ("unknown", "min_staff_fte"),
        ("unknown", "min_committed_members"),
        ("unknown", "min_member_types"),
        ("no_website", "website_required"),
        ("unknown", "countries"),
        ("unknown", "regions"),
        ("unknown", "listed_in_cluster_database"),
    ]


def test_a_scheme_without_criteria_accepts_everyone() -> None:
    scheme = build_scheme(eligibility={})
    result = check_eligibility(scheme, OrganisationProfile())
    assert result.eligible and result.checked == ()


def test_member_types_count_only_types_with_members() -> None:
    facts = OrganisationProfile(
        members_by_type={"companies": 3, "research_education": 0, "public_bodies": 0}
    )
    assert facts.member_types == ("companies",)
    assert OrganisationProfile().member_types is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members_by_type": {"industry": 3}}, "unknown member types ['industry']"),
        ({"members_by_type": {"companies": -1}}, "must be an int >= 0"),
        ({"staff_fte": 0.5}, "staff_fte must be a non-negative Decimal"),
        ({"staff_fte": Decimal(-1)}, "staff_fte must be a non-negative Decimal"),
        ({"committed_members": True}, "committed_members must be an int >= 0"),
    ],
)
def test_profile_refuses_impossible_facts(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        OrganisationProfile(**changes)
