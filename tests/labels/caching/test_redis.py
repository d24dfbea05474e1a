"""The shared cache on Redis (``REDIS_URL``, as the README's deployment sets it): Django's
RedisCache works with the ``redis`` client, and the public pages are kept there. Runs when
``REDIS_URL`` is set (``.ci/run`` sets it for the caching tests)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from clusterlabel.labels import services
from clusterlabel.labels.generation import data_generation
from clusterlabel.labels.public_cache import page_key
from tests.factories import UserFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis server)"
)


def test_the_cache_is_redis_and_keeps_values():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("redis-check", {"page": b"\x00bytes"}, 30)
    assert cache.get("redis-check") == {"page": b"\x00bytes"}


def test_a_public_page_is_kept_in_redis_and_a_revocation_replaces_it(client, loaded_schemes):
    label = make_label()
    url = reverse("labels:verify", args=[label.certificate_number])
    first = client.get(url)
    assert "verdict-valid" in first.content.decode()
    key = page_key(first.wsgi_request, generation=data_generation(), by_date=True)
    assert cache.get(key) is not None  # in Redis, where every application server finds it
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    assert "verdict-revoked" in client.get(url).content.decode()
