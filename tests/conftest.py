from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from clusterlabel.schemes.services import SHIPPED_DIR
from tests.helpers import english_pages


@pytest.fixture(scope="session", autouse=True)
def _issuer_keys():
    """The issuer's signing key, made once per test run in the test data directory."""
    from clusterlabel.labels.certificates.credentials import ensure_keys

    ensure_keys()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache: its database starts at data generation 0 again,
    so a public page another test cached would otherwise match its keys."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shipped_dir() -> Path:
    return SHIPPED_DIR


@pytest.fixture
def loaded_schemes(db):
    """The shipped schemes, loaded as scheme versions."""
    from clusterlabel.schemes.services import scheme_versions_load_directory

    return {
        r.scheme_version.scheme_id: r.scheme_version
        for r in scheme_versions_load_directory(directory=SHIPPED_DIR)
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A test client request that switched to English leaves the thread's language behind;
    every test starts and ends in the default language (German)."""
    from django.conf import settings

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english() -> Iterator[None]:
    """English active for the code the test calls directly (services, forms, commands), whose
    messages it reads in the English source; for the pages a test client asks for, see
    ``tests.helpers.english_pages``."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client: Client) -> Client:
    """The test client, asking for English pages (the default language is German)."""
    return english_pages(client)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgresql`` (PostgreSQL's own behaviour, e.g. query plans) are selected
    only when the tests run on PostgreSQL (``DATABASE_URL``); on another database they are
    deselected, not skipped: there is nothing of theirs to check there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(selected) < len(items):
        config.hook.pytest_deselected(
            items=[item for item in items if item.get_closest_marker("postgresql") is not None]
        )
        items[:] = selected
