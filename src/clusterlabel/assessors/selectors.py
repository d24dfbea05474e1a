"""Reads of the expert pool, with their prefetches: a fixed number of queries however many
assessors, qualifications and declared conflicts there are."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from clusterlabel.access import policy
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.domain import panel_suggestion as pool


def _profiles_prefetch(scheme_id: str | None = None) -> list[Any]:
    qualifications = Qualification.objects.all()
    if scheme_id is not None:
        qualifications = qualifications.filter(scheme_id=scheme_id)
    return [
        Prefetch(
            "assessor_profile__qualifications",
            queryset=qualifications.select_related("confirmed_by"),
        ),
        Prefetch(
            "assessor_profile__conflicts",
            queryset=DeclaredConflict.objects.select_related("organisation"),
        ),
    ]


def scheme_assessors(scheme_id: str, operator_id: int | None) -> QuerySet[User]:
    """The active accounts holding the assessor role for the scheme (directly or through its
    operator), with their profiles, their qualifications *for this scheme* and their declared
    conflicts prefetched (4 queries when evaluated)."""
    return (
        policy.holders(Role.ASSESSOR, scheme_id, operator_id)
        .select_related("assessor_profile")
        .prefetch_related(*_profiles_prefetch(scheme_id))
        .order_by("last_name", "first_name", "username")
    )


def profile_of(user: User) -> AssessorProfile | None:
    """The user's profile with every qualification and declared conflict, or ``None``."""
    return (
        AssessorProfile.objects.filter(user=user)
        .prefetch_related(
            Prefetch(
                "qualifications", queryset=Qualification.objects.select_related("confirmed_by")
            ),
            Prefetch("conflicts", queryset=DeclaredConflict.objects.select_related("organisation")),
        )
        .first()
    )


def _profile(user: User) -> AssessorProfile | None:
    try:
        return user.assessor_profile
    except AssessorProfile.DoesNotExist:
        return None


def domain_qualification(q: Qualification) -> pool.Qualification:
    return pool.Qualification(
        scheme_id=q.scheme_id,
        level_id=q.level_id,
        kind=pool.QualificationKind(q.kind),
        valid_from=q.valid_from,
        valid_until=q.valid_until,
        confirmed=q.confirmed,
    )


def candidate(
    user: User, *, open_assignments: int = 0, assessed_last_cycle: bool = False
) -> pool.Candidate:
    """``user`` as the panel suggestion sees them, from what ``scheme_assessors`` prefetched
    (no query). An account without a profile has no qualification, so it is never eligible."""
    profile = _profile(user)
    return pool.Candidate(
        assessor_id=user.pk,
        name=user.get_full_name() or user.username,
        country=user.country or "",
        languages=frozenset(profile.languages) if profile else frozenset(),
        sectors=frozenset(profile.sectors) if profile else frozenset(),
        countries=frozenset(profile.countries) if profile else frozenset(),
        qualifications=tuple(
            domain_qualification(q) for q in (profile.qualifications.all() if profile else ())
        ),
        conflicts=tuple(
            pool.DeclaredConflict(organisation_id=c.organisation_id, since=c.since)
            for c in (profile.conflicts.all() if profile else ())
        ),
        open_assignments=open_assignments,
        assessed_last_cycle=assessed_last_cycle,
    )


def candidates(
    users: Iterable[User],
    *,
    open_assignments: Mapping[int, int] | None = None,
    assessed_last_cycle: Collection[int] = (),
) -> list[pool.Candidate]:
    """``users`` (from ``scheme_assessors`` or ``with_pool_data``) as candidates, with their
    load and whether they assessed the organisation last cycle, by user id."""
    load = open_assignments or {}
    return [
        candidate(
            user,
            open_assignments=load.get(user.pk, 0),
            assessed_last_cycle=user.pk in assessed_last_cycle,
        )
        for user in users
    ]


def with_pool_data(user_ids: Collection[int], scheme_id: str | None) -> list[User]:
    """The accounts ``user_ids`` with their profile, their qualifications for ``scheme_id``
    (``None``: for every scheme) and their declared conflicts (3 queries)."""
    return list(
        User.objects.filter(pk__in=list(user_ids))
        .select_related("assessor_profile")
        .prefetch_related(*_profiles_prefetch(scheme_id))
        .order_by("pk")
    )


@dataclass(frozen=True)
class PoolRow:
    """One assessor of a scheme's pool page: the account, its profile (``None`` before the
    assessor filled it in) and its qualifications for the scheme."""

    user: User
    profile: AssessorProfile | None
    qualifications: list[Qualification]


def pool_rows(scheme_id: str, operator_id: int | None) -> list[PoolRow]:
    """The scheme's pool page: every assessor of the scheme, with what the page shows."""
    rows = []
    for user in scheme_assessors(scheme_id, operator_id):
        profile = _profile(user)
        rows.append(
            PoolRow(
                user=user,
                profile=profile,
                qualifications=list(profile.qualifications.all()) if profile else [],
            )
        )
    return rows
