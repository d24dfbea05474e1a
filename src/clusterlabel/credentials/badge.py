"""Build the Open Badges 3.0 ``OpenBadgeCredential`` of one awarded label.

Where each input lands (Open Badges 3.0 with the VC Data Model 2.0 contexts):

=============================  ==============================================================
``LabelClaim`` field           credential member
=============================  ==============================================================
credential_id                  ``id`` (also the JWT ``jti``)
issuer_id / _name / _url       ``issuer`` (a ``Profile``; ``issuer.id`` is the JWT ``iss``)
valid_from / valid_until       ``validFrom`` / ``validUntil`` (JWT ``nbf`` / ``exp``)
awarded_date                   ``awardedDate`` (the first award; renewals keep it)
organisation_id                ``credentialSubject.id`` (JWT ``sub``): the public registry URI
organisation_legal_name        ``credentialSubject.identifier[]`` IdentityObject ``name``
cluster_name                   ``credentialSubject.identifier[]`` IdentityObject
                               ``ext:clusterName``
country                        ``credentialSubject.identifier[]`` IdentityObject
                               ``ext:countryCode`` (ISO 3166-1 alpha-2)
certificate_number             ``credentialSubject.licenseNumber``
scheme / level (de, en)        ``credentialSubject.achievement`` (type ``Achievement``,
                               ``achievementType`` QualityAssuranceCredential, ``humanCode``
                               ``<scheme_id>:<level_id>``, ``criteria.narrative``)
verification_url               ``evidence[0].id`` (the public verification page)
issuer_email / issuer_image    ``issuer.email`` / ``issuer.image`` (optional)
status_list_url, index         ``credentialStatus``: ONE ``BitstringStatusListEntry`` of
                               purpose ``suspension`` whose bit is set while the label is
                               suspended *or* revoked (see ``docs/credentials.md``)
=============================  ==============================================================

The subject is an organisation. The credential carries no person's name or e-mail address;
``LabelClaim`` has no field that could hold one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ._encoding import format_datetime, to_instant
from .status_list import StatusPurpose, status_list_entry

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXTS = (VC_V2_CONTEXT, OB_V3_CONTEXT)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")

_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, kw_only=True)
class LabelClaim:
    """Everything a label credential states, as plain values (no ORM, no Django).

    Dates may be ``date`` (whole UTC days: ``valid_from`` from 00:00:00Z, ``valid_until``
    through 23:59:59Z) or timezone-aware ``datetime``. URIs must be absolute.
    """

    certificate_number: str
    organisation_id: str
    organisation_legal_name: str
    cluster_name: str
    country: str
    scheme_id: str
    scheme_name_de: str
    scheme_name_en: str
    level_id: str
    level_name_de: str
    level_name_en: str
    valid_from: date | datetime
    valid_until: date | datetime
    awarded_date: date | datetime
    issuer_id: str
    issuer_name: str
    issuer_url: str
    verification_url: str
    credential_id: str
    achievement_id: str
    status_list_url: str
    status_list_index: int
    # The badge image (OB 3.0 ``achievement.image``): optional, an absolute URI.
    achievement_image: str = ""
    issuer_email: str = ""
    issuer_image: str = ""

    def __post_init__(self) -> None:
        for name in (
            "organisation_id",
            "issuer_id",
            "issuer_url",
            "verification_url",
            "credential_id",
            "achievement_id",
            "status_list_url",
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or not _URI_RE.fullmatch(value):
                raise ValueError(f"{name} must be an absolute URI, got {value!r}")
        for name in (
            "certificate_number",
            "organisation_legal_name",
            "cluster_name",
            "scheme_id",
            "scheme_name_de",
            "scheme_name_en",
            "level_id",
            "level_name_de",
            "level_name_en",
            "issuer_name",
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string")
        if not _COUNTRY_RE.fullmatch(self.country):
            raise ValueError("country must be an ISO 3166-1 alpha-2 code such as 'DE'")
        if self.issuer_image and not _URI_RE.fullmatch(self.issuer_image):
            raise ValueError(f"issuer_image must be an absolute URI, got {self.issuer_image!r}")
        if self.issuer_email and "@" not in self.issuer_email:
            raise ValueError(f"issuer_email must be an e-mail address, got {self.issuer_email!r}")
        if self.achievement_image and not _URI_RE.fullmatch(self.achievement_image):
            raise ValueError(
                f"achievement_image must be an absolute URI, got {self.achievement_image!r}"
            )
        index = self.status_list_index
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError("status_list_index must be a non-negative int")
        if self.valid_from_instant >= self.valid_until_instant:
            raise ValueError("valid_until must be after valid_from")

    @property
    def valid_from_instant(self) -> datetime:
        """``valid_from`` as an aware UTC datetime (start of day for a date)."""
        return to_instant(self.valid_from, "valid_from")

    @property
    def valid_until_instant(self) -> datetime:
        """``valid_until`` as an aware UTC datetime (end of day for a date)."""
        return to_instant(self.valid_until, "valid_until", end_of_day=True)

    @property
    def awarded_instant(self) -> datetime:
        """``awarded_date`` as an aware UTC datetime (start of day for a date)."""
        return to_instant(self.awarded_date, "awarded_date")


def _identity(identity_type: str, value: str) -> dict[str, Any]:
    """A plaintext OB 3.0 ``IdentityObject`` (organisation data, so nothing to hash)."""
    return {
        "type": "IdentityObject",
        "identityType": identity_type,
        "hashed": False,
        "identityHash": value,
    }


def build_achievement(claim: LabelClaim) -> dict[str, Any]:
    """The ``Achievement``: the label level of a scheme, the same for every holder."""
    achievement: dict[str, Any] = {
        "id": claim.achievement_id,
        "type": ["Achievement"],
        "achievementType": "QualityAssuranceCredential",
        "name": f"{claim.scheme_name_en} - {claim.level_name_en}",
        "description": (
            f"{claim.level_name_en} level of the quality label scheme "
            f"'{claim.scheme_name_en}' for cluster management organisations "
            f"(de: {claim.scheme_name_de} - {claim.level_name_de})."
        ),
        "criteria": {
            "narrative": (
                f"Awarded to a cluster management organisation after an independent external "
                f"assessment against the quality indicators of '{claim.scheme_name_en}' "
                f"(scheme {claim.scheme_id}), meeting the requirements of the level "
                f"'{claim.level_name_en}' (level {claim.level_id})."
            )
        },
        "humanCode": f"{claim.scheme_id}:{claim.level_id}",
        "inLanguage": "en",
    }
    if claim.achievement_image:
        achievement["image"] = {
            "id": claim.achievement_image,
            "type": "Image",
            "caption": f"{claim.scheme_name_en} - {claim.level_name_en}",
        }
    return achievement


def issuer_profile(
    *, issuer_id: str, name: str, url: str, email: str = "", image: str = ""
) -> dict[str, Any]:
    """The issuer's OB 3.0 ``Profile``: embedded in each credential and published at its id."""
    profile: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": name, "url": url}
    if email:
        profile["email"] = email
    if image:
        profile["image"] = {"id": image, "type": "Image"}
    return profile


