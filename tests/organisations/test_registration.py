"""Self-registration and claims: what a new cluster manager may do before and after the
secretariat of the scheme they apply for confirms them, and what nobody else may do."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations import registration
from clusterlabel.organisations.models import Organisation, OrganisationClaim
from clusterlabel.procedures import services as procedures
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, grant_role
from tests.helpers import login
from tests.organisations.conftest import form_data

BW = "bw-cluster-excellence"
ECEI = "ecei-gold"

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    """A confirmed account without any grant."""
    return UserFactory()


@pytest.fixture
def bw_secretariat():
    return grant_role(UserFactory(), Role.SECRETARIAT, scheme_id=BW)


def register(client: Client, scheme_id: str = BW, **changes: object):
    data = form_data(**changes)
    data["requested_scheme_id"] = scheme_id
    return client.post(reverse("organisations:register"), data)


def registered(user, scheme_id: str = BW, **changes: object) -> Organisation:
    assert register(login(Client(), user), scheme_id, **changes).status_code == 302
    return Organisation.objects.get(registered_by=user, requested_scheme_id=scheme_id)


# --- registering -----------------------------------------------------------------------------


def test_a_person_without_grants_is_offered_the_registration(client, newcomer):
    login(client, newcomer)
    register_url = reverse("organisations:register")
    assert f'href="{register_url}"' in client.get(reverse("portal:start")).content.decode()
    assert f'href="{register_url}"' in client.get(reverse("organisations:list")).content.decode()
    assert client.get(register_url).status_code == 200


def test_registering_makes_an_unconfirmed_draft_the_registrant_manages(
    client, loaded_schemes, newcomer
):
    response = register(login(client, newcomer))

    organisation = Organisation.objects.get(registered_by=newcomer)
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    assert (organisation.confirmed_at, organisation.requested_scheme_id) == (None, BW)
    assert organisation.cluster_name == "MedTech Mannheim"
    assert list(organisation.managers.all()) == [newcomer]
    event = AuditEvent.objects.get(action="organisation.register")
    assert (event.actor_id, event.target_id) == (newcomer.pk, str(organisation.pk))
    grant_event = AuditEvent.objects.get(action="access.grant", target_id=str(newcomer.pk))
    assert grant_event.actor_id is None  # granted by the system, not by the registrant
    # The draft can be edited by its manager ...
    edit = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        form_data(organisation, city="Heidelberg"),
    )
    assert edit.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == "Heidelberg"
    detail = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert "bw-cluster-excellence" in detail  # "waiting for confirmation by ..."
    # ... but nothing about it is public.
    anonymous = Client()
    assert anonymous.get(reverse("labels:holder", args=[organisation.pk])).status_code == 404


def test_a_second_registration_waits_for_the_first_decision(loaded_schemes, newcomer):
    registered(newcomer)
    response = register(login(Client(), newcomer), cluster_name="Noch ein Cluster")
    assert response.status_code == 200
    assert "still waiting" in response.content.decode() or "wartet" in response.content.decode()
    assert Organisation.objects.filter(registered_by=newcomer).count() == 1


def test_staff_have_no_registration_page(client, loaded_schemes, bw_secretariat):
    login(client, bw_secretariat)
    assert client.get(reverse("organisations:register")).status_code == 404
    assert register(client).status_code == 404
    assert not Organisation.objects.filter(registered_by=bw_secretariat).exists()


def test_an_unknown_scheme_is_refused(client, loaded_schemes, newcomer):
    response = register(login(client, newcomer), scheme_id="no-such-scheme")
    assert response.status_code == 200
    assert "requested_scheme_id" in response.context["form"].errors
    assert not Organisation.objects.filter(registered_by=newcomer).exists()


# --- claims ----------------------------------------------------------------------------------


def test_a_claim_grants_nothing(client, loaded_schemes, newcomer):
    listed = OrganisationFactory(cluster_name="Optence", managers=[UserFactory()])
    login(client, newcomer)
    search = client.get(reverse("organisations:register"), {"q": "optenc"})
    assert "Optence" in search.content.decode()

    response = client.post(
        reverse("organisations:claim", args=[listed.pk]),
        {"scheme_id": BW, "note": "Geschäftsführerin seit 2019"},
    )

    assert response.status_code == 302
    claim = OrganisationClaim.objects.get(user=newcomer)
    assert (claim.organisation, claim.scheme_id, claim.accepted) == (listed, BW, None)
    assert not Grant.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.filter(action="organisation.claim", actor_id=newcomer.pk).exists()
    # The organisation stays someone else's: its page and its edit page are 404s.
    assert client.get(reverse("organisations:detail", args=[listed.pk])).status_code == 404
    edit = client.post(
        reverse("organisations:edit", args=[listed.pk]),
        form_data(listed, managers=[str(newcomer.pk)]),
    )
    assert edit.status_code == 404
    assert newcomer not in listed.managers.all()


def test_an_unconfirmed_registration_cannot_be_claimed(client, loaded_schemes, newcomer):
    pending = registered(UserFactory(), cluster_name="Fremder Entwurf")
    login(client, newcomer)
    assert "Fremder Entwurf" not in (
        client.get(reverse("organisations:register"), {"q": "Fremder"}).content.decode()
    )
    response = client.post(
        reverse("organisations:claim", args=[pending.pk]), {"scheme_id": BW, "note": "ich"}
    )
    assert response.status_code == 404
    assert not OrganisationClaim.objects.exists()


def test_a_manager_cannot_add_themselves_to_another_organisation(client, loaded_schemes):
    manager = UserFactory()
    own = OrganisationFactory(managers=[manager])
    other = OrganisationFactory(managers=[UserFactory()])
    login(client, manager)

    response = client.post(
        reverse("organisations:edit", args=[other.pk]),
        form_data(other, managers=[str(manager.pk)]),
    )
    own_edit = client.post(
        reverse("organisations:edit", args=[own.pk]),
        form_data(own, managers=[str(manager.pk), str(other.managers.get().pk)]),
    )

    assert response.status_code == 404
    assert manager not in other.managers.all()
    assert own_edit.status_code == 302  # saved, but the managers field is not the manager's
    assert list(own.managers.all()) == [manager]


# --- the secretariat's decisions -------------------------------------------------------------


def test_the_secretariat_sees_and_decides_only_its_own_schemes(
    client, loaded_schemes, bw_secretariat, django_capture_on_commit_callbacks
):
    for_bw = registered(UserFactory(), BW, cluster_name="BW-Anwärter")
    for_ecei = registered(UserFactory(), ECEI, cluster_name="ECEI-Anwärter")
    login(client, bw_secretariat)

    page = client.get(reverse("organisations:pending")).content.decode()
    assert "BW-Anwärter" in page
    assert "ECEI-Anwärter" not in page
    start = client.get(reverse("portal:start")).content.decode()
    assert reverse("organisations:pending") in start

    refused = client.post(
        reverse("organisations:decide_registration", args=[for_ecei.pk]), {"decision": "confirm"}
    )
    assert refused.status_code == 404
    for_ecei.refresh_from_db()
    assert for_ecei.confirmed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            reverse("organisations:decide_registration", args=[for_bw.pk]),
            {"decision": "confirm"},
        )
    assert confirmed.status_code == 302
    for_bw.refresh_from_db()
    assert for_bw.confirmed_by == bw_secretariat
    assert for_bw.confirmed_at is not None
    event = AuditEvent.objects.get(action="organisation.confirm")
    assert (event.actor_id, event.target_id) == (bw_secretariat.pk, str(for_bw.pk))
    [message] = mail.outbox
    assert message.to == [for_bw.registered_by.email]
    # Confirmed twice? The second is refused, nothing more is written.
    client.post(
        reverse("organisations:decide_registration", args=[for_bw.pk]), {"decision": "confirm"}
    )
    assert AuditEvent.objects.filter(action="organisation.confirm").count() == 1


def test_a_cluster_manager_or_assessor_has_no_pending_list(client, loaded_schemes):
    for user in (UserFactory(), grant_role(UserFactory(), Role.ASSESSOR, scheme_id=BW)):
        login(client, user)
        assert client.get(reverse("organisations:pending")).status_code == 404


def test_a_rejection_needs_a_reason_and_tells_the_registrant(
    client, loaded_schemes, bw_secretariat, django_capture_on_commit_callbacks
):
    organisation = registered(UserFactory(email="anna@example.org"))
    login(client, bw_secretariat)
    url = reverse("organisations:decide_registration", args=[organisation.pk])

    client.post(url, {"decision": "reject", "reason": "  "})
    organisation.refresh_from_db()
    assert organisation.is_pending

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "Sitz nicht in Baden-Württemberg"})
    organisation.refresh_from_db()
    assert (organisation.rejection_reason, organisation.rejected_by) == (
        "Sitz nicht in Baden-Württemberg",
        bw_secretariat,
    )
    assert organisation.confirmed_at is None
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Sitz nicht in Baden-Württemberg" in message.body
    event = AuditEvent.objects.get(action="organisation.reject")
    assert (event.actor_id, event.reason) == (bw_secretariat.pk, "Sitz nicht in Baden-Württemberg")


def test_accepting_a_claim_makes_the_claimant_a_manager(
    client, loaded_schemes, bw_secretariat, newcomer
):
    listed = OrganisationFactory(cluster_name="TechnologyMountains")
    bw_claim = registration.organisation_claim(
        actor=newcomer, organisation=listed, scheme_id=BW, note="Clustermanagerin"
    )
    ecei_claim = registration.organisation_claim(
        actor=UserFactory(), organisation=listed, scheme_id=ECEI, note="Praktikant"
    )
    login(client, bw_secretariat)
    page = client.get(reverse("organisations:pending")).content.decode()
    assert "Clustermanagerin" in page and "Praktikant" not in page

    refused = client.post(
        reverse("organisations:decide_claim", args=[ecei_claim.pk]), {"decision": "confirm"}
    )
    assert refused.status_code == 404
    client.post(reverse("organisations:decide_claim", args=[bw_claim.pk]), {"decision": "confirm"})

    bw_claim.refresh_from_db()
    assert (bw_claim.accepted, bw_claim.decided_by) == (True, bw_secretariat)
    assert list(listed.managers.all()) == [newcomer]
    assert not ecei_claim.user.grants.exists()
    accepted = AuditEvent.objects.get(action="organisation.claim_accept")
    assert accepted.actor_id == bw_secretariat.pk
    grant_event = AuditEvent.objects.get(action="access.grant", target_id=str(newcomer.pk))
    assert grant_event.actor_id is None
    newcomer_client = login(Client(), newcomer)
    assert newcomer_client.get(reverse("organisations:detail", args=[listed.pk])).status_code == 200


def test_a_rejected_claim_grants_nothing_and_tells_why(
    client, loaded_schemes, bw_secretariat, newcomer, django_capture_on_commit_callbacks
):
    listed = OrganisationFactory()
    claim = registration.organisation_claim(actor=newcomer, organisation=listed, scheme_id=BW)
    login(client, bw_secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:decide_claim", args=[claim.pk]),
            {"decision": "reject", "reason": "Nicht im Vorstand"},
        )
    claim.refresh_from_db()
    assert (claim.accepted, claim.decision_reason) == (False, "Nicht im Vorstand")
    assert not newcomer.grants.exists()
    [message] = mail.outbox
    assert message.to == [newcomer.email] and "Nicht im Vorstand" in message.body


# --- the procedure waits for the confirmation ------------------------------------------------


def test_an_application_of_an_unconfirmed_organisation_is_not_accepted(
    loaded_schemes, bw_secretariat, newcomer
):
    organisation = registered(newcomer)
    procedure = procedures.procedure_create(
        organisation=organisation,
        scheme_version=loaded_schemes[BW],
        level_id=loaded_schemes[BW].scheme.levels[-1].id,
        process="new",
        assessment_mode="on_site",
        actor=newcomer,
    )
    procedure = procedures.procedure_submit_application(procedure=procedure, actor=newcomer)

    with pytest.raises(procedures.ActionRefused) as refused:
        procedures.procedure_accept(procedure=procedure, actor=bw_secretariat)
    assert refused.value.code == "organisation_not_confirmed"
    procedure.refresh_from_db()
    assert procedure.state == "applied"

    registration.registration_confirm(actor=bw_secretariat, organisation=organisation)
    accepted = procedures.procedure_accept(procedure=procedure, actor=bw_secretariat)
    assert accepted.state == "contracted"


# --- CSRF ------------------------------------------------------------------------------------


def test_the_new_forms_need_the_csrf_token(loaded_schemes, bw_secretariat, newcomer):
    listed = OrganisationFactory()
    pending = registered(UserFactory())
    claim = registration.organisation_claim(actor=UserFactory(), organisation=listed, scheme_id=BW)
    person = Client(enforce_csrf_checks=True)
    assert person.login(username=newcomer.username, password=PASSWORD)
    secretariat = Client(enforce_csrf_checks=True)
    assert secretariat.login(username=bw_secretariat.username, password=PASSWORD)

    data = {**form_data(cluster_name="Ohne Token"), "requested_scheme_id": BW}
    assert person.post(reverse("organisations:register"), data).status_code == 403
    assert (
        person.post(
            reverse("organisations:claim", args=[listed.pk]), {"scheme_id": BW, "note": "x"}
        ).status_code
        == 403
    )
    decide = reverse("organisations:decide_registration", args=[pending.pk])
    assert secretariat.post(decide, {"decision": "confirm"}).status_code == 403
    decide_claim = reverse("organisations:decide_claim", args=[claim.pk])
    assert secretariat.post(decide_claim, {"decision": "confirm"}).status_code == 403

    pending.refresh_from_db()
    claim.refresh_from_db()
    assert pending.confirmed_at is None and claim.is_open
    assert not Organisation.objects.filter(cluster_name="Ohne Token").exists()
    assert not OrganisationClaim.objects.filter(user=newcomer).exists()


def test_the_waiting_notice_and_the_pending_list_name_the_scheme_in_words(
    client, loaded_schemes, newcomer, bw_secretariat
):
    organisation = registered(newcomer)
    client.force_login(newcomer)
    page = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert "Cluster-Exzellenz Baden-Württemberg" in page
    assert "bw-cluster-excellence" not in page.split("<main", 1)[1].split("notice", 2)[1][:400]
    client.force_login(bw_secretariat)
    pending = client.get(reverse("organisations:pending")).content.decode()
    assert "<td>Cluster-Exzellenz Baden-Württemberg</td>" in pending
