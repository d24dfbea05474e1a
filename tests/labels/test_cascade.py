"""Suspending, reinstating or revoking a label does the same to the labels recognised with it
(a BW award's ECEI Gold), in one transaction, each with its own audit event; never the other
way round; and not at all when the person may not change one of them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels import services
from clusterlabel.labels.models import Label
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import text
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

BW = "bw-cluster-excellence"


@pytest.fixture
def pair(loaded_schemes) -> tuple[Label, Label]:
    """A BW label and the ECEI Gold recognised with it, of one organisation."""
    organisation = OrganisationFactory()
    bw = make_label(scheme_id=BW, organisation=organisation)
    gold = make_label(scheme_id="ecei-gold", organisation=organisation, recognised_with=bw)
    return bw, gold


@pytest.fixture
def authority():
    return UserFactory(role="authority")


def events(label: Label):
    return AuditEvent.objects.filter(target_type="labels.label", target_id=str(label.pk))


def states(*labels: Label) -> list[str]:
    return [Label.objects.get(pk=label.pk).state for label in labels]


def test_revoking_the_state_label_revokes_the_gold_with_its_own_event(pair, authority, english):
    bw, gold = pair
    services.label_change_state(
        label=bw, actor=authority, new_state="revoked", reason="Fraudulent self-assessment"
    )
    assert states(bw, gold) == ["revoked", "revoked"]
    (bw_event,) = events(bw).filter(action="label.revoke")
    (gold_event,) = events(gold).filter(action="label.revoke")
    assert bw_event.reason == "Fraudulent self-assessment"
    assert gold_event.reason == f"together with {bw.certificate_number}: Fraudulent self-assessment"
    assert (gold_event.before, gold_event.after) == ({"state": "active"}, {"state": "revoked"})
    assert gold_event.actor == authority
    gold.refresh_from_db()
    assert gold.state_reason == gold_event.reason


def test_a_failure_on_the_second_label_rolls_back_the_first(pair, authority, monkeypatch):
    bw, gold = pair
    real = services.audit_record
    calls: list[str] = []

    def failing_on_the_gold(**kwargs):
        calls.append(kwargs["target"].certificate_number)
        if kwargs["target"].pk == gold.pk:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", failing_on_the_gold)
    with pytest.raises(RuntimeError):
        services.label_change_state(label=bw, actor=authority, new_state="revoked", reason="x")
    assert calls == [bw.certificate_number, gold.certificate_number]  # the first was written
    assert states(bw, gold) == ["active", "active"]
    assert not events(bw).filter(action="label.revoke").exists()


def test_suspend_and_reinstate_cascade(pair, authority):
    bw, gold = pair
    services.label_change_state(label=bw, actor=authority, new_state="suspended", reason="check")
    assert states(bw, gold) == ["suspended", "suspended"]
    services.label_change_state(label=bw, actor=authority, new_state="active", reason="checked")
    assert states(bw, gold) == ["active", "active"]
    assert list(events(gold).order_by("pk").values_list("action", flat=True)) == [
        "label.suspend",
        "label.reinstate",
    ]


def test_an_already_revoked_gold_is_left_alone_on_reinstate(pair, authority):
    bw, gold = pair
    services.label_change_state(label=bw, actor=authority, new_state="suspended", reason="a")
    services.label_change_state(label=gold, actor=authority, new_state="revoked", reason="b")
    services.label_change_state(label=bw, actor=authority, new_state="active", reason="c")
    assert states(bw, gold) == ["active", "revoked"]
    assert not events(gold).filter(action="label.reinstate").exists()


def test_revoking_the_gold_alone_leaves_the_state_label(pair, authority):
    bw, gold = pair
    services.label_change_state(label=gold, actor=authority, new_state="revoked", reason="Gold")
    assert states(bw, gold) == ["active", "revoked"]
    assert not events(bw).filter(action="label.revoke").exists()


def test_someone_who_may_not_change_the_gold_cannot_cascade_into_it(pair):
    """A BW secretariat (grant scoped to the BW scheme) may manage the BW label, not ESCA's Gold:
    the cascade is refused as a whole, naming the Gold, rather than done behind ESCA's back or
    done in part."""
    bw, gold = pair
    bw_secretariat = UserFactory()
    grant_role(bw_secretariat, Role.SECRETARIAT, scheme_id=BW)
    with pytest.raises(ValidationError) as refused:
        services.label_change_state(label=bw, actor=bw_secretariat, new_state="revoked", reason="x")
    assert gold.certificate_number in " ".join(refused.value.messages)
    assert states(bw, gold) == ["active", "active"]
    assert not AuditEvent.objects.filter(action="label.revoke").exists()


def test_a_scoped_secretariat_changes_a_state_label_without_recognitions(loaded_schemes):
    bw = make_label(scheme_id=BW)
    bw_secretariat = UserFactory()
    grant_role(bw_secretariat, Role.SECRETARIAT, scheme_id=BW)
    services.label_change_state(label=bw, actor=bw_secretariat, new_state="suspended", reason="x")
    assert states(bw) == ["suspended"]


def test_the_page_says_which_recognised_labels_change_too(client, pair, authority):
    bw, gold = pair
    client.force_login(authority)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("labels:manage", args=[bw.certificate_number])
    page = client.get(url).content.decode()
    assert page.count(f'data-number="{gold.certificate_number}"') == 2  # suspend and revoke
    assert "This label was recognised with it and changes with it" in text(page)
    assert f"{gold.certificate_number} · ECEI" in text(page)
    # reinstating is not offered for an active label; once suspended it is, with the Gold
    services.label_change_state(label=bw, actor=authority, new_state="suspended", reason="x")
    page = client.get(url).content.decode()
    assert page.count(f'data-number="{gold.certificate_number}"') == 2  # reinstate and revoke


def test_the_page_warns_when_the_change_would_be_refused(client, pair):
    bw, gold = pair
    bw_secretariat = UserFactory()
    grant_role(bw_secretariat, Role.SECRETARIAT, scheme_id=BW)
    client.force_login(bw_secretariat)
    url = reverse("labels:manage", args=[bw.certificate_number])
    response = client.post(url, {"action": "suspend", "suspend-reason": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert gold.certificate_number in body
    assert states(bw, gold) == ["active", "active"]


def test_the_page_of_the_gold_names_no_other_label(client, pair, authority):
    _bw, gold = pair
    client.force_login(authority)
    page = client.get(reverse("labels:manage", args=[gold.certificate_number])).content.decode()
    assert "data-number=" not in page