def build_credential(claim: LabelClaim) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` dict for ``claim`` (sign it with ``vcjwt``)."""
    valid_from = format_datetime(claim.valid_from_instant)
    valid_until = format_datetime(claim.valid_until_instant)
    return {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": claim.credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": f"{claim.scheme_name_en} - {claim.level_name_en}: {claim.cluster_name}",
        "description": (
            f"{claim.organisation_legal_name} ({claim.cluster_name}, {claim.country}) holds "
            f"the {claim.level_name_en} level of '{claim.scheme_name_en}', certificate "
            f"{claim.certificate_number}, valid from {valid_from[:10]} until {valid_until[:10]}."
        ),
        "issuer": issuer_profile(
            issuer_id=claim.issuer_id,
            name=claim.issuer_name,
            url=claim.issuer_url,
            email=claim.issuer_email,
            image=claim.issuer_image,
        ),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "awardedDate": format_datetime(claim.awarded_instant),
        "credentialSubject": {
            "id": claim.organisation_id,
            "type": ["AchievementSubject"],
            "identifier": [
                _identity("name", claim.organisation_legal_name),
                _identity("ext:clusterName", claim.cluster_name),
                _identity("ext:countryCode", claim.country),
            ],
            "licenseNumber": claim.certificate_number,
            "achievement": build_achievement(claim),
        },
        "evidence": [
            {
                "id": claim.verification_url,
                "type": ["Evidence"],
                "name": "Public verification page",
                "description": (
                    f"The issuer's public registry entry for certificate "
                    f"{claim.certificate_number}, showing its current status."
                ),
            }
        ],
        # One object, as OB 3.0's schema requires. Its list marks a label that is suspended or
        # revoked, so a verifier that only follows the W3C specification never sees either as
        # valid; the issuer's revocation list (same index) tells the two apart for our verifier.
        "credentialStatus": status_list_entry(
            list_url=claim.status_list_url,
            index=claim.status_list_index,
            purpose=StatusPurpose.SUSPENSION,
        ),
    }


__all__ = [
    "CREDENTIAL_CONTEXTS",
    "LabelClaim",
    "build_achievement",
    "build_credential",
    "issuer_profile",
]
