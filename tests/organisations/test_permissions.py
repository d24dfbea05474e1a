"""Who sees and changes which organisation: every role against its own and another organisation,
on every page, by GET and by POST. A refusal is a 404 (or a 403 where the organisation is visible
but not changeable) and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.access.policy import Activity, can, restrict
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.services import PROFILE_FIELDS
from clusterlabel.procedures.models import Procedure
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import login
from tests.organisations.conftest import form_data

pytestmark = pytest.mark.django_db


def can_view(user, organisation) -> bool:
    return can(user, Activity.VIEW_ORGANISATION, organisation)


def can_edit(user, organisation) -> bool:
    return can(user, Activity.EDIT_ORGANISATION, organisation)


def visible(user):
    return restrict(Organisation.objects.all(), user, Activity.VIEW_ORGANISATION)


CM, SEC, ASS, BOARD = Role.CLUSTER_MANAGER, Role.SECRETARIAT, Role.ASSESSOR, Role.BOARD_MEMBER
AUTH, ADMIN = Role.AUTHORITY, Role.ADMINISTRATOR
WHO = [CM, SEC, ASS, BOARD, AUTH, ADMIN, "idle_assessor", "idle_manager"]

# Expected status per (who, target) for the detail page (GET) and the edit page (GET and a
# valid POST; a POST that is allowed saves and redirects).
DETAIL = {
    (CM, "own"): 200, (CM, "other"): 404,
    (SEC, "own"): 200, (SEC, "other"): 200,
    (ASS, "own"): 200, (ASS, "other"): 404,
    (BOARD, "own"): 200, (BOARD, "other"): 404,
    (AUTH, "own"): 200, (AUTH, "other"): 200,
    (ADMIN, "own"): 200, (ADMIN, "other"): 200,
    ("idle_assessor", "own"): 404, ("idle_assessor", "other"): 404,
    ("idle_manager", "own"): 404, ("idle_manager", "other"): 404,
}  # fmt: skip
EDIT = {
    (CM, "own"): 200, (CM, "other"): 404,
    (SEC, "own"): 200, (SEC, "other"): 200,
    (ASS, "own"): 403, (ASS, "other"): 404,
    (BOARD, "own"): 403, (BOARD, "other"): 404,
    (AUTH, "own"): 403, (AUTH, "other"): 403,
    (ADMIN, "own"): 403, (ADMIN, "other"): 403,
    ("idle_assessor", "own"): 404, ("idle_assessor", "other"): 404,
    ("idle_manager", "own"): 404, ("idle_manager", "other"): 404,
}  # fmt: skip
LIST = {CM: 302, SEC: 200, ASS: 404, BOARD: 404, AUTH: 200, ADMIN: 200}
LIST.update({"idle_assessor": 404, "idle_manager": 200})


def snapshot() -> list[tuple]:
    """Every profile value, share, programme and manager of every organisation, and the trail."""
    rows = []
    for organisation in Organisation.objects.order_by("pk"):
        rows.append(
            (
                organisation.pk,
                *(getattr(organisation, field) for field in PROFILE_FIELDS),
                tuple(
                    organisation.funding_sources.order_by("kind").values_list(
                        "kind", "share_percent"
                    )
                ),
                tuple(organisation.programmes.values_list("pk", flat=True)),
                tuple(organisation.managers.order_by("pk").values_list("pk", flat=True)),
            )
        )
    return [*rows, ("audit", AuditEvent.objects.count())]


@pytest.mark.parametrize("target", ["own", "other"])
@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(client, world, who, target):
    user = world.user(who)
    login(client, user)
    organisation = world.own if target == "own" else world.other
    detail = reverse("organisations:detail", args=[organisation.pk])
    edit = reverse("organisations:edit", args=[organisation.pk])

    # list
    response = client.get(reverse("organisations:list"))
    assert response.status_code == LIST[who]
    if LIST[who] == 302:
        assert response["Location"] == reverse("organisations:detail", args=[world.own.pk])
    assert client.post(reverse("organisations:list")).status_code == 405

    # detail
    response = client.get(detail)
    assert response.status_code == DETAIL[(who, target)]
    if response.status_code == 200:
        assert organisation.cluster_name in response.content.decode()
    else:
        assert organisation.cluster_name not in response.content.decode()
    assert client.post(detail).status_code == 405

    # edit
    assert client.get(edit).status_code == EDIT[(who, target)]
    before = snapshot()
    response = client.post(edit, form_data(organisation, cluster_name="Geänderter Name"))
    organisation.refresh_from_db()
    if EDIT[(who, target)] == 200:
        assert response.status_code == 302
        assert organisation.cluster_name == "Geänderter Name"
        assert AuditEvent.objects.filter(action="organisation.update").count() == 1
    else:
        assert response.status_code == EDIT[(who, target)]
        assert snapshot() == before

    # create
    may_create = who == SEC
    assert client.get(reverse("organisations:create")).status_code == (200 if may_create else 404)
    before_count = Organisation.objects.count()
    response = client.post(
        reverse("organisations:create"),
        form_data(cluster_name="Neuer Cluster", managers=[str(world.idle_manager.pk)]),
    )
    if may_create:
        assert response.status_code == 302
        created = Organisation.objects.get(cluster_name="Neuer Cluster")
        assert response["Location"] == reverse("organisations:detail", args=[created.pk])
        assert list(created.managers.all()) == [world.idle_manager]
    else:
        assert response.status_code == 404
        assert Organisation.objects.count() == before_count
        assert not AuditEvent.objects.filter(action="organisation.create").exists()


def test_anonymous_visitors_are_sent_to_the_login_and_change_nothing(client, world):
    before = snapshot()
    login_url = reverse("login")
    pages = [
        reverse("organisations:list"),
        reverse("organisations:create"),
        reverse("organisations:detail", args=[world.own.pk]),
        reverse("organisations:edit", args=[world.own.pk]),
    ]
    for url in pages:
        for method in (client.get, client.post):
            response = method(url, form_data(world.own, cluster_name="Anonym"))
            assert response.status_code == 302, url
            assert response["Location"].startswith(login_url), url
    assert snapshot() == before


def test_unknown_organisation_is_404_for_everyone(client, world):
    login(client, world.builder.secretariat)
    missing = Organisation.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("organisations:detail", args=[missing])).status_code == 404
    assert client.get(reverse("organisations:edit", args=[missing])).status_code == 404


def test_a_board_member_loses_sight_when_the_board_review_is_over(world):
    board_member = world.builder.board[0]
    assert can_view(board_member, world.own)
    Procedure.objects.filter(pk=world.builder.procedure.pk).update(state="awaiting_decision")
    assert not can_view(board_member, world.own)
    assert list(visible(board_member)) == []


def test_visible_to_lists_each_organisation_once(world):
    # Two assignments to the same organisation's procedures must not duplicate it.
    assessor = world.builder.assessors[0]
    assert list(visible(assessor)) == [world.own]
    oversight = visible(world.builder.secretariat)
    assert set(oversight) == {world.own, world.other}


def test_a_manager_with_two_organisations_sees_a_list_of_only_theirs(client):
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    first = OrganisationFactory(managers=[manager], cluster_name="Erster Cluster")
    second = OrganisationFactory(managers=[manager], cluster_name="Zweiter Cluster")
    OrganisationFactory(cluster_name="Fremder Cluster")
    login(client, manager)
    response = client.get(reverse("organisations:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("organisations:detail", args=[first.pk]) in html
    assert reverse("organisations:detail", args=[second.pk]) in html
    assert "Fremder Cluster" not in html
    # and a search cannot widen it
    html = client.get(reverse("organisations:list"), {"q": "Fremder"}).content.decode()
    assert "Fremder Cluster" not in html


def test_inactive_accounts_see_and_change_nothing(world):
    manager = world.manager
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert not can_view(manager, world.own)
    assert not can_edit(manager, world.own)
