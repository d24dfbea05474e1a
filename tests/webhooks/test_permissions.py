"""Who may register, see, deactivate and resend webhooks: tries to break in as another
operator's secretariat, a scheme-scoped secretariat, a cluster manager, an assessor, another
programme's staff and anonymous, through the services, the pages and the back office."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.access.policy import Activity, can, restrict
from clusterlabel.access.services import user_flags_sync
from clusterlabel.webhooks.models import Delivery, Endpoint
from clusterlabel.webhooks.services import (
    delivery_redeliver,
    endpoint_create,
    endpoint_deactivate,
)
from tests.factories import UserFactory
from tests.helpers import login
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db
URL = "https://receiver.example.org/hook"


def granted(role, **scope):
    user = UserFactory()
    Grant.objects.create(user=user, role=role, **scope)
    user_flags_sync(user)
    return user


@pytest.fixture
def esca_endpoint(esca):
    return endpoint_create(owner=esca, url=URL, events=["label.revoked"], actor=None).endpoint


@pytest.fixture
def programme_endpoint(go_cluster):
    return endpoint_create(owner=go_cluster, url=URL, events=["label.revoked"], actor=None).endpoint


@pytest.fixture
def esca_delivery(esca_endpoint):
    from clusterlabel.labels.services import label_change_state

    label_change_state(
        label=make_label(scheme_id="ecei-gold"),
        actor=UserFactory(role="authority"),
        new_state="revoked",
        reason="x",
    )
    return Delivery.objects.get(endpoint=esca_endpoint)


def test_the_operators_secretariat_and_administrator_manage_its_endpoints(esca, esca_endpoint):
    for user in (granted("secretariat", operator=esca), granted("administrator", operator=esca)):
        assert can(user, Activity.MANAGE_WEBHOOKS, esca)
        assert can(user, Activity.MANAGE_WEBHOOKS, esca_endpoint)
        assert list(restrict(Endpoint.objects.all(), user, Activity.MANAGE_WEBHOOKS)) == [
            esca_endpoint
        ]
    installation = UserFactory(role="administrator")
    assert can(installation, Activity.MANAGE_WEBHOOKS, esca_endpoint)


def test_others_may_not_touch_an_operators_endpoint(
    esca, vdivde, esca_endpoint, esca_delivery, member
):
    intruders = [
        granted("secretariat", operator=vdivde),  # another operator's secretariat
        granted("secretariat", scheme_id="ecei-gold"),  # one scheme, not the operator
        granted("authority", operator=esca),
        granted("assessor", operator=esca),
        granted("administrator", operator=vdivde),
        UserFactory(role="cluster_manager", role__organisation=member),
        UserFactory(role="programme"),
    ]
    for user in intruders:
        assert not can(user, Activity.MANAGE_WEBHOOKS, esca), user.grants.get().role
        assert not can(user, Activity.MANAGE_WEBHOOKS, esca_endpoint)
        assert not restrict(Endpoint.objects.all(), user, Activity.MANAGE_WEBHOOKS).exists()
        assert not restrict(Delivery.objects.all(), user, Activity.MANAGE_WEBHOOKS).exists()
        with pytest.raises(PermissionDenied):
            endpoint_create(owner=esca, url=URL, events=["label.issued"], actor=user)
        with pytest.raises(PermissionDenied):
            endpoint_deactivate(endpoint=esca_endpoint, actor=user)
        with pytest.raises(PermissionDenied):
            delivery_redeliver(delivery=esca_delivery, actor=user)
    assert Endpoint.objects.count() == 1
    assert Endpoint.objects.get().is_active


def test_a_programmes_staff_and_installation_administrators_manage_its_endpoints(
    esca, go_cluster, programme_endpoint, other_programme
):
    staff = UserFactory(role="programme", role__programme=go_cluster)
    assert can(staff, Activity.MANAGE_WEBHOOKS, go_cluster)
    assert list(restrict(Endpoint.objects.all(), staff, Activity.MANAGE_WEBHOOKS)) == [
        programme_endpoint
    ]
    assert can(UserFactory(role="administrator"), Activity.MANAGE_WEBHOOKS, programme_endpoint)
    outsider = UserFactory(role="programme", role__programme=other_programme)
    every_operator = UserFactory(role="secretariat")  # the secretariat of every operator
    for user in (outsider, every_operator, granted("administrator", operator=esca)):
        assert not can(user, Activity.MANAGE_WEBHOOKS, programme_endpoint)
        with pytest.raises(PermissionDenied):
            endpoint_create(owner=go_cluster, url=URL, events=["label.issued"], actor=user)
        with pytest.raises(PermissionDenied):
            endpoint_deactivate(endpoint=programme_endpoint, actor=user)


def test_an_operators_administrator_may_not_manage_a_programmes_endpoints(
    esca, programme_endpoint, go_cluster
):
    operator_admin = granted("administrator", operator=esca)
    assert not can(operator_admin, Activity.MANAGE_WEBHOOKS, go_cluster)
    assert not can(operator_admin, Activity.MANAGE_WEBHOOKS, programme_endpoint)


# --- pages ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, esca_endpoint):
    for url in (
        reverse("webhooks:list"),
        reverse("webhooks:detail", args=[esca_endpoint.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("webhooks:deactivate", args=[esca_endpoint.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Endpoint.objects.get().is_active


def test_a_cluster_manager_gets_no_webhook_page(client, member):
    manager = UserFactory(role="cluster_manager", role__organisation=member)
    login(client, manager)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert reverse("webhooks:list") not in client.get(reverse("api_tokens")).content.decode()


def test_another_operators_secretariat_finds_neither_page_nor_button(
    client, vdivde, esca, esca_endpoint, esca_delivery
):
    login(client, granted("secretariat", operator=vdivde))
    page = client.get(reverse("webhooks:list"))
    assert page.status_code == 200
    assert esca_endpoint.url not in page.content.decode()
    assert client.get(reverse("webhooks:detail", args=[esca_endpoint.pk])).status_code == 404
    response = client.post(reverse("webhooks:deactivate", args=[esca_endpoint.pk]))
    assert response.status_code == 404
    assert Endpoint.objects.get(pk=esca_endpoint.pk).is_active
    # Nor can it register one for ESCA by posting ESCA's key to the form.
    response = client.post(
        reverse("webhooks:list"),
        {"owner": f"operator:{esca.pk}", "url": URL, "events": ["label.issued"]},
    )
    assert response.status_code == 400
    assert Endpoint.objects.count() == 1


def test_another_programmes_staff_cannot_see_or_register_for_it(
    client, go_cluster, other_programme, programme_endpoint
):
    login(client, UserFactory(role="programme", role__programme=other_programme))
    assert client.get(reverse("webhooks:detail", args=[programme_endpoint.pk])).status_code == 404
    response = client.post(
        reverse("webhooks:list"),
        {"owner": f"programme:{go_cluster.pk}", "url": URL, "events": ["label.issued"]},
    )
    assert response.status_code == 400
    assert Endpoint.objects.count() == 1


def test_the_back_office_log_shows_only_ones_own_deliveries(client, esca, vdivde, esca_delivery):
    own = granted("secretariat", operator=esca)
    other = granted("secretariat", operator=vdivde)
    changelist = reverse("admin:webhooks_delivery_changelist")
    detail = reverse("admin:webhooks_delivery_change", args=[esca_delivery.pk])
    login(client, own)
    assert esca_delivery.event.subject in client.get(changelist).content.decode()
    assert client.get(detail).status_code == 200
    client.logout()
    login(client, other)
    assert esca_delivery.event.subject not in client.get(changelist).content.decode()
    assert client.get(detail).status_code in (302, 403, 404)
    response = client.post(
        changelist, {"action": "redeliver", "_selected_action": [str(esca_delivery.pk)]}
    )
    assert response.status_code in (200, 302)
    esca_delivery.refresh_from_db()
    assert esca_delivery.attempts == 0 and esca_delivery.state == "pending"
    from clusterlabel.audit.models import AuditEvent

    assert not AuditEvent.objects.filter(action="webhook.redeliver").exists()


def test_the_secretariat_resends_from_the_back_office(client, esca, esca_delivery):
    Delivery.objects.filter(pk=esca_delivery.pk).update(state="failed", attempts=6)
    login(client, granted("secretariat", operator=esca))
    changelist = reverse("admin:webhooks_delivery_changelist")
    response = client.post(
        changelist, {"action": "redeliver", "_selected_action": [str(esca_delivery.pk)]}
    )
    assert response.status_code == 302
    esca_delivery.refresh_from_db()
    assert (esca_delivery.state, esca_delivery.attempts) == ("pending", 0)
    from clusterlabel.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="webhook.redeliver")
    assert event.before == {"state": "failed", "attempts": 6}
    assert event.target_id == str(esca_delivery.pk)
