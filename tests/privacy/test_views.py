"""The privacy pages, the download of one's own data and the request to be erased."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.accounts.api_tokens import api_token_create
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.privacy.models import ErasureRequest
from clusterlabel.privacy.selectors import personal_data_export
from clusterlabel.procedures.models import AssessorAssignment, BoardVote, IndicatorScore
from clusterlabel.schemes.models import SchemeVersion
from tests.factories import OrganisationFactory, UserFactory, shipped_operators
from tests.helpers import english_pages, login, text
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db

CONTACTS = {
    "european-secretariat-for-cluster-analysis-esca": {
        "name": "ESCA c/o VDI/VDE-IT",
        "address": "Rue Example 1\n1000 Brussels",
        "email": "privacy@esca.example",
        "dpo": "Dr. D. Schutz",
    }
}


@override_settings(PRIVACY_CONTACTS=CONTACTS)
def test_each_operator_has_a_privacy_page_linked_from_every_page(client):
    operators = shipped_operators()
    english_pages(client)
    home = client.get("/")
    assert reverse("privacy:operator_list") in home.content.decode()
    listing = client.get(reverse("privacy:operator_list"))
    for operator in operators:
        assert reverse("privacy:operator_detail", args=[operator.slug]) in listing.content.decode()
    esca = next(o for o in operators if o.slug.endswith("-esca"))
    page = text(client.get(reverse("privacy:operator_detail", args=[esca.slug])))
    for expected in (
        "ESCA c/o VDI/VDE-IT",
        "Rue Example 1",
        "privacy@esca.example",
        "Dr. D. Schutz",
        "Your account: name, e-mail address",
        "The audit trail",
        "Download your data",
        "Ask for the erasure of your data",
    ):
        assert expected in page
    assert client.get(reverse("privacy:operator_detail", args=["nobody"])).status_code == 404


def test_the_page_says_how_long_evidence_is_kept(client):
    from tests.privacy.test_retention import retention_version

    version = retention_version(months=60)
    english_pages(client)
    page = text(client.get(reverse("privacy:operator_detail", args=[version.operator.slug])))
    assert "Evidence files of" in page and "kept as long as the procedure's record" in page
    SchemeVersion.objects.filter(scheme_id=version.scheme_id).update(is_current=False)
    SchemeVersion.objects.filter(pk=version.pk).update(is_current=True)
    page = text(client.get(reverse("privacy:operator_detail", args=[version.operator.slug])))
    assert "deleted 60 months after the decision" in page


def test_anonymous_visitors_get_no_data(client):
    UserFactory(email="someone@example.org")
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert b"someone@example.org" not in response.content
    assert client.post(reverse("privacy:erasure_request"), {"confirm": "on"}).status_code == 302
    assert not ErasureRequest.objects.exists()


def test_a_person_downloads_only_their_own_data(client):
    me = UserFactory(username="me", email="me@example.org", first_name="Ada", last_name="Lind")
    other = UserFactory(username="other", email="other@example.org")
    login(client, me)
    # No parameter names anyone else: the view takes none.
    response = client.get(reverse("privacy:my_data"), {"user": other.pk, "id": other.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="clusterlabel-my-data')
    data = json.loads(response.content)
    assert data["account"]["email"] == "me@example.org"
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Ada", "Lind")
    assert b"other@example.org" not in response.content
    assert b'"other"' not in response.content


def test_the_export_holds_what_the_person_did_and_nothing_of_others(
    django_assert_num_queries,
):
    builder = ProcedureBuilder()
    procedure = builder.procedure
    person = UserFactory(role=Role.ASSESSOR, username="assessor.a")
    organisation = OrganisationFactory()
    Grant.objects.create(user=person, role=Role.CLUSTER_MANAGER, organisation=organisation)
    api_token_create(user=person, name="CRM", lifetime_days=30)
    AssessorAssignment.objects.create(procedure=procedure, assessor=person)
    IndicatorScore.objects.create(
        procedure=procedure, indicator_id="x1", value=3, comment="ok", updated_by=person
    )
    BoardVote.objects.create(procedure=procedure, member=person, round=1, in_favour=True)

    with django_assert_num_queries(16):
        data = personal_data_export(user=person)

    assert data["format"] == "clusterlabel-personal-data/1"
    assert {g["role"] for g in data["grants"]} == {"assessor", "cluster_manager"}
    assert data["managed_organisations"] == [
        {
            "id": organisation.pk,
            "legal_name": organisation.legal_name,
            "cluster_name": organisation.cluster_name,
        }
    ]
    (token,) = data["api_tokens"]
    assert token["name"] == "CRM" and token["prefix"].startswith("cl_")
    assert "key_hash" not in token
    assert [a["procedure_id"] for a in data["assessor_conflict_declarations"]] == [procedure.pk]
    assert data["scores_entered"][0] | {"updated_at": None} == {
        "procedure_id": procedure.pk,
        "indicator_id": "x1",
        "value": 3,
        "comment": "ok",
        "evidence_seen": "",
        "revision": 1,
        "updated_at": None,
    }
    assert data["board_votes"][0]["in_favour"] is True
    # The assessor profile: the qualifications the test set-up gave, a declared conflict.
    profile = data["assessor_profile"]
    assert {q["scheme"] for q in profile["qualifications"]} >= {"ecei-gold"}
    assert profile["declared_conflicts"] == []
    assert [e["action"] for e in data["audit_events_as_actor"]] == ["api_token.create"]
    # Events of other people are not in it, nor their names.
    blob = json.dumps(data)
    assert builder.manager.username not in blob
    assert builder.manager.email not in blob

    # More of everything costs no more queries.
    for n in range(3):
        api_token_create(user=person, name=f"more {n}", lifetime_days=30)
        IndicatorScore.objects.create(
            procedure=procedure, indicator_id=f"y{n}", value=n, updated_by=person
        )
    with django_assert_num_queries(16):
        assert len(personal_data_export(user=person)["api_tokens"]) == 4


def test_a_person_asks_for_erasure_once(client):
    me = UserFactory()
    login(client, me)
    english_pages(client)
    page = client.get(reverse("privacy:erasure_request"))
    assert "your account is closed" in text(page)
    # Without the confirmation nothing is recorded.
    client.post(reverse("privacy:erasure_request"), {"reason": "bye"})
    assert not ErasureRequest.objects.exists()
    response = client.post(
        reverse("privacy:erasure_request"), {"reason": "I left.", "confirm": "on"}, follow=True
    )
    assert "Your request has been recorded" in text(response)
    (request,) = ErasureRequest.objects.all()
    assert (request.user, request.reason, request.status) == (me, "I left.", "open")
    client.post(reverse("privacy:erasure_request"), {"reason": "again", "confirm": "on"})
    assert ErasureRequest.objects.count() == 1
    event = AuditEvent.objects.get(action="privacy.erasure_request")
    assert (event.actor, event.before, event.after, event.reason) == (me, None, None, "")
    assert "You asked for the erasure of your data" in text(
        client.get(reverse("privacy:erasure_request"))
    )
