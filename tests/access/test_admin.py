"""The back office: administrators grant and revoke through the services; nobody else reaches
accounts or grants, not even by posting directly."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.access.services import ScopeChoice, grant_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def stored(user: User) -> tuple[bool, bool, bool]:
    return (
        User.objects.filter(pk=user.pk).values_list("is_staff", "is_superuser", "is_active").get()
    )


# --- the secretariat -------------------------------------------------------------------------


def test_the_secretariat_uses_the_back_office_but_sees_no_accounts_or_grants(client, secretariat):
    client.force_login(secretariat)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert reverse("admin:access_grant_changelist") not in html
    assert reverse("admin:accounts_user_changelist") not in html
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:access_grant_changelist")).status_code == 403


def test_the_secretariat_cannot_make_themselves_superuser(client, secretariat):
    client.force_login(secretariat)
    before = stored(secretariat)
    url = reverse("admin:accounts_user_change", args=[secretariat.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "username": secretariat.username,
            "email": secretariat.email,
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "grants-TOTAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    assert stored(secretariat) == before == (True, False, True)
    assert not Grant.objects.filter(user=secretariat, role=Role.ADMINISTRATOR).exists()
    other = UserFactory()
    response = client.post(
        reverse("admin:accounts_user_change", args=[other.pk]), {"is_superuser": "on"}
    )
    assert response.status_code == 403
    assert stored(other) == (False, False, True)


def test_the_secretariat_cannot_grant_or_revoke(client, secretariat, esca):
    client.force_login(secretariat)
    add = reverse("admin:access_grant_add")
    assert client.get(add).status_code == 403
    response = client.post(
        add, {"user": secretariat.pk, "role": "administrator", "reason": "promotion"}
    )
    assert response.status_code == 403
    grant = Grant.objects.filter(user=secretariat).first()
    revoke = reverse("admin:access_grant_revoke", args=[grant.pk])
    assert client.post(revoke, {"reason": "x"}).status_code == 403
    assert client.post(reverse("admin:access_grant_delete", args=[grant.pk])).status_code == 403
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert not Grant.objects.filter(role=Role.ADMINISTRATOR).exists()
    assert stored(secretariat) == (True, False, True)
    assert not AuditEvent.objects.filter(action__startswith="access.").exists()


# --- administrators --------------------------------------------------------------------------


def test_the_grant_list_says_the_scope_in_words(client, installation_admin, esca_admin):
    client.force_login(installation_admin)
    html = client.get(reverse("admin:access_grant_changelist")).content.decode()
    assert "gesamte Installation" in html or "the whole installation" in html
    assert "European Secretariat for Cluster Analysis" in html
    filtered = client.get(reverse("admin:access_grant_changelist"), {"scope": "operator"})
    assert "esca-admin" in filtered.content.decode()
    assert "root-admin" not in filtered.content.decode().split('id="result_list"')[1]


def test_the_grant_list_needs_the_same_queries_for_many_grants(client, installation_admin, esca):
    client.force_login(installation_admin)
    url = reverse("admin:access_grant_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        grant_create(
            actor=None, user=UserFactory(), role=Role.ASSESSOR, scope=ScopeChoice(operator=esca)
        )
    grant_create(
        actor=None,
        user=UserFactory(),
        role=Role.CLUSTER_MANAGER,
        scope=ScopeChoice(organisation=OrganisationFactory()),
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


def test_an_administrator_grants_through_the_service(client, installation_admin, esca):
    person = UserFactory(username="new-assessor")
    client.force_login(installation_admin)
    response = client.post(
        reverse("admin:access_grant_add"),
        {"user": person.pk, "role": "assessor", "operator": esca.pk, "reason": "joined the pool"},
    )
    assert response.status_code == 302
    grant = Grant.objects.get(user=person)
    assert (grant.role, grant.operator, grant.granted_by) == ("assessor", esca, installation_admin)
    event = AuditEvent.objects.get(action="access.grant", target_id=str(person.pk))
    assert event.actor == installation_admin and event.reason == "joined the pool"


def test_a_scope_that_does_not_fit_is_shown_not_saved(client, installation_admin, esca):
    person = UserFactory()
    client.force_login(installation_admin)
    response = client.post(
        reverse("admin:access_grant_add"),
        {"user": person.pk, "role": "cluster_manager", "operator": esca.pk, "reason": "x"},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Grant.objects.filter(user=person).exists()


def test_an_operator_administrator_stays_within_the_operator(client, esca_admin, bw, esca):
    person = UserFactory(username="someone")
    foreign = grant_create(
        actor=None, user=person, role=Role.SECRETARIAT, scope=ScopeChoice(operator=bw)
    )
    client.force_login(esca_admin)
    listing = client.get(reverse("admin:access_grant_changelist")).content.decode()
    assert "esca-admin" in listing and "someone" not in listing
    response = client.post(
        reverse("admin:access_grant_add"),
        {"user": person.pk, "role": "authority", "operator": bw.pk, "reason": "x"},
    )
    assert response.status_code == 200 and "errornote" in response.content.decode()
    response = client.post(
        reverse("admin:access_grant_add"),
        {"user": person.pk, "role": "administrator", "reason": "x"},
    )
    assert response.status_code == 200
    revoke = reverse("admin:access_grant_revoke", args=[foreign.pk])
    assert client.post(revoke, {"reason": "x"}).status_code == 404
    assert list(Grant.objects.filter(user=person)) == [foreign]
    assert stored(person) == (True, False, True)

    response = client.post(
        reverse("admin:access_grant_add"),
        {"user": person.pk, "role": "assessor", "scheme_id": "ecei-gold", "reason": "x"},
    )
    assert response.status_code == 302
    assert Grant.objects.filter(user=person, scheme_id="ecei-gold").exists()


def test_an_administrator_revokes_with_a_reason(client, installation_admin, esca):
    person = UserFactory()
    grant = grant_create(
        actor=None, user=person, role=Role.SECRETARIAT, scope=ScopeChoice(operator=esca)
    )
    assert stored(person)[0] is True
    client.force_login(installation_admin)
    url = reverse("admin:access_grant_revoke", args=[grant.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is required
    assert Grant.objects.filter(pk=grant.pk).exists()
    response = client.post(url, {"reason": "moved on"})
    assert response.status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert stored(person) == (False, False, True)
    assert AuditEvent.objects.get(action="access.revoke").reason == "moved on"


def test_no_grant_is_changed_or_deleted_in_place(client, installation_admin, esca_admin):
    grant = Grant.objects.get(user=esca_admin)
    client.force_login(installation_admin)
    change = reverse("admin:access_grant_change", args=[grant.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"role": "assessor"})
    assert client.post(reverse("admin:access_grant_delete", args=[grant.pk])).status_code == 403
    grant.refresh_from_db()
    assert grant.role == Role.ADMINISTRATOR


def test_operators_are_listed_read_only(client, installation_admin, esca):
    client.force_login(installation_admin)
    assert client.get(reverse("admin:schemes_operator_changelist")).status_code == 200
    assert client.get(reverse("admin:schemes_operator_add")).status_code == 403
    client.post(reverse("admin:schemes_operator_change", args=[esca.pk]), {"name": "Renamed"})
    esca.refresh_from_db()
    assert esca.name != "Renamed"


def test_no_back_office_page_edits_groups_or_second_factor_devices():
    """Groups follow the grants and devices are enrolled by their owner: neither has an admin
    page, so not even an installation administrator edits them by hand."""
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    import clusterlabel.urls  # noqa: F401 - the unregistration happens there

    for model in (Group, StaticDevice, TOTPDevice):
        assert not admin.site.is_registered(model), model
