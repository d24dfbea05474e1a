"""The OpenAPI document is generated from the code and valid; the interactive page is served
from the installed packages (no CDN) and runs under the site's Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_document_is_valid_openapi_3_and_lists_every_endpoint(client):
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    validate_schema(document)  # against the OpenAPI 3 JSON schema
    assert set(document["paths"]) == {
        "/api/v1/labels/",
        "/api/v1/labels/{number}/",
        "/api/v1/organisations/{id}/",
        "/api/v1/statistics/",
        "/api/v1/procedures/",
        "/api/v1/programmes/",
        "/api/v1/programmes/{key}/members/",
        "/api/v1/label-imports/",
    }
    writes = {"/api/v1/procedures/": {"get", "post"}, "/api/v1/label-imports/": {"post"}}
    for name, path in document["paths"].items():
        assert set(path) == writes.get(name, {"get"})  # the registry is read-only
    # The token endpoints say they need a bearer token; the registry's do not.
    assert document["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    procedures = document["paths"]["/api/v1/procedures/"]["get"]
    assert procedures["security"] == [{"apiToken": []}]
    assert "401" in procedures["responses"]
    assert document["paths"]["/api/v1/labels/"]["get"].get("security", [{}]) == [{}]
    filters = {p["name"] for p in document["paths"]["/api/v1/labels/"]["get"]["parameters"]}
    assert {"q", "family", "scheme", "level", "country", "region", "sector", "status"} <= filters
    assert {"valid_on", "page"} <= filters


def test_the_interactive_page_loads_everything_from_this_site(client):
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "<style" not in html  # inline style would be refused by style-src 'self'
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/' in attributes for attributes in scripts)  # no inline script
    assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))  # no CDN
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url
