"""The webhook pages: register an endpoint (the secret shown once, stored encrypted), refuse a
bad address with the reason, list, see the deliveries, deactivate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.access.services import user_flags_sync
from clusterlabel.audit.models import AuditEvent
from clusterlabel.webhooks.models import Delivery, Endpoint
from clusterlabel.webhooks.signing import secret_decrypt
from tests.factories import UserFactory
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_client(client, esca):
    user = UserFactory()
    Grant.objects.create(user=user, role="secretariat", operator=esca)
    user_flags_sync(user)
    return login(client, user, language="en")


def register(client, owner, url="https://crm.example.org/hooks", events=("label.issued",)):
    return client.post(
        reverse("webhooks:list"),
        {"owner": owner, "url": url, "description": "CRM", "events": list(events)},
    )


def test_the_account_menu_links_the_page(secretariat_client):
    page = secretariat_client.get(reverse("api_tokens"))
    assert reverse("webhooks:list") in page.content.decode()


def test_registering_shows_the_secret_once_and_stores_it_encrypted(secretariat_client, esca):
    page = register(secretariat_client, f"operator:{esca.pk}")
    assert page.status_code == 200
    endpoint = Endpoint.objects.get()
    content = page.content.decode()
    secret = content.split('<code class="token-secret">')[1].split("</code>")[0]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in endpoint.secret_encrypted
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    assert endpoint.secret_prefix == secret[:10]
    assert (endpoint.operator, endpoint.url, endpoint.events) == (
        esca,
        "https://crm.example.org/hooks",
        ["label.issued"],
    )
    event = AuditEvent.objects.get(action="webhook.create")
    assert secret not in str(event.after) and event.after["secret_begins"] == secret[:10]
    # The list shows it without the secret.
    again = secretariat_client.get(reverse("webhooks:list")).content.decode()
    assert "https://crm.example.org/hooks" in again and secret not in again
    assert f"{secret[:10]}…" in again


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://crm.example.org/hooks", "must begin with https://"),
        ("http://crm.example.org/hooks", "https://"),
        ("https://127.0.0.1/hooks", "internal network"),
        ("https://10.1.2.3/hooks", "internal network"),
        ("https://localhost/hooks", "internal network"),
        ("https://[::1]/hooks", "internal network"),
    ],
)
def test_production_refuses_plain_http_and_internal_addresses(
    secretariat_client, esca, settings, url, message
):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    page = register(secretariat_client, f"operator:{esca.pk}", url=url)
    assert page.status_code == 400
    assert message in text(page)
    assert not Endpoint.objects.exists()


def test_the_detail_page_lists_deliveries_and_deactivates(secretariat_client, esca):
    from clusterlabel.labels.services import label_change_state
    from tests.labels.label_factories import make_label

    register(secretariat_client, f"operator:{esca.pk}", events=("label.revoked",))
    endpoint = Endpoint.objects.get()
    label = make_label(scheme_id="ecei-gold")
    label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    detail = reverse("webhooks:detail", args=[endpoint.pk])
    page = secretariat_client.get(detail)
    assert label.certificate_number in text(page)
    assert "label.revoked" in text(page)
    response = secretariat_client.post(reverse("webhooks:deactivate", args=[endpoint.pk]))
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.deactivated_at is not None
    assert Delivery.objects.get().state == "cancelled"
    assert "deactivated on" in text(secretariat_client.get(detail))
    assert AuditEvent.objects.filter(action="webhook.deactivate").count() == 1


def test_the_list_page_needs_a_fixed_number_of_queries(
    secretariat_client, esca, django_assert_max_num_queries
):
    for n in range(5):
        register(secretariat_client, f"operator:{esca.pk}", url=f"https://crm{n}.example.net/h")
    with django_assert_max_num_queries(20) as captured:
        secretariat_client.get(reverse("webhooks:list"))
    few = len(captured)
    for n in range(5, 15):
        register(secretariat_client, f"operator:{esca.pk}", url=f"https://crm{n}.example.net/h")
    with django_assert_max_num_queries(few):
        page = secretariat_client.get(reverse("webhooks:list"))
    assert text(page).count("example.net/h") == 15
