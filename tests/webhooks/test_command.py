"""``clusterlabel webhooks add|list|deactivate|deliver``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels.services import label_change_state
from clusterlabel.webhooks.models import Delivery, Endpoint
from clusterlabel.webhooks.signing import secret_decrypt
from tests.factories import UserFactory
from tests.labels.label_factories import make_label
from tests.webhooks.receiver import local_receiver

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_secret_once_and_list_shows_the_endpoint(esca, go_cluster):
    out = run(
        "add",
        "--operator",
        esca.slug,
        "--url",
        "https://crm.example.org/hooks",
        "--events",
        "label.issued,label.revoked",
    )
    endpoint = Endpoint.objects.get()
    secret = out.split("secret (shown only now): ")[1].strip()
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    assert endpoint.events == ["label.issued", "label.revoked"]
    assert AuditEvent.objects.get(action="webhook.create").actor is None
    run("add", "--programme", go_cluster.slug, "--url", "https://programme.example.org/in")
    listed = run("list")
    assert "https://crm.example.org/hooks\tactive\tlabel.issued,label.revoked\t0 pending" in listed
    assert "https://programme.example.org/in\tactive" in listed
    assert secret not in listed


def test_add_refuses_unknown_owners_events_and_addresses(esca, settings):
    with pytest.raises(CommandError, match="No operator or programme 'nobody'"):
        run("add", "--operator", "nobody", "--url", "https://crm.example.org/hooks")
    with pytest.raises(CommandError, match="events: Choose at least one"):
        run("add", "--operator", esca.slug, "--url", "https://crm.example.org/h", "--events", "x")
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(CommandError, match="url: The address must begin with https://"):
        run("add", "--operator", esca.slug, "--url", "http://crm.example.org/hooks")
    assert not Endpoint.objects.exists()


def test_deliver_once_sends_what_is_due_and_deactivate_stops_it(esca):
    with local_receiver() as receiver:
        run("add", "--operator", esca.slug, "--url", receiver.url, "--events", "label.revoked")
        endpoint = Endpoint.objects.get()
        authority = UserFactory(role="authority")
        label_change_state(
            label=make_label(scheme_id="ecei-gold"),
            actor=authority,
            new_state="revoked",
            reason="x",
        )
        out = run("deliver", "--once")
        delivery = Delivery.objects.get()
        assert out.strip() == f"{delivery.pk} delivered HTTP 200"
        assert len(receiver.requests) == 1
        assert run("deactivate", str(endpoint.pk)).strip() == f"{endpoint.pk}: deactivated"
        label_change_state(
            label=make_label(scheme_id="ecei-gold"),
            actor=authority,
            new_state="revoked",
            reason="x",
        )
        assert run("deliver", "--once") == ""
        assert len(receiver.requests) == 1
    with pytest.raises(CommandError, match="No endpoint 999"):
        run("deactivate", "999")
