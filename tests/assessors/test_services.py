"""The expert pool's services: the assessor keeps their own profile, the scheme's secretariat
confirms qualifications; every refusal writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.assessors import services
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.audit.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory, grant_role

pytestmark = pytest.mark.django_db


def bw_secretariat():
    return grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="bw-cluster-excellence")


def bw_operator_secretariat():
    """The secretariat of the operator that runs the BW scheme (not the ECEI labels)."""
    from clusterlabel.access.models import Grant
    from clusterlabel.schemes.models import SchemeVersion

    user = UserFactory()
    bw = SchemeVersion.objects.get(scheme_id="bw-cluster-excellence", is_current=True)
    ecei = SchemeVersion.objects.get(scheme_id=GOLD, is_current=True)
    assert bw.operator_id != ecei.operator_id
    Grant.objects.create(user=user, role=Role.SECRETARIAT, operator=bw.operator)
    return user


GOLD = "ecei-gold"


@pytest.fixture
def assessor(loaded_schemes):
    user = UserFactory(role=Role.ASSESSOR, country="AT")
    Qualification.objects.filter(profile__user=user).delete()
    return user


def add_gold(user, **kwargs) -> Qualification:
    values = {
        "scheme_id": GOLD,
        "level_id": "gold",
        "kind": "training",
        "valid_from": date(2025, 1, 1),
        "valid_until": timezone.localdate() + timedelta(days=365),
    }
    values.update(kwargs)
    return services.qualification_add(actor=user, **values)


def test_the_assessor_sets_languages_sectors_and_countries_normalised(assessor) -> None:
    profile = services.assessor_profile_update(
        actor=assessor,
        languages=["DE", "en", "de", " "],
        sectors=["ict", "health_medical"],
        countries=["at", "DE"],
    )
    profile.refresh_from_db()
    assert profile.languages == ["de", "en"]
    assert profile.sectors == ["health_medical", "ict"]
    assert profile.countries == ["AT", "DE"]
    event = AuditEvent.objects.get(action="assessor_profile.update")
    assert event.actor == assessor
    assert event.after["languages"] == ["de", "en"]


def test_someone_without_the_assessor_role_keeps_no_profile(loaded_schemes) -> None:
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    for user in (manager, secretariat):
        with pytest.raises(PermissionDenied):
            services.assessor_profile_update(actor=user, languages=["de"], sectors=[], countries=[])
    assert not AssessorProfile.objects.filter(user__in=[manager, secretariat]).exists()
    assert not AuditEvent.objects.filter(action="assessor_profile.update").exists()


def test_a_new_qualification_waits_for_confirmation(assessor) -> None:
    q = add_gold(assessor)
    assert not q.confirmed
    assert q.profile.user == assessor
    assert AuditEvent.objects.filter(action="qualification.add", actor=assessor).count() == 1


def test_a_qualification_must_name_a_level_of_the_scheme_and_end_after_it_starts(
    assessor,
) -> None:
    with pytest.raises(ValidationError) as unknown_level:
        add_gold(assessor, level_id="platinum")
    assert "level_id" in unknown_level.value.message_dict
    with pytest.raises(ValidationError) as unknown_scheme:
        add_gold(assessor, scheme_id="no-such-scheme")
    assert "scheme_id" in unknown_scheme.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        add_gold(assessor, valid_from=date(2026, 1, 2), valid_until=date(2026, 1, 1))
    assert "valid_until" in backwards.value.message_dict
    assert not Qualification.objects.filter(profile__user=assessor).exists()


def test_the_schemes_secretariat_confirms_with_who_and_when(assessor) -> None:
    q = add_gold(assessor)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    confirmed = services.qualification_confirm(actor=secretariat, qualification=q)
    q.refresh_from_db()
    assert q.confirmed
    assert q.confirmed_by == secretariat
    assert q.confirmed_at == confirmed.confirmed_at
    event = AuditEvent.objects.get(action="qualification.confirm")
    assert event.actor == secretariat
    assert event.after["scheme"] == GOLD


def test_a_secretariat_granted_for_the_scheme_alone_confirms_too(assessor) -> None:
    q = add_gold(assessor)
    secretariat = grant_role(UserFactory(), Role.SECRETARIAT, scheme_id=GOLD)
    services.qualification_confirm(actor=secretariat, qualification=q)
    assert Qualification.objects.get(pk=q.pk).confirmed


@pytest.mark.parametrize(
    "intruder",
    [
        pytest.param(bw_secretariat, id="secretariat-of-another-scheme"),
        pytest.param(bw_operator_secretariat, id="secretariat-of-another-operator"),
        pytest.param(lambda: UserFactory(role=Role.AUTHORITY), id="authority"),
        pytest.param(lambda: UserFactory(role=Role.BOARD_MEMBER), id="board-member"),
        pytest.param(lambda: UserFactory(role=Role.ASSESSOR), id="another-assessor"),
        pytest.param(lambda: UserFactory(role=Role.ADMINISTRATOR), id="administrator"),
        pytest.param(lambda: UserFactory(role=Role.CLUSTER_MANAGER), id="cluster-manager"),
    ],
)  # fmt: skip
def test_nobody_but_the_schemes_secretariat_confirms(assessor, intruder) -> None:
    q = add_gold(assessor)
    with pytest.raises(PermissionDenied):
        services.qualification_confirm(actor=intruder(), qualification=q)
    assert not Qualification.objects.get(pk=q.pk).confirmed
    assert not AuditEvent.objects.filter(action="qualification.confirm").exists()


def test_a_secretariat_who_is_also_the_assessor_cannot_confirm_their_own(assessor) -> None:
    grant_role(assessor, Role.SECRETARIAT)
    Qualification.objects.filter(profile__user=assessor).delete()
    q = add_gold(assessor)
    with pytest.raises(PermissionDenied):
        services.qualification_confirm(actor=assessor, qualification=q)
    assert not Qualification.objects.get(pk=q.pk).confirmed


def test_an_ended_or_confirmed_qualification_is_not_confirmed_again(assessor) -> None:
    secretariat = UserFactory(role=Role.SECRETARIAT)
    ended = add_gold(assessor, valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1))
    with pytest.raises(ValidationError):
        services.qualification_confirm(actor=secretariat, qualification=ended)
    assert not Qualification.objects.get(pk=ended.pk).confirmed
    q = add_gold(assessor)
    services.qualification_confirm(actor=secretariat, qualification=q)
    with pytest.raises(ValidationError):
        services.qualification_confirm(actor=secretariat, qualification=q)
    assert AuditEvent.objects.filter(action="qualification.confirm").count() == 1


def test_an_assessor_removes_only_their_own_qualifications(assessor) -> None:
    other = UserFactory(role=Role.ASSESSOR)
    theirs = Qualification.objects.filter(profile__user=other).first()
    with pytest.raises(PermissionDenied):
        services.qualification_remove(actor=assessor, qualification=theirs)
    assert Qualification.objects.filter(pk=theirs.pk).exists()
    mine = add_gold(assessor)
    services.qualification_remove(actor=assessor, qualification=mine)
    assert not Qualification.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="qualification.remove").count() == 1


def test_a_declared_conflict_needs_a_note_and_is_declared_once(assessor) -> None:
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.declared_conflict_add(actor=assessor, organisation=organisation, note="  ")
    conflict = services.declared_conflict_add(
        actor=assessor,
        organisation=organisation,
        note="Project manager there until 2022.",
        since=date(2018, 4, 1),
    )
    assert conflict.profile.user == assessor
    with pytest.raises(ValidationError):
        services.declared_conflict_add(actor=assessor, organisation=organisation, note="Again.")
    assert DeclaredConflict.objects.filter(profile__user=assessor).count() == 1
    event = AuditEvent.objects.get(action="declared_conflict.add")
    assert event.reason == "Project manager there until 2022."


def test_an_assessor_withdraws_only_their_own_conflicts(assessor) -> None:
    other = UserFactory(role=Role.ASSESSOR)
    organisation = OrganisationFactory()
    theirs = services.declared_conflict_add(actor=other, organisation=organisation, note="Board.")
    with pytest.raises(PermissionDenied):
        services.declared_conflict_remove(actor=assessor, conflict=theirs)
    assert DeclaredConflict.objects.filter(pk=theirs.pk).exists()
    services.declared_conflict_remove(actor=other, conflict=theirs)
    assert not DeclaredConflict.objects.filter(pk=theirs.pk).exists()
