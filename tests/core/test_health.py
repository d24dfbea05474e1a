"""The health check answers without the database, a session or the redirect to HTTPS."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_a_query_or_a_cookie(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_health_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    # Every other page is: the exemption is the health check's alone.
    assert client.get(reverse("labels:registry")).status_code == 301


def test_health_refuses_a_write(client):
    assert client.post(reverse("health")).status_code == 405
