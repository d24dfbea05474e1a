"""The back office shows the trail and offers no way to change it."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers import element, elements, parsed, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR, username="admin")


def test_the_admin_lists_searches_and_filters_events(client, administrator, record):
    record(
        actor=administrator, action="procedure.award", target_type="labels.label", target_id="L-1"
    )
    record(actor=None, action="label.revoke", target_type="labels.label", target_id="L-2")
    client.force_login(administrator)
    url = reverse("admin:audit_auditevent_changelist")

    html = client.get(url).content.decode()
    assert "Label verliehen" in html and "Label widerrufen" in html
    assert "L-1" in html and "L-2" in html

    html = client.get(url, {"q": "L-2"}).content.decode()
    assert "L-2" in html and "L-1" not in html

    html = client.get(url, {"action": "procedure.award"}).content.decode()
    assert "L-1" in html and "L-2" not in html


def test_even_a_superuser_cannot_add_change_or_delete(client, administrator, record):
    event = record(action="procedure.award")
    model_admin = site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = administrator
    assert model_admin.has_view_permission(request, event) is True
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request, event),
        model_admin.has_delete_permission(request, event),
    ) == (False, False, False)

    client.force_login(administrator)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[1]
    response = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_back_office_names_the_actor_and_words_the_changes(client, administrator, record):
    decider = UserFactory(username="d.decider", first_name="Dora", last_name="Entscheider")
    event = record(
        actor=decider,
        procedure_id=3,
        before={"state": "awaiting_decision", "fee_net": "4975.00", "fee_currency": "EUR"},
        after={
            "state": "awarded",
            "fee_net": "5000.00",
            "fee_currency": "EUR",
            "decided_by": decider.pk,
            "decided_at": "2026-12-04T19:42:51.446774Z",
        },
    )
    client.force_login(administrator)
    listing = parsed(client.get(reverse("admin:audit_auditevent_changelist")))
    row = elements(element(listing, "table", id="result_list"), "tr")[1]
    assert "Dora Entscheider" in [text(cell) for cell in elements(row, "td")]

    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    changes = text(element(parsed(page), "div", class_="field-changes_in_words"))
    # German back office: names, local time, money and states in words, not stored values
    assert "entschieden von: Dora Entscheider" in changes
    assert "4.975,00 € → 5.000,00 €" in changes
    assert "4. Dezember 2026 20:42" in changes
    assert "Verliehen" in changes
    assert "4975.00" not in changes and "2026-12-04T" not in changes
