"""Importing the WSGI module warms the process up: a worker's first request finds every URL
indexed, the templates compiled and the current catalogues parsed, as its second one does."""

from __future__ import annotations

import logging

import pytest
from django.template import engines
from django.urls import clear_url_caches, reverse
from django.urls.resolvers import URLResolver
from django.utils import translation

from clusterlabel import wsgi
from clusterlabel.schemes import models as scheme_models
from tests.procedures.builders import ensure_schemes


@pytest.fixture
def populations(monkeypatch) -> list[str]:
    """The URL indexes Django builds from here on (one per resolver and language)."""
    built: list[str] = []
    populate = URLResolver._populate

    def counting(self):
        built.append(translation.get_language())
        return populate(self)

    monkeypatch.setattr(URLResolver, "_populate", counting)
    return built


@pytest.mark.django_db(transaction=True)  # warm_up closes the connection it used
def test_after_the_warm_up_the_first_request_indexes_parses_and_compiles_nothing(
    populations, monkeypatch
):
    ensure_schemes()
    clear_url_caches()
    scheme_models._parse.cache_clear()
    for engine in engines.all():
        for loader in engine.engine.template_loaders:
            loader.reset()
    wsgi.warm_up()
    assert populations  # the warm-up indexed them

    populations.clear()
    parsed = scheme_models._parse.cache_info().misses
    compiled: list[str] = []
    engine = engines["django"].engine
    loader = engine.template_loaders[0]
    get_template = loader.get_template

    def counting(name, *args, **kwargs):
        if name not in loader.get_template_cache:
            compiled.append(name)
        return get_template(name, *args, **kwargs)

    monkeypatch.setattr(loader, "get_template", counting)
    for language in ("de", "en"):
        with translation.override(language):
            reverse("benchmarks:pool", args=["ecei-bronze"])
            reverse("benchmarks:report", args=["ecei-bronze", 1])
            reverse("login")
    from clusterlabel.schemes.models import SchemeVersion

    for version in SchemeVersion.objects.filter(is_current=True):
        assert version.scheme is not None
    engine.get_template("benchmarks/report.html")
    assert populations == []
    assert scheme_models._parse.cache_info().misses == parsed
    assert compiled == []


def test_a_failing_step_is_logged_and_the_others_still_run(monkeypatch, caplog):
    ran: list[str] = []

    def failing() -> None:
        raise RuntimeError("the database is not reachable yet")

    monkeypatch.setattr(wsgi, "_urls", lambda: ran.append("urls"))
    monkeypatch.setattr(wsgi, "_schemes", failing)
    monkeypatch.setattr(wsgi, "_templates", lambda: ran.append("templates"))
    with caplog.at_level(logging.WARNING, logger="clusterlabel.wsgi"):
        wsgi.warm_up()
    assert ran == ["urls", "templates"]
    assert "Warming up (failing) failed" in caplog.text
