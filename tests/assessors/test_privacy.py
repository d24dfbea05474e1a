"""The assessor profile is the person's: in their data export, gone with their erasure."""

from __future__ import annotations

from datetime import date

import pytest

from clusterlabel.accounts.choices import Role
from clusterlabel.assessors import services
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.privacy.selectors import personal_data_export
from clusterlabel.privacy.services import person_erase
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(loaded_schemes):
    user = UserFactory(role=Role.ASSESSOR, country="FR")
    services.assessor_profile_update(actor=user, languages=["fr"], sectors=["ict"], countries=[])
    services.declared_conflict_add(
        actor=user,
        organisation=OrganisationFactory(cluster_name="Optics Valley"),
        note="Worked there until 2021.",
        since=date(2015, 1, 1),
    )
    return user


def test_the_export_holds_the_assessor_profile(expert) -> None:
    profile = personal_data_export(user=expert)["assessor_profile"]
    assert profile["languages"] == ["fr"]
    assert profile["sectors"] == ["ict"]
    assert profile["declared_conflicts"] == [
        {
            "organisation": "Optics Valley",
            "note": "Worked there until 2021.",
            "since": "2015-01-01",
            "declared_at": profile["declared_conflicts"][0]["declared_at"],
        }
    ]
    assert (
        len(profile["qualifications"]) == Qualification.objects.filter(profile__user=expert).count()
    )


def test_erasing_the_person_deletes_the_profile(expert) -> None:
    person_erase(user=expert, actor=None)
    assert not AssessorProfile.objects.filter(user=expert).exists()
    assert not Qualification.objects.filter(profile__user=expert).exists()
    assert not DeclaredConflict.objects.exists()
