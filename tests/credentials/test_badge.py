"""The OpenBadgeCredential built from a LabelClaim."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from clusterlabel.credentials import LabelClaim, build_credential

from .helpers import SUSPENSION_LIST_URL

SCHEMA_PATH = Path(__file__).with_name("ob3_minimal_schema.json")


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_schema_says_it_is_our_own_rendering() -> None:
    description = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["description"]
    assert "Our own rendering" in description and "NOT the official" in description


def test_credential_validates_against_ob3_schema(
    claim: LabelClaim, validator: Draft202012Validator
) -> None:
    errors = [error.message for error in validator.iter_errors(build_credential(claim))]
    assert errors == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c.pop("validFrom"),
        lambda c: c.__setitem__("@context", ["https://www.w3.org/ns/credentials/v2"]),
        lambda c: c.__setitem__("type", ["VerifiableCredential"]),
        lambda c: c["credentialSubject"].pop("achievement"),
        lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
        lambda c: c["credentialSubject"].__setitem__("name", "A person's name"),
        lambda c: c["credentialStatus"].__setitem__("statusListIndex", 4711),
        lambda c: c.__setitem__("validUntil", "2024-02-29T23:59:59"),
        lambda c: c["issuer"].pop("id"),
    ],
)
def test_schema_is_not_vacuous(
    claim: LabelClaim, validator: Draft202012Validator, breakage: Any
) -> None:
    credential = copy.deepcopy(build_credential(claim))
    breakage(credential)
    assert not validator.is_valid(credential)


def test_credential_layout(claim: LabelClaim) -> None:
    credential = build_credential(claim)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == claim.credential_id
    assert credential["issuer"] == {
        "id": claim.issuer_id,
        "type": ["Profile"],
        "name": claim.issuer_name,
        "url": claim.issuer_url,
    }
    # Dates: a date means the whole UTC day.
    assert credential["validFrom"] == "2022-03-01T00:00:00Z"
    assert credential["validUntil"] == "2024-02-29T23:59:59Z"
    assert credential["awardedDate"] == "2017-05-01T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["id"] == claim.organisation_id
    assert subject["type"] == ["AchievementSubject"]
    assert subject["licenseNumber"] == "ECEI-S-2022-0815"
    assert {(i["identityType"], i["identityHash"]) for i in subject["identifier"]} == {
        ("name", "BioCon Valley GmbH"),
        ("ext:clusterName", "BioCon Valley"),
        ("ext:countryCode", "DE"),
    }
    achievement = subject["achievement"]
    assert achievement["id"] == claim.achievement_id
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "European Cluster Excellence Initiative (ECEI) - Silver"
    assert "Silber" in achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert achievement["humanCode"] == "ecei:silver"
    assert credential["evidence"][0]["id"] == claim.verification_url


def test_credential_status_is_one_suspension_entry(claim: LabelClaim) -> None:
    """OB 3.0 allows one ``credentialStatus`` object; it names the list that marks suspended
    and revoked labels (docs/credentials.md)."""
    assert build_credential(claim)["credentialStatus"] == {
        "id": f"{SUSPENSION_LIST_URL}#4711",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "4711",
        "statusListCredential": SUSPENSION_LIST_URL,
    }


def test_credential_carries_no_personal_data(claim: LabelClaim) -> None:
    text = json.dumps(build_credential(claim))
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "no e-mail addresses"
    for member in ("email", "givenName", "familyName", "additionalName", "dateOfBirth", "phone"):
        assert f'"{member}"' not in text
    assert {field.name for field in dataclasses.fields(LabelClaim)}.isdisjoint(
        {"email", "contact_person", "person_name", "assessor"}
    )


def test_aware_datetimes_are_converted_to_utc(claim: LabelClaim) -> None:
    berlin_summer = timezone(timedelta(hours=2))
    moved = dataclasses.replace(
        claim,
        valid_from=datetime(2022, 3, 1, 10, 30, tzinfo=berlin_summer),
        valid_until=datetime(2024, 2, 29, 18, 0, 0, 999, tzinfo=berlin_summer),
    )
    credential = build_credential(moved)
    assert credential["validFrom"] == "2022-03-01T08:30:00Z"
    assert credential["validUntil"] == "2024-02-29T16:00:00Z"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_from": datetime(2022, 3, 1)}, "timezone-aware"),
        ({"country": "Germany"}, "ISO 3166-1"),
        ({"status_list_url": "status/suspension"}, "absolute URI"),
        ({"issuer_email": "not an address"}, "e-mail address"),
        ({"valid_until": date(2022, 2, 1)}, "after valid_from"),
        ({"status_list_index": -1}, "non-negative"),
        ({"credential_id": "5f0c6a4e"}, "absolute URI"),
        ({"organisation_legal_name": "  "}, "non-empty"),
    ],
)
def test_label_claim_refuses_bad_input(
    claim: LabelClaim, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(claim, **change)
