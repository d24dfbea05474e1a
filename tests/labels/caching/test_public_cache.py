"""The anonymous public pages come from the cache until a label changes, and a revoked label is
never shown as valid from a cache."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.labels import services
from clusterlabel.labels.generation import data_generation
from clusterlabel.organisations.registration import registration_confirm
from clusterlabel.organisations.services import PROFILE_FIELDS, organisation_update
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import login
from tests.labels.label_factories import make_label
from tests.organisations.test_registration import BW, registered


@pytest.fixture
def label(loaded_schemes):
    organisation = OrganisationFactory(
        cluster_name="Cluster Nord", legal_name="Cluster Nord e. V.", confirmed_at=timezone.now()
    )
    return make_label(organisation=organisation)


def _revoke(label, state="revoked"):
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state=state, reason="x"
    )


def _pages(label):
    """Each public page about ``label`` and how it says the label is valid / revoked."""
    number = label.certificate_number
    return {
        "verify": (reverse("labels:verify", args=[number]), "verdict-valid", "verdict-revoked"),
        "registry": (
            reverse("labels:registry") + f"?q={label.organisation.cluster_name}",
            "label-status-valid",
            "label-status-revoked",
        ),
        "holder": (
            reverse("labels:holder", args=[label.organisation_id]),
            "label-status-valid",
            "label-status-revoked",
        ),
        "badge": (
            reverse("labels:badge", args=[number]),
            'data-status="valid"',
            'data-status="revoked"',
        ),
    }


@pytest.mark.parametrize("page", ["verify", "registry", "holder", "badge"])
def test_a_cached_page_is_served_without_the_view_and_a_revocation_shows_at_once(
    client, label, page, django_assert_num_queries
):
    url, valid, revoked = _pages(label)[page]
    first = client.get(url)
    assert first.status_code == 200
    assert valid in first.content.decode()
    with django_assert_num_queries(1):  # the data generation, nothing else
        again = client.get(url)
    assert _without_csrf(again.content) == _without_csrf(first.content)
    _revoke(label)
    after = client.get(url).content.decode()
    assert revoked in after
    assert valid not in after


def test_the_statistics_page_counts_a_revoked_label_no_more(
    client, label, django_assert_num_queries
):
    url = reverse("labels:statistics")
    first = client.get(url)
    assert first.context["counts"].labels == 1
    with django_assert_num_queries(1):
        assert client.get(url).context is None  # from the cache, not rendered
    _revoke(label)
    assert client.get(url).context["counts"].labels == 0


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_a_conditional_get_with_the_etag_is_a_304_until_a_label_changes(client, label):
    url = reverse("labels:verify", args=[label.certificate_number])
    first = client.get(url)
    # an HTML page holds the visitor's CSRF token: only their browser keeps it
    assert first["Cache-Control"] == "private, no-cache"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    _revoke(label)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_positive_max_age_is_announced(client, label, settings):
    settings.PUBLIC_PAGE_MAX_AGE = 30
    response = client.get(reverse("labels:verify", args=[label.certificate_number]))
    assert response["Cache-Control"] == "private, max-age=30"
    badge = client.get(reverse("labels:badge", args=[label.certificate_number]))
    assert badge["Cache-Control"] == "public, max-age=30"


def test_a_page_valid_today_is_not_served_tomorrow(client, loaded_schemes, monkeypatch):
    today = timezone.localdate()
    expiring = make_label(valid_from=today - timedelta(days=10), valid_until=today)
    url = reverse("labels:verify", args=[expiring.certificate_number])
    assert "verdict-valid" in client.get(url).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    assert "verdict-expired" in client.get(url).content.decode()


def test_the_key_holds_the_language_and_a_normalised_query(
    client, label, django_assert_num_queries
):
    base = reverse("labels:registry")
    client.get(base + "?status=valid&sort=organisation")
    with django_assert_num_queries(1):
        client.get(base + "?sort=organisation&status=valid")
    english = client.get(base + "?status=valid&sort=organisation", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()


def test_logged_in_pages_are_private_and_never_cached(client, label, django_assert_num_queries):
    url = reverse("labels:verify", args=[label.certificate_number])
    anonymous = Client()
    anonymous.get(url)
    login(client, UserFactory(role="secretariat"))
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    # the person's page comes from the view (session, user, label...), not from the cache
    assert "verdict-valid" in response.content.decode()


def test_each_visitor_gets_their_own_csrf_token_from_a_cached_page(label):
    url = reverse("labels:verify", args=[label.certificate_number])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)
    page = second.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token and "\0" not in token.group(1)
    assert "csrftoken" in second.cookies  # the cached page set the visitor's cookie
    switched = second.post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token.group(1)}
    )
    assert switched.status_code == 302


def test_the_generation_is_read_from_the_database_on_every_request(client, label):
    url = reverse("labels:verify", args=[label.certificate_number])
    client.get(url)
    before = data_generation()
    _revoke(label)
    assert data_generation() == before + 1


def test_a_holders_new_name_shows_at_once(client, label):
    url = reverse("labels:verify", args=[label.certificate_number])
    assert "Cluster Nord" in client.get(url).content.decode()
    organisation = label.organisation
    data = {field: getattr(organisation, field) for field in PROFILE_FIELDS}
    data["cluster_name"] = "Cluster Nordost"
    before = data_generation()
    organisation_update(organisation=organisation, actor=UserFactory(role="secretariat"), data=data)
    assert data_generation() == before + 1
    assert "Cluster Nordost" in client.get(url).content.decode()


def test_confirming_an_organisation_bumps_the_generation(loaded_schemes):
    organisation = registered(UserFactory())
    before = data_generation()
    registration_confirm(
        actor=grant_role(UserFactory(), Role.SECRETARIAT, scheme_id=BW), organisation=organisation
    )
    assert data_generation() == before + 1


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("labels:badge", ("Access-Control-Allow-Origin", "Content-Security-Policy")),
        ("labels:credential", ("Content-Disposition",)),
    ],
)
def test_a_cached_response_keeps_its_own_headers(
    client, label, name, headers, django_assert_num_queries
):
    url = reverse(name, args=[label.certificate_number])
    first = client.get(url)
    with django_assert_num_queries(1):  # from the cache
        again = client.get(url)
    for header in (*headers, "Content-Type"):
        assert again[header] == first[header], header


def test_the_badge_and_the_credential_may_be_kept_by_a_proxy(client, label):
    for name in ("labels:badge", "labels:credential"):
        response = client.get(reverse(name, args=[label.certificate_number]))
        assert response["Cache-Control"] == "public, no-cache", name
        assert "csrftoken" not in response.cookies, name
