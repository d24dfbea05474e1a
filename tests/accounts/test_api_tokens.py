"""Personal API tokens: made and revoked by their owner on the account page, the secret shown
once and stored only as its hash; on the API a token acts with its owner's grants and no more,
and a revoked, expired or foreign token gets nobody in."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.api_tokens import api_token_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import ApiToken
from clusterlabel.audit.models import AuditEvent
from clusterlabel.procedures.models import Procedure
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, grant_role
from tests.helpers import element, english_pages, input_value, login, text
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def token_for(user, lifetime_days: int | None = 30) -> str:
    return api_token_create(user=user, name="test", lifetime_days=lifetime_days).key


# --- the page ----------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_only_as_its_hash(client: Client) -> None:
    user = UserFactory()
    login(english_pages(client), user)
    page = client.post(reverse("api_tokens"), {"name": "CRM import", "lifetime": "90"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    key = text(element(page, "code", class_="token-secret"))
    assert key.startswith("cl_") and len(key) > 40
    token = ApiToken.objects.get(user=user)
    assert token.name == "CRM import"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.name, token.prefix} and key.startswith(token.prefix)
    assert token.expires_at.date() == (timezone.now() + timedelta(days=90)).date()
    again = client.get(reverse("api_tokens"))
    assert key not in again.content.decode()  # never shown again
    assert f"{token.prefix}…" in text(again)
    event = AuditEvent.objects.get(action="api_token.create")
    assert key not in str(event.after) and event.after["prefix"] == token.prefix


def test_a_token_without_a_name_is_refused_and_the_form_keeps_what_was_typed(
    client: Client,
) -> None:
    login(english_pages(client), UserFactory())
    page = client.post(reverse("api_tokens"), {"name": " ", "lifetime": "365"})
    assert page.status_code == 400
    assert "This field is required." in text(element(page, class_="error-summary"))
    assert not ApiToken.objects.exists()
    selected = [
        o for o in element(page, "select", name="lifetime").children if "selected" in str(o)
    ]
    assert "one year" in str(selected)
    assert input_value(page, "name") == " "  # what was typed, not a blank form
    too_long = client.post(reverse("api_tokens"), {"name": "x" * 101, "lifetime": "30"})
    assert too_long.status_code == 400
    assert input_value(too_long, "name") == "x" * 101
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_nobody_else_can(client: Client) -> None:
    owner, other = UserFactory(), UserFactory()
    key = token_for(owner)
    token = ApiToken.objects.get()
    login(client, other)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    login(client, owner)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    assert Client().get(reverse("api:programmes"), **bearer(key)).status_code == 401


def test_the_page_needs_a_login(client: Client) -> None:
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cl_not-a-token",
        "Bearer",
        "Bearer cl_a cl_b",
        "Token whatever",  # another scheme: anonymous, so 401 too
        "Bearer " + "x" * 300,
    ],
)
def test_a_bad_token_gets_401_and_says_how_to_send_one(client: Client, header: str) -> None:
    response = client.get(reverse("api:procedures"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="clusterlabel"'
    assert response.json()["detail"]


def test_expired_revoked_and_inactive_tokens_get_nobody_in(client: Client) -> None:
    expired_owner = UserFactory()
    expired = token_for(expired_owner)
    ApiToken.objects.filter(user=expired_owner).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    inactive_owner = UserFactory()
    inactive = token_for(inactive_owner, lifetime_days=None)
    inactive_owner.is_active = False
    inactive_owner.save()
    for key in (expired, inactive):
        assert client.get(reverse("api:programmes"), **bearer(key)).status_code == 401


def test_a_token_sees_what_its_owner_may_see_and_no_more(client: Client, loaded_schemes) -> None:
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    manager = UserFactory()
    grant_role(manager, Role.CLUSTER_MANAGER, organisation=mine)
    version = loaded_schemes["ecei-bronze"]
    for organisation in (mine, theirs):
        Procedure.objects.create(
            organisation=organisation,
            scheme_version=version,
            level_id="bronze",
            process="new",
            assessment_mode="video",
            state="applied",
            created_by=manager,
            applied_at=timezone.now(),
        )
    key = token_for(manager)
    answer = client.get(reverse("api:procedures"), **bearer(key)).json()
    assert answer["count"] == 1
    [row] = answer["results"]
    assert row["organisation_id"] == mine.pk
    assert row["scheme"] == "ecei-bronze" and row["state"] == "applied"
    assert row["waiting_for"] == "secretariat" and row["due"]
    assert client.get(reverse("api:programmes"), **bearer(key)).json() == []
    members = reverse("api:programme_members", args=["go-cluster"])
    ProgrammeFactory(slug="go-cluster")
    assert client.get(members, **bearer(key)).status_code == 404


def test_a_bad_filter_is_a_400_naming_the_field(client: Client) -> None:
    key = token_for(UserFactory())
    url = reverse("api:procedures")
    assert client.get(url, {"state": "nonsense"}, **bearer(key)).json().keys() == {"state"}
    assert client.get(url, {"page": "0"}, **bearer(key)).json().keys() == {"page"}
    assert client.get(url, {"page": "9" * 30}, **bearer(key)).status_code == 400


def test_programme_staff_read_their_members_and_lose_them_with_the_grant(
    client: Client, loaded_schemes
) -> None:
    go_cluster = ProgrammeFactory(
        slug="go-cluster", rule={"any_of": [{"label": "ecei-gold"}, {"procedure": "ecei-silver"}]}
    )
    other = ProgrammeFactory(slug="klynge", name="Klyngeprogram")
    member = OrganisationFactory(cluster_name="Aurum")
    label = make_label(scheme_id="ecei-gold", organisation=member)
    member.programmes.add(go_cluster)
    staff = grant_role(UserFactory(), Role.PROGRAMME, programme=go_cluster)
    key = token_for(staff)
    listing = client.get(reverse("api:programmes"), **bearer(key)).json()
    assert [p["key"] for p in listing] == ["go-cluster"]
    answer = client.get(reverse("api:programme_members", args=["go-cluster"]), **bearer(key))
    [row] = answer.json()["members"]
    assert row["cluster_name"] == "Aurum"
    assert row["labels"][0]["certificate_number"] == label.certificate_number
    assert row["rule_met"] is True
    assert row["met_by"] == {"kind": "label", "scheme": "ecei-gold", "level": None}
    other_members = reverse("api:programme_members", args=[other.slug])
    assert client.get(other_members, **bearer(key)).status_code == 404
    # The token has the owner's grants as they are now, not as they were when it was made.
    staff.grants.all().delete()
    answer = client.get(reverse("api:programme_members", args=["go-cluster"]), **bearer(key))
    assert answer.status_code == 404


def test_requests_are_limited_per_token(client: Client, settings) -> None:
    settings.API_TOKEN_RATE = "2/minute"
    first, second = token_for(UserFactory()), token_for(UserFactory())
    url = reverse("api:programmes")
    assert [client.get(url, **bearer(first)).status_code for _ in range(2)] == [200, 200]
    assert client.get(url, **bearer(first)).status_code == 429
    assert client.get(url, **bearer(second)).status_code == 200


def test_use_is_recorded_without_a_write_per_request(client: Client) -> None:
    key = token_for(UserFactory())
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    client.get(reverse("api:programmes"), **bearer(key))
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get(reverse("api:programmes"), **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_the_procedure_list_costs_the_same_queries_for_more_rows(
    client: Client, loaded_schemes, django_assert_num_queries
) -> None:
    secretariat = UserFactory(role=Role.SECRETARIAT)
    key = token_for(secretariat)
    url = reverse("api:procedures")

    def add(count: int) -> None:
        for index in range(count):
            Procedure.objects.create(
                organisation=OrganisationFactory(),
                scheme_version=loaded_schemes["ecei-gold" if index % 2 else "ecei-bronze"],
                level_id="gold" if index % 2 else "bronze",
                process="new",
                assessment_mode="on_site",
                state="applied",
                created_by=secretariat,
                applied_at=timezone.now(),
            )

    add(2)
    client.get(url, **bearer(key))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, **bearer(key))
    add(10)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url, **bearer(key)).json()["count"] == 12
