"""The site's own error pages with DEBUG off (as in production), in German and in English: an
unknown address or certificate number (404), a refused page (403), a form whose CSRF token no
longer fits (403), a request the site cannot read (400) and a failure (500)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.defaults import server_error

from tests.helpers import english_pages

LANGUAGES = ["de", "en"]


def asking_for(client: Client, language: str) -> Client:
    if language == "en":
        english_pages(client)
    return client


def heading(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def assert_site_page(response, *, status: int, language: str, title: str) -> str:
    """The response is the site's page in ``language``, not Django's debug or bare page."""
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading(language, title)}</h1>" in html
    assert "clusterlabel.css" in html
    for debug_text in ("Traceback", "Django", "Not Found</h1>", "Server Error (500)"):
        assert debug_text not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_certificate_number_is_the_sites_not_found_page(client, settings, language):
    settings.DEBUG = False
    response = asking_for(client, language).get(reverse("labels:verify", args=["XX-9999-0000"]))
    html = assert_site_page(response, status=404, language=language, title="Page not found")
    # The full layout: navigation and language switch, so a visitor can go on from here.
    assert 'id="language-select"' in html
    assert reverse("portal:start") in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_address_is_the_sites_not_found_page(client, settings, language):
    settings.DEBUG = False
    response = asking_for(client, language).get("/no-such-page/")
    assert_site_page(response, status=404, language=language, title="Page not found")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_page_is_the_sites_not_allowed_page(client, settings, language):
    settings.DEBUG = False
    url = reverse("labels:registry_export", args=["csv"]) + "?full=1"
    response = asking_for(client, language).get(url)
    assert_site_page(response, status=403, language=language, title="Not allowed")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_without_a_valid_csrf_token_says_what_to_do(settings, language):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    # The language switch is a form too: the language cookie as the switch would leave it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("login"), {"username": "someone", "password": "x"})
    html = assert_site_page(
        response, status=403, language=language, title="The form could not be sent"
    )
    assert 'id="language-select"' in html
    assert "CSRF" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_an_unknown_host_is_the_sites_bad_request_page(client, settings, language):
    settings.DEBUG = False
    response = asking_for(client, language).get("/", HTTP_HOST="attacker.example")
    html = assert_site_page(response, status=400, language=language, title="Bad request")
    # Nothing of the request it could not read is used: no absolute link to that host.
    assert "attacker.example" not in html


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.error_urls")
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failure_is_the_sites_server_error_page(settings, language):
    settings.DEBUG = False
    client = asking_for(Client(raise_request_exception=False), language)
    response = client.get("/test-failure/")
    html = assert_site_page(response, status=500, language=language, title="Server error")
    assert "a bug in a view" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_server_error_page_needs_no_database_and_no_request_context(language):
    # No ``db`` fixture: pytest-django refuses every query, as a database that is down would.
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading(language, 'Server error')}</h1>" in html
