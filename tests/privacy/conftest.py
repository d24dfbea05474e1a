from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _in_english(english: None) -> None:
    """Messages of services and commands in the English source (German is the lead's)."""
