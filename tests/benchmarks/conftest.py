from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """An empty cache before and after the test: pools and charts are cached by content, and a
    rolled-back test may leave a pool behind under a key the next one computes again."""
    cache.clear()
    yield
    cache.clear()
