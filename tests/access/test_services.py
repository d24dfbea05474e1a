"""Granting, revoking and account changes: who may, within which scope, and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clusterlabel.access.models import Grant
from clusterlabel.access.services import (
    AccessRefused,
    GrantInvalid,
    ScopeChoice,
    grant_create,
    grant_revoke,
    user_create,
    user_deactivate,
    user_password_reset_by_staff,
)
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory

# The refusals are read in English here (the default language is German).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STRONG = "a-long-and-unusual-passphrase-17"


def actions(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def flags(user: User) -> tuple[bool, bool]:
    return User.objects.filter(pk=user.pk).values_list("is_staff", "is_superuser").get()


# --- who may grant ---------------------------------------------------------------------------


def test_the_secretariat_grants_nothing(secretariat, esca):
    person = UserFactory()
    for role, scope in [
        (Role.ASSESSOR, ScopeChoice(scheme_id="ecei-gold")),
        (Role.SECRETARIAT, ScopeChoice(operator=esca)),
        (Role.ADMINISTRATOR, ScopeChoice()),
    ]:
        with pytest.raises(AccessRefused) as refused:
            grant_create(actor=secretariat, user=person, role=role, scope=scope)
        assert refused.value.code == "not_administrator"
    assert not Grant.objects.filter(user=person).exists()
    assert actions(person) == []


def test_an_operator_administrator_grants_within_the_operator(esca_admin, esca):
    person = UserFactory()
    by_scheme = grant_create(
        actor=esca_admin, user=person, role=Role.ASSESSOR, scope=ScopeChoice(scheme_id="ecei-gold")
    )
    by_operator = grant_create(
        actor=esca_admin, user=person, role=Role.SECRETARIAT, scope=ScopeChoice(operator=esca)
    )
    assert by_scheme.granted_by == esca_admin and by_operator.operator == esca
    assert actions(person) == ["access.grant", "access.grant"]


@pytest.mark.parametrize(
    ("role", "scope_of"),
    [
        (Role.ASSESSOR, lambda bw: ScopeChoice(scheme_id="bw-cluster-excellence")),
        (Role.SECRETARIAT, lambda bw: ScopeChoice(operator=bw)),
        (Role.ADMINISTRATOR, lambda bw: ScopeChoice(operator=bw)),
        (Role.ADMINISTRATOR, lambda bw: ScopeChoice()),
        (Role.CLUSTER_MANAGER, lambda bw: ScopeChoice(organisation=OrganisationFactory())),
    ],
    ids=["other-operators-scheme", "other-operator", "other-admin", "global-admin", "manager"],
)
def test_an_operator_administrator_grants_nothing_beyond_the_operator(
    esca_admin, bw, role, scope_of
):
    person = UserFactory()
    with pytest.raises(AccessRefused) as refused:
        grant_create(actor=esca_admin, user=person, role=role, scope=scope_of(bw))
    assert refused.value.code == "beyond_granter_scope"
    assert not Grant.objects.filter(user=person).exists()
    assert flags(person) == (False, False)


def test_an_installation_administrator_grants_anything(installation_admin, bw):
    person = UserFactory()
    organisation = OrganisationFactory()
    grant_create(
        actor=installation_admin,
        user=person,
        role=Role.CLUSTER_MANAGER,
        scope=ScopeChoice(organisation=organisation),
    )
    grant_create(
        actor=installation_admin, user=person, role=Role.ADMINISTRATOR, scope=ScopeChoice()
    )
    grant_create(
        actor=installation_admin,
        user=person,
        role=Role.AUTHORITY,
        scope=ScopeChoice(scheme_id="bw-cluster-excellence"),
    )
    assert set(Grant.objects.filter(user=person).values_list("role", flat=True)) == {
        Role.CLUSTER_MANAGER,
        Role.ADMINISTRATOR,
        Role.AUTHORITY,
    }
    assert list(organisation.managers.all()) == [person]


def test_nobody_changes_their_own_grants(esca_admin, esca):
    with pytest.raises(AccessRefused) as refused:
        grant_create(
            actor=esca_admin, user=esca_admin, role=Role.AUTHORITY, scope=ScopeChoice(operator=esca)
        )
    assert refused.value.code == "own_grant"
    own = Grant.objects.get(user=esca_admin)
    with pytest.raises(AccessRefused):
        grant_revoke(actor=esca_admin, grant=own)
    assert Grant.objects.filter(pk=own.pk).exists()


def test_revoking_is_checked_like_granting(esca_admin, installation_admin, bw, esca):
    person = UserFactory()
    foreign = grant_create(
        actor=None, user=person, role=Role.ASSESSOR, scope=ScopeChoice(operator=bw)
    )
    own = grant_create(
        actor=None, user=person, role=Role.ASSESSOR, scope=ScopeChoice(scheme_id="ecei-silver")
    )
    with pytest.raises(AccessRefused):
        grant_revoke(actor=esca_admin, grant=foreign)
    with pytest.raises(AccessRefused):
        grant_revoke(actor=UserFactory(role=Role.SECRETARIAT), grant=own)
    grant_revoke(actor=esca_admin, grant=own, reason="left the pool")
    grant_revoke(actor=installation_admin, grant=foreign)
    assert not Grant.objects.filter(user=person).exists()
    revoke = AuditEvent.objects.filter(action="access.revoke").order_by("sequence").first()
    assert revoke.actor == esca_admin and revoke.reason == "left the pool"
    assert revoke.before["scope_key"] == "ecei-silver"


def test_revoking_a_grant_no_longer_held_is_refused(installation_admin):
    person = UserFactory()
    grant = grant_create(actor=None, user=person, role=Role.ADMINISTRATOR, scope=ScopeChoice())
    grant_revoke(actor=installation_admin, grant=grant)
    with pytest.raises(GrantInvalid, match="does not hold"):
        grant_revoke(actor=installation_admin, grant=grant)
    assert actions(person) == ["access.grant", "access.revoke"]


# --- which grants can exist ------------------------------------------------------------------


def test_a_grant_held_already_is_refused(installation_admin, esca):
    person = UserFactory()
    scope = ScopeChoice(operator=esca)
    grant_create(actor=installation_admin, user=person, role=Role.ASSESSOR, scope=scope)
    with pytest.raises(GrantInvalid, match="already holds"):
        grant_create(actor=installation_admin, user=person, role=Role.ASSESSOR, scope=scope)
    assert Grant.objects.filter(user=person).count() == 1
    assert actions(person) == ["access.grant"]


@pytest.mark.parametrize(
    ("role", "scope_of"),
    [
        (Role.CLUSTER_MANAGER, lambda esca: ScopeChoice(operator=esca)),
        (Role.SECRETARIAT, lambda esca: ScopeChoice()),
        (Role.ADMINISTRATOR, lambda esca: ScopeChoice(scheme_id="ecei-gold")),
        (Role.PROGRAMME, lambda esca: ScopeChoice(organisation=OrganisationFactory())),
        (Role.ASSESSOR, lambda esca: ScopeChoice(scheme_id="ecei-gold", operator=esca)),
    ],
)
def test_a_scope_that_does_not_fit_the_role_is_refused(installation_admin, esca, role, scope_of):
    person = UserFactory()
    with pytest.raises(GrantInvalid):
        grant_create(actor=installation_admin, user=person, role=role, scope=scope_of(esca))
    assert not Grant.objects.filter(user=person).exists()


def test_an_unknown_role_or_scheme_is_refused(installation_admin):
    person = UserFactory()
    with pytest.raises(GrantInvalid, match="Unknown role"):
        grant_create(actor=installation_admin, user=person, role="boss", scope=ScopeChoice())
    with pytest.raises(GrantInvalid, match="no scheme"):
        grant_create(
            actor=installation_admin,
            user=person,
            role=Role.ASSESSOR,
            scope=ScopeChoice(scheme_id="no-such-scheme"),
        )


# --- staff and superuser follow the grants ---------------------------------------------------


def test_staff_and_superuser_follow_the_grants(installation_admin, esca):
    person = UserFactory()
    admin = grant_create(actor=None, user=person, role=Role.ADMINISTRATOR, scope=ScopeChoice())
    assert flags(person) == (True, True) and (person.is_staff, person.is_superuser) == (True, True)
    secretariat = grant_create(
        actor=None, user=person, role=Role.SECRETARIAT, scope=ScopeChoice(operator=esca)
    )
    grant_revoke(actor=installation_admin, grant=admin)
    assert flags(person) == (True, False)
    assert list(person.groups.values_list("name", flat=True)) == ["secretariat"]
    grant_revoke(actor=installation_admin, grant=secretariat)
    assert flags(person) == (False, False)
    assert not person.groups.exists()


def test_flags_ticked_by_hand_do_not_survive_the_next_change(installation_admin, esca):
    person = UserFactory()
    User.objects.filter(pk=person.pk).update(is_staff=True, is_superuser=True)
    # ``person`` is the stale copy (both False): the stored flags are what is corrected.
    grant = grant_create(
        actor=installation_admin,
        user=person,
        role=Role.ASSESSOR,
        scope=ScopeChoice(operator=esca),
    )
    assert flags(person) == (False, False)
    grant_revoke(actor=installation_admin, grant=grant)
    assert flags(person) == (False, False)


def test_an_operator_administrator_is_staff_but_no_superuser(esca_admin):
    assert flags(esca_admin) == (True, False)
    assert list(esca_admin.groups.values_list("name", flat=True)) == ["operator administrator"]


# --- accounts --------------------------------------------------------------------------------


def test_only_administrators_create_accounts(secretariat, esca_admin):
    with pytest.raises(AccessRefused):
        user_create(actor=secretariat, username="new", email="new@example.org")
    user = user_create(actor=esca_admin, username="new", email="new@example.org")
    assert not user.has_usable_password() and not user.grants.exists()
    assert actions(user) == ["account.create"]


def test_a_weak_password_or_a_used_address_is_refused(installation_admin):
    with pytest.raises(ValidationError):
        user_create(actor=None, username="weak", email="weak@example.org", password="12345678")
    user_create(actor=None, username="first", email="same@example.org", password=STRONG)
    with pytest.raises(ValidationError):
        user_create(actor=None, username="second", email="SAME@example.org", password=STRONG)
    assert not User.objects.filter(username__in=["weak", "second"]).exists()


def test_an_operator_administrator_cannot_touch_someone_beyond_the_operator(
    esca_admin, installation_admin, bw
):
    beyond = UserFactory()
    grant_create(actor=None, user=beyond, role=Role.SECRETARIAT, scope=ScopeChoice(operator=bw))
    for target in (beyond, installation_admin):
        with pytest.raises(AccessRefused):
            user_deactivate(actor=esca_admin, user=target)
        with pytest.raises(AccessRefused):
            user_password_reset_by_staff(actor=esca_admin, user=target, password=STRONG)
        target.refresh_from_db()
        assert target.is_active and not target.check_password(STRONG)


def test_deactivating_and_resetting_within_the_scope(esca_admin):
    person = UserFactory()
    grant_create(
        actor=esca_admin, user=person, role=Role.ASSESSOR, scope=ScopeChoice(scheme_id="ecei-gold")
    )
    user_password_reset_by_staff(actor=esca_admin, user=person, password=STRONG)
    with pytest.raises(ValidationError):
        user_password_reset_by_staff(actor=esca_admin, user=person, password="password")
    user_deactivate(actor=esca_admin, user=person, reason="left")
    person.refresh_from_db()
    assert person.check_password(STRONG) and not person.is_active
    assert actions(person) == ["access.grant", "account.password_reset", "account.deactivate"]


def test_the_trail_holds_after_grants_revocations_deactivation_and_reset(
    installation_admin, esca_admin, esca, capsys
):
    person = user_create(actor=installation_admin, username="p", email="p@example.org")
    grant = grant_create(
        actor=esca_admin, user=person, role=Role.BOARD_MEMBER, scope=ScopeChoice(operator=esca)
    )
    grant_create(
        actor=installation_admin, user=person, role=Role.ADMINISTRATOR, scope=ScopeChoice()
    )
    grant_revoke(actor=esca_admin, grant=grant, reason="term ended")
    user_password_reset_by_staff(actor=installation_admin, user=person, password=STRONG)
    user_deactivate(actor=installation_admin, user=person, reason="left")
    assert actions(person) == [
        "account.create",
        "access.grant",
        "access.grant",
        "access.revoke",
        "account.password_reset",
        "account.deactivate",
    ]
    call_command("audit", "verify")
    assert "Audit trail intact" in capsys.readouterr().out
