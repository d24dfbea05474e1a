"""Shared fixtures for the credentials tests: keys are made once per session (RSA is slow)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from clusterlabel.credentials import KeyRing, LabelClaim, create_key_directory

from .helpers import ISSUER, SUSPENSION_LIST_URL

#: Test keys are 2048 bits (the minimum we accept) to keep the suite fast; the default of
#: 3072 bits is asserted once in test_keys.py.
TEST_KEY_SIZE = 2048


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A key directory with one active key (never rotated: tests that rotate copy it)."""
    directory = tmp_path_factory.mktemp("issuer") / "keys"
    create_key_directory(directory, key_size=TEST_KEY_SIZE)
    return directory


@pytest.fixture(scope="session")
def ring(key_dir: Path) -> KeyRing:
    """The issuer's key ring."""
    return KeyRing.from_directory(key_dir)


@pytest.fixture(scope="session")
def attacker_ring(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    """A key ring the issuer never published."""
    return create_key_directory(tmp_path_factory.mktemp("attacker") / "keys", key_size=2048)


@pytest.fixture(scope="session")
def jwks(ring: KeyRing) -> dict[str, Any]:
    """The issuer's published JWKS."""
    return ring.public_jwks()


@pytest.fixture
def claim() -> LabelClaim:
    """BioCon Valley's third ECEI Silver label (first awarded 2017, re-certified 2022)."""
    return LabelClaim(
        certificate_number="ECEI-S-2022-0815",
        organisation_id=f"{ISSUER}/organisations/biocon-valley",
        organisation_legal_name="BioCon Valley GmbH",
        cluster_name="BioCon Valley",
        country="DE",
        scheme_id="ecei",
        scheme_name_de="Europäische Cluster-Exzellenz-Initiative (ECEI)",
        scheme_name_en="European Cluster Excellence Initiative (ECEI)",
        level_id="silver",
        level_name_de="Silber",
        level_name_en="Silver",
        valid_from=date(2022, 3, 1),
        valid_until=date(2024, 2, 29),
        awarded_date=date(2017, 5, 1),
        issuer_id=ISSUER,
        issuer_name="clusterlabel demo issuer",
        issuer_url=ISSUER,
        verification_url=f"{ISSUER}/verify/ECEI-S-2022-0815",
        credential_id=f"{ISSUER}/credentials/5f0c6a4e-2b1d-4f8e-9a53-0d6f1c2b7e10",
        achievement_id=f"{ISSUER}/achievements/ecei/silver",
        status_list_url=SUSPENSION_LIST_URL,
        status_list_index=4711,
    )
