"""Content-Security-Policy on every response, error pages of our own, DEBUG refused in a
deployment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks
from django.test import Client, RequestFactory, override_settings
from django.views.defaults import server_error

import clusterlabel

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src 'self'",
    "img-src 'self' data:",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
}


def directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.parametrize(
    "path",
    [
        "/schemes/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/admin/login/",
        "/no/such/page/",
    ],
)
def test_every_page_carries_the_policy(path):
    response = Client().get(path)
    assert directives(response) == EXPECTED_DIRECTIVES


def test_a_missing_page_is_our_own_page_not_a_debug_page():
    response = Client().get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")

    text = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in text
    assert 'class="site-header"' in text
    assert "URLconf" not in text  # Django's debug 404 lists the URL patterns


def test_the_server_error_page_is_static_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    text = response.content.decode()
    assert response.status_code == 500
    assert "<h1>" in text and "{%" not in text
    assert "Traceback" not in text


def test_a_server_error_in_a_view_shows_that_page(monkeypatch):
    from clusterlabel.labels.views import registry

    def broken(request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry, "registry", broken)
    with override_settings(ROOT_URLCONF="tests.accounts.broken_urls"):
        response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert "boom" not in response.content.decode()
    assert (
        "Server error" in response.content.decode() or "Serverfehler" in response.content.decode()
    )


def test_debug_is_an_error_in_a_deployment_check():
    with override_settings(DEBUG=True):
        messages = run_checks(include_deployment_checks=True, tags=[Tags.security])
    with override_settings(DEBUG=False):
        clean = run_checks(include_deployment_checks=True, tags=[Tags.security])

    assert "clusterlabel.E001" in {m.id for m in messages}
    assert "clusterlabel.E001" not in {m.id for m in clean}


TEMPLATES = sorted(Path(clusterlabel.__file__).parent.rglob("*.html"))
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
]


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.name}: {what}"
        for path in TEMPLATES
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert TEMPLATES
    assert found == []
