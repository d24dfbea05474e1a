"""Shared fixtures of the domain tests: in-memory schemes, the shipped scheme directory."""

from __future__ import annotations

from pathlib import Path

import pytest

import clusterlabel
from clusterlabel.domain.eligibility import EligibilityResult
from clusterlabel.domain.schemes import Scheme
from tests.domain.factories import build_scheme

SHIPPED_DIR = Path(clusterlabel.__file__).parent / "schemes" / "shipped"


@pytest.fixture(scope="session")
def scheme() -> Scheme:
    """The default test scheme of :mod:`tests.domain.factories` (immutable, so shared)."""
    return build_scheme()


@pytest.fixture(scope="session")
def eligible() -> EligibilityResult:
    """An eligibility result that passes, not tied to a scheme."""
    return EligibilityResult(eligible=True, failures=(), checked=())
