"""Managing a label: only the awarding authority and the secretariat, every change with a
reason and an audit event, a revocation confirmed and final."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels.models import Label
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import element, elements, login, parsed, text
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(role="cluster_manager")


@pytest.fixture
def label(loaded_schemes, manager):
    return make_label(organisation=OrganisationFactory(managers=[manager]))


def manage_url(label: Label) -> str:
    return reverse("labels:manage", args=[label.certificate_number])


def label_events(label: Label):
    return AuditEvent.objects.filter(target_type="labels.label", target_id=str(label.pk))


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, label):
    response = client.get(manage_url(label))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(manage_url(label), {"action": "revoke", "revoke-reason": "x"})
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.state == "active"


@pytest.mark.parametrize("role", ["cluster_manager", "assessor", "board_member", "administrator"])
@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_other_roles_get_404_and_change_nothing(client, label, manager, role, action):
    user = manager if role == "cluster_manager" else UserFactory(role=role)  # own organisation
    client.force_login(user)
    assert client.get(manage_url(label)).status_code == 404
    response = client.post(
        manage_url(label),
        {"action": action, f"{action}-reason": "Versuch", f"{action}-confirm": "on"},
    )
    assert response.status_code == 404
    label.refresh_from_db()
    assert (label.state, label.state_reason) == ("active", "")
    assert not label_events(label).exists()


def test_the_manage_link_is_shown_only_to_the_authority_and_the_secretariat(client, label, manager):
    verify = reverse("labels:verify", args=[label.certificate_number])
    assert manage_url(label) not in client.get(verify).content.decode()
    for user, shown in (
        (manager, False),
        (UserFactory(role="assessor"), False),
        (UserFactory(role="secretariat"), True),
        (UserFactory(role="authority"), True),
    ):
        client.force_login(user)
        assert (manage_url(label) in client.get(verify).content.decode()) is shown, user.role


def test_suspend_reinstate_revoke_with_reasons_and_audit_events(client, label):
    secretariat, authority = UserFactory(role="secretariat"), UserFactory(role="authority")
    login(client, secretariat, language="en")
    page = client.get(manage_url(label)).content.decode()
    assert 'name="action" value="suspend"' in page
    assert 'name="action" value="revoke"' in page
    assert 'name="action" value="reinstate"' not in page  # only when suspended

    response = client.post(
        manage_url(label), {"action": "suspend", "suspend-reason": "Angaben werden geprüft"}
    )
    assert response.status_code == 302
    assert response["Location"] == manage_url(label)
    label.refresh_from_db()
    assert (label.state, label.state_reason) == ("suspended", "Angaben werden geprüft")
    page = client.get(manage_url(label)).content.decode()
    assert "The label has been suspended." in page
    assert 'name="action" value="reinstate"' in page
    assert 'name="action" value="suspend"' not in page

    login(client, authority, language="en")
    response = client.post(
        manage_url(label), {"action": "reinstate", "reinstate-reason": "Prüfung ohne Befund"}
    )
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.state == "active"

    response = client.post(
        manage_url(label),
        {"action": "revoke", "revoke-reason": "Falsche Angaben", "revoke-confirm": "on"},
    )
    assert response.status_code == 302
    label.refresh_from_db()
    assert (label.state, label.state_reason, label.status) == (
        "revoked",
        "Falsche Angaben",
        "revoked",
    )

    events = list(label_events(label).order_by("sequence"))
    assert [(e.action, e.actor_label, e.reason, e.before, e.after) for e in events] == [
        (
            "label.suspend",
            secretariat.username,
            "Angaben werden geprüft",
            {"state": "active"},
            {"state": "suspended"},
        ),
        (
            "label.reinstate",
            authority.username,
            "Prüfung ohne Befund",
            {"state": "suspended"},
            {"state": "active"},
        ),
        (
            "label.revoke",
            authority.username,
            "Falsche Angaben",
            {"state": "active"},
            {"state": "revoked"},
        ),
    ]
    page = client.get(manage_url(label)).content.decode()
    for reason in ("Angaben werden geprüft", "Prüfung ohne Befund", "Falsche Angaben"):
        assert f"<td>{reason}</td>" in page
    assert page.count('<tr data-action="label.') == 3
    assert "This label's state can no longer be changed." in page


def test_a_revocation_without_the_confirmation_is_refused_and_keeps_the_reason(client, label):
    login(client, UserFactory(role="authority"), language="en")
    response = client.post(
        manage_url(label), {"action": "revoke", "revoke-reason": "Täuschung <belegt>"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please confirm that you understand a revocation is final." in page
    assert "Täuschung &lt;belegt&gt;</textarea>" in page
    assert 'role="alert"' in page
    label.refresh_from_db()
    assert label.state == "active"
    assert not label_events(label).exists()


def test_a_change_without_a_reason_is_refused(client, label):
    login(client, UserFactory(role="secretariat"), language="en")
    page = client.post(manage_url(label), {"action": "suspend", "suspend-reason": "  "})
    assert "Please give a reason." in page.content.decode()
    label.refresh_from_db()
    assert label.state == "active"
    assert not label_events(label).exists()


def test_reinstating_a_revoked_label_is_refused_with_a_clear_message(client, label):
    login(client, UserFactory(role="authority"), language="en")
    client.post(
        manage_url(label), {"action": "revoke", "revoke-reason": "Betrug", "revoke-confirm": "on"}
    )
    response = client.post(
        manage_url(label), {"action": "reinstate", "reinstate-reason": "War ein Irrtum"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A revocation is final: the label cannot be reinstated or suspended." in page
    assert "War ein Irrtum</textarea>" in page
    label.refresh_from_db()
    assert (label.state, label.state_reason) == ("revoked", "Betrug")
    assert list(label_events(label).values_list("action", flat=True)) == ["label.revoke"]


def test_an_unknown_action_is_a_bad_request(client, label):
    client.force_login(UserFactory(role="authority"))
    assert client.post(manage_url(label), {"action": "delete"}).status_code == 400
    label.refresh_from_db()
    assert label.state == "active"


def test_the_page_costs_the_same_queries_however_long_the_history(
    client, label, django_assert_num_queries
):
    client.force_login(UserFactory(role="authority"))
    url = manage_url(label)
    client.get(url)  # warm the session and the parsed scheme
    # session, user, the user's grants, label, history, the labels recognised with it
    with django_assert_num_queries(6):
        client.get(url)
    for action, state in (("suspend", "x"), ("reinstate", "y"), ("suspend", "z")):
        client.post(url, {"action": action, f"{action}-reason": state})
    assert label_events(label).count() == 3
    with django_assert_num_queries(6):
        client.get(url)


def test_the_history_names_who_changed_the_label(client, label):
    authority = UserFactory(role="authority", first_name="Vera", last_name="Vergabe")
    login(client, authority)
    client.post(manage_url(label), {"action": "suspend", "suspend-reason": "Prüfung läuft"})
    history = element(parsed(client.get(manage_url(label))), "table", class_="label-history")
    (row,) = elements(element(history, "tbody"), "tr")
    cells = [text(cell) for cell in elements(row, "td")]
    assert "Vera Vergabe" in cells  # the person, not the account name
    assert authority.username not in cells
