"""Eligibility: may this organisation apply for this scheme?

Guarantees: every criterion the scheme sets is checked and reported in ``checked``; every one
that fails appears in ``failures`` with its required and actual value; a profile value that is
unknown (``None``) fails its criterion with the code ``unknown`` instead of passing silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from clusterlabel.domain.errors import Reason
from clusterlabel.domain.schemes import MEMBER_TYPES, Scheme

UNKNOWN = "unknown"


@dataclass(frozen=True)
class OrganisationProfile:
    """The facts about a cluster management organisation that eligibility rules ask about.

    ``None`` means "not known". ``members_by_type`` counts committed members per type; its keys
    are ``companies``, ``research_education``, ``public_bodies`` and ``civil_society``.
    """

    staff_fte: Decimal | None = None
    committed_members: int | None = None
    members_by_type: Mapping[str, int] | None = field(default=None, hash=False)
    website: str | None = None
    country: str | None = None
    region: str | None = None
    listed_in_cluster_database: bool | None = None

    def __post_init__(self) -> None:
        if self.staff_fte is not None and not (
            isinstance(self.staff_fte, Decimal)
            and self.staff_fte.is_finite()
            and self.staff_fte >= 0
        ):
            raise ValueError(f"staff_fte must be a non-negative Decimal, got {self.staff_fte!r}")
        if self.committed_members is not None and (
            isinstance(self.committed_members, bool)
            or not isinstance(self.committed_members, int)
            or self.committed_members < 0
        ):
            raise ValueError(
                f"committed_members must be an int >= 0, got {self.committed_members!r}"
            )
        if self.members_by_type is not None:
            unknown = set(self.members_by_type) - set(MEMBER_TYPES)
            if unknown:
                raise ValueError(
                    f"unknown member types {sorted(unknown)}; use {', '.join(MEMBER_TYPES)}"
                )
            for kind, count in self.members_by_type.items():
                if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                    raise ValueError(
                        f"members_by_type[{kind!r}] must be an int >= 0, got {count!r}"
                    )
            object.__setattr__(
                self, "members_by_type", MappingProxyType(dict(self.members_by_type))
            )

    @property
    def member_types(self) -> tuple[str, ...] | None:
        """The member types with at least one member (None when unknown)."""
        if self.members_by_type is None:
            return None
        return tuple(kind for kind in MEMBER_TYPES if self.members_by_type.get(kind, 0) > 0)


@dataclass(frozen=True)
class EligibilityCheck:
    """One criterion as checked: the scheme's requirement, the profile's value, the outcome."""

    criterion: str
    required: Any
    actual: Any
    passed: bool


@dataclass(frozen=True)
class EligibilityResult:
    """The outcome of :func:`check_eligibility`; ``eligible`` iff ``failures`` is empty."""

    eligible: bool
    failures: tuple[Reason, ...]
    checked: tuple[EligibilityCheck, ...]
    scheme_key: str | None = None


def check_eligibility(scheme: Scheme, profile: OrganisationProfile) -> EligibilityResult:
    """Check ``profile`` against every eligibility criterion ``scheme`` sets.

    Failure codes (``params`` always hold ``criterion``, ``required`` and ``actual``):
    ``staff_fte_below_minimum``, ``too_few_committed_members``, ``too_few_member_types``
    (plus ``member_types``), ``no_website``, ``country_not_eligible``, ``region_not_eligible``,
    ``not_listed_in_cluster_database`` and ``unknown`` when the profile lacks the value.
    """
    criteria = scheme.eligibility
    checks: list[EligibilityCheck] = []
    failures: list[Reason] = []

    def check(
        criterion: str,
        required: Any,
        actual: Any,
        passed: bool,
        code: str,
        *,
        none_is_unknown: bool = True,
        **extra: Any,
    ) -> None:
        checks.append(EligibilityCheck(criterion, required, actual, passed))
        if not passed:
            params = {"criterion": criterion, "required": required, "actual": actual, **extra}
            failures.append(Reason(UNKNOWN if none_is_unknown and actual is None else code, params))

    if criteria.min_staff_fte is not None:
        fte = profile.staff_fte
        passed = fte is not None and fte >= criteria.min_staff_fte
        check("min_staff_fte", criteria.min_staff_fte, fte, passed, "staff_fte_below_minimum")
    if criteria.min_committed_members is not None:
        members = profile.committed_members
        required = criteria.min_committed_members
        passed = members is not None and members >= required
        check("min_committed_members", required, members, passed, "too_few_committed_members")
    if criteria.min_member_types is not None:
        types = profile.member_types
        count = None if types is None else len(types)
        required = criteria.min_member_types
        passed = count is not None and count >= required
        check(
            "min_member_types", required, count, passed, "too_few_member_types", member_types=types
        )
    if criteria.website_required:
        # No website and an unknown website are the same fact here: nothing to show.
        website = (profile.website or "").strip() or None
        check(
            "website_required",
            True,
            website,
            website is not None,
            "no_website",
            none_is_unknown=False,
        )
    if criteria.countries is not None:
        country = profile.country
        passed = country is not None and country in criteria.countries
        check("countries", criteria.countries, country, passed, "country_not_eligible")
    if criteria.regions is not None:
        region = profile.region
        passed = region is not None and region in criteria.regions
        check("regions", criteria.regions, region, passed, "region_not_eligible")
    if criteria.listed_in_cluster_database:
        listed = profile.listed_in_cluster_database
        passed = listed is True
        check("listed_in_cluster_database", True, listed, passed, "not_listed_in_cluster_database")
    return EligibilityResult(
        eligible=not failures,
        failures=tuple(failures),
        checked=tuple(checks),
        scheme_key=scheme.key,
    )
