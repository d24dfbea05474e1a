"""Which addresses may receive webhooks, in production and when private ones are allowed."""

from __future__ import annotations

import pytest

from clusterlabel.webhooks.addresses import url_problem


def public(host: str) -> list[str]:
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.org/h",
        "https://127.0.0.1/h",
        "https://10.0.0.5/h",
        "https://172.16.3.4/h",
        "https://192.168.1.1/h",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h",
        "https://[fd00::1]/h",
        "https://[::ffff:127.0.0.1]/h",
        "https://0.0.0.0/h",
        "https://localhost/h",
        "https://db.localhost/h",
    ],
)
def test_production_refuses_plain_http_and_internal_addresses(url):
    assert url_problem(url, allow_private=False, resolver=public) is not None


def test_a_name_that_resolves_to_an_internal_address_is_refused(english):
    problem = url_problem(
        "https://intranet.example.org/h", allow_private=False, resolver=lambda h: ["10.1.1.1"]
    )
    assert problem is not None and "internal network" in problem


def test_a_name_that_does_not_resolve_is_refused():
    problem = url_problem("https://nowhere.invalid/h", allow_private=False, resolver=lambda h: [])
    assert problem is not None and "nowhere.invalid" in problem


def test_a_public_https_address_is_accepted():
    assert url_problem("https://crm.example.org/h", allow_private=False, resolver=public) is None


@pytest.mark.parametrize(
    "url", ["ftp://crm.example.org/h", "https:///h", "mailto:a@b.c", "https://u:p@crm.example.org/"]
)
def test_only_http_urls_with_a_host_and_no_password_ever(url):
    assert url_problem(url, allow_private=True, resolver=public) is not None


def test_with_private_addresses_allowed_localhost_over_http_is_fine():
    assert url_problem("http://127.0.0.1:8080/hook", allow_private=True) is None
