"""Signed credentials for labels: the issuers' keys, the label's Open Badges 3.0 credential and
the published revocation and suspension lists.

Each awarding authority (the scheme file's ``awarding_authority``: the ministry for the state
label, ESCA/EUCLES for the ECEI labels) is its own issuer: a profile at
``/issuers/<key>/``, its own keys in ``CLUSTERLABEL_KEYS_DIR/issuers/<key>/`` (files, never the
database; made on first use, rotated with ``clusterlabel keys rotate --issuer <key>``), a JWKS
at ``/issuers/<key>/jwks.json`` and its own two status lists. A key's ``kid`` is the URL
``<issuer id>keys/<thumbprint>``, which returns that public key.

Before issuers existed the platform signed every credential itself: issuer ``SITE_URL/``, the key
in ``CLUSTERLABEL_KEYS_DIR/active.pem`` (kid = bare thumbprint) and the lists at ``/status/...``.
That key and those lists stay published and signed (the *legacy* issuer, ``LEGACY``), so
credentials issued then keep verifying; it signs no new label credential.
Retired keys stay published, so credentials signed before a rotation still verify.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from clusterlabel.credentials.badge import LabelClaim, build_credential, issuer_profile
from clusterlabel.credentials.keys import KeyFileError, KeyRing, create_key_directory
from clusterlabel.credentials.status_list import (
    BitstringStatusList,
    StatusPurpose,
    build_status_list_credential,
)
from clusterlabel.credentials.vcjwt import VerificationReport, sign_credential, verify_credential
from clusterlabel.labels.certificates.badge import badge_url
from clusterlabel.labels.generation import lock_generation
from clusterlabel.labels.models import Label, LabelState, StoredStatusList
from clusterlabel.private_files import private_directory
from clusterlabel.schemes.models import SchemeVersion

#: The label states whose bit is set in a list of each purpose. A suspension list also marks
#: revoked labels: a label credential names only that list (OB 3.0 allows one
#: ``credentialStatus``), so a verifier that knows nothing but the W3C specification must see a
#: revoked label as not valid too; the revocation list tells the two apart. Revocation is final
#: (a revoked label never changes state again), so its bits are never cleared.
STATES_FOR_PURPOSE = {
    StatusPurpose.REVOCATION: (LabelState.REVOKED,),
    StatusPurpose.SUSPENSION: (LabelState.SUSPENDED, LabelState.REVOKED),
}
#: The platform as the one issuer of the credentials issued before each awarding authority had
#: its own (``StoredStatusList.issuer`` of its lists).
LEGACY = ""
ISSUERS_SUBDIRECTORY = "issuers"


@dataclass(frozen=True)
class Issuer:
    """An awarding authority as credential issuer: ``key`` (the scheme files' party key), name
    and country. Its id, key URLs and list URLs are URLs on this platform."""

    key: str
    name: str
    country: str

    @property
    def id(self) -> str:
        return issuer_id_for(self.key)

    @property
    def kid_base(self) -> str:
        return kid_base_for(self.key)

    def profile(self) -> dict[str, Any]:
        """The OB 3.0 ``Profile`` published at ``id`` and embedded in its credentials."""
        contact = getattr(settings, "CREDENTIAL_ISSUER_CONTACTS", {}).get(self.key, {})
        return issuer_profile(
            issuer_id=self.id,
            name=self.name,
            url=contact.get("url") or absolute(reverse("labels:registry")),
            email=contact.get("email") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            image=contact.get("image")
            or absolute("/" + static("clusterlabel/favicon.svg").lstrip("/")),
        )


def keys_dir() -> Path:
    return Path(settings.CLUSTERLABEL_KEYS_DIR)


def issuer_keys_dir(key: str) -> Path:
    return keys_dir() / ISSUERS_SUBDIRECTORY / key


def keyring() -> KeyRing:
    """The platform's (legacy issuer's) keys (``KeyFileError`` with the reason when none)."""
    return _keyring(str(keys_dir()), _directory_stamp(keys_dir()))


def issuer_id_for(key: str) -> str:
    """The id (a URL returning its profile) of the issuer with the key ``key``."""
    return absolute(reverse("labels:issuer", args=[key]))


def kid_base_for(key: str) -> str:
    """What the issuer's kids start with; kid = base + RFC 7638 thumbprint."""
    return issuer_id_for(key) + "keys/"


def issuer_keyring(issuer: Issuer) -> KeyRing:
    """The issuer's keys with URL kids; its first key is made here if it has none yet."""
    return issuer_keyring_for(issuer.key)


def issuer_keyring_for(key: str) -> KeyRing:
    """The keys of the issuer with the key ``key`` (made on first use)."""
    directory = issuer_keys_dir(key)
    if not (directory / "active.pem").exists():
        private_directory(directory.parent)
        with suppress(FileExistsError):  # another process made it just now
            create_key_directory(directory)
    ring = _keyring(str(directory), _directory_stamp(directory))
    return ring.with_kid_base(kid_base_for(key))


def _issuer_keys_on_disk() -> list[str]:
    """The keys of the issuers that have signing keys (so have signed something)."""
    base = keys_dir() / ISSUERS_SUBDIRECTORY
    if not base.is_dir():
        return []
    return sorted(path.parent.name for path in base.glob("*/active.pem"))


def issuer_of_version(version: SchemeVersion) -> Issuer:
    authority = version.scheme.awarding_authority
    return Issuer(key=authority.key, name=authority.name, country=authority.country)


def issuer_of(label: Label) -> Issuer:
    """The label's issuer: its scheme's awarding authority."""
    return issuer_of_version(label.scheme_version)


def issuers() -> dict[str, Issuer]:
    """Every awarding authority of a loaded scheme version, by key."""
    found: dict[str, Issuer] = {}
    for version in SchemeVersion.objects.all():
        issuer = issuer_of_version(version)
        found.setdefault(issuer.key, issuer)
    return found


def issuer_by_key(key: str) -> Issuer | None:
    return issuers().get(key)


def _version_ids_by_issuer() -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for version in SchemeVersion.objects.all():
        ids.setdefault(issuer_of_version(version).key, []).append(version.pk)
    return ids


def _directory_stamp(directory: Path) -> tuple[tuple[str, float], ...]:
    # A rotation changes the files; the cache key follows them.
    if not directory.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime) for p in directory.glob("*.pem")))


@lru_cache(maxsize=4)
def _keyring(directory: str, stamp: tuple) -> KeyRing:
    return KeyRing.from_directory(directory)


def ensure_keys() -> bool:
    """Create the issuer's key directory with a first key if there is none; True if created."""
    if (keys_dir() / "active.pem").exists():
        return False
    # Owner-only, and so is a data directory that does not exist yet.
    private_directory(keys_dir())
    create_key_directory(keys_dir())
    return True


def signing_keys_check(_: None = None) -> None:
    """Readiness (``/healthz``): the platform's keys, which sign the status lists, and every
    issuer's keys on disk load (files present, owner-only, of a sufficient size); raises
    ``KeyFileError`` otherwise. Makes no key: an issuer without keys yet gets its first on first
    use, as always."""
    keyring()
    for key in _issuer_keys_on_disk():
        directory = issuer_keys_dir(key)
        _keyring(str(directory), _directory_stamp(directory))


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def issuer_id() -> str:
    """The legacy (platform) issuer's id."""
    return settings.SITE_URL + "/"


def status_list_url(purpose: StatusPurpose, issuer: str = LEGACY) -> str:
    """The list's URL: the issuer's (``issuer`` = its key), or the legacy one (``LEGACY``)."""
    if issuer == LEGACY:
        return absolute(reverse("labels:status_list", args=[purpose.value]))
    return absolute(reverse("labels:issuer_status_list", args=[issuer, purpose.value]))


def label_claim(label: Label) -> LabelClaim:
    scheme = label.scheme
    level = label.level
    issuer = issuer_of(label)
    profile = issuer.profile()
    return LabelClaim(
        certificate_number=label.certificate_number,
        organisation_id=absolute(reverse("labels:holder", args=[label.organisation_id])),
        organisation_legal_name=label.organisation.legal_name,
        cluster_name=label.organisation.cluster_name,
        country=label.organisation.country,
        scheme_id=scheme.id,
        scheme_name_de=scheme.name.de,
        scheme_name_en=scheme.name.en,
        level_id=level.id,
        level_name_de=level.name.de,
        level_name_en=level.name.en,
        valid_from=label.valid_from,
        valid_until=label.valid_until,
        awarded_date=label.first_awarded_on,
        issuer_id=issuer.id,
        issuer_name=issuer.name,
        issuer_url=profile["url"],
        issuer_email=profile.get("email", ""),
        issuer_image=profile["image"]["id"] if "image" in profile else "",
        verification_url=absolute(reverse("labels:verify", args=[label.certificate_number])),
        credential_id=absolute(reverse("labels:credential", args=[label.certificate_number])),
        achievement_id=absolute(
            reverse("schemes:detail", args=[scheme.id, label.scheme_version.version])
        )
        + f"#{level.id}",
        status_list_url=status_list_url(StatusPurpose.SUSPENSION, issuer.key),
        status_list_index=label.status_list_index,
        achievement_image=absolute(badge_url(label)),
    )


def label_credential(label: Label) -> dict[str, Any]:
    return build_credential(label_claim(label))


def signed_label_credential(label: Label) -> str:
    """The label's credential, signed with its issuer's active key."""
    return sign_credential(label_credential(label), issuer_keyring(issuer_of(label)))


def status_list(
    purpose: StatusPurpose, issuer: str = LEGACY, version_ids: list[int] | None = None
) -> BitstringStatusList:
    """The current list: a bit is set for every label in the purpose's states (of the issuer's
    schemes, or of all for the legacy lists), built from the database (by ``status_lists_sign``
    on write; readers read the stored, signed list)."""
    bits = BitstringStatusList()
    labels = Label.objects.filter(state__in=STATES_FOR_PURPOSE[purpose])
    if issuer != LEGACY:
        if version_ids is None:
            version_ids = _version_ids_by_issuer().get(issuer, [])
        labels = labels.filter(scheme_version_id__in=version_ids)
    for index in labels.values_list("status_list_index", flat=True):
        bits.set(index)
    return bits


# ------------------------------------------------------------ status lists, signed on write
#
# ``status_lists_sign()`` builds both lists from the labels' states and stores them signed
# (``StoredStatusList``); ``labels.changes.labels_changed`` calls it in every write that may
# change a label's state, inside that write's transaction, so the stored lists and the labels
# commit together. Readers (the status list endpoint, the in-app credential check) read the
# stored row: one indexed query. A list that is missing (a new database), was signed for another
# ``SITE_URL`` or with a key that is no longer the active one (after a rotation) is signed again
# on that read; the old signature would still verify, but a list should carry the current key.


def _signer(issuer: str) -> tuple[str, KeyRing]:
    """The issuer id and key ring that sign ``issuer``'s lists (``KeyFileError`` if none)."""
    if issuer == LEGACY:
        return issuer_id(), keyring()
    return issuer_id_for(issuer), issuer_keyring_for(issuer)


def _sign_status_list(
    purpose: StatusPurpose, issuer: str = LEGACY, version_ids: list[int] | None = None
) -> StoredStatusList:
    signer_id, keys = _signer(issuer)
    signed_at = timezone.now().astimezone(UTC).replace(microsecond=0)
    list_url = status_list_url(purpose, issuer)
    credential = build_status_list_credential(
        list_url=list_url,
        issuer_id=signer_id,
        purpose=purpose,
        status_list=status_list(purpose, issuer, version_ids),
        valid_from=signed_at,
    )
    stored, _created = StoredStatusList.objects.update_or_create(
        issuer=issuer,
        purpose=purpose.value,
        defaults={
            "list_url": list_url,
            "kid": keys.active.kid,
            "token": sign_credential(credential, keys),
            "signed_at": signed_at,
        },
    )
    return stored


def status_lists_sign() -> None:
    """Build and sign both lists from the labels as this transaction sees them, and store them
    (call inside the label write's transaction, after ``bump_generation``). Without the issuer's
    keys nothing can be signed: the stored lists are removed rather than left out of date (the
    endpoint then fails as it did before lists were stored)."""
    with transaction.atomic():
        try:
            version_ids = _version_ids_by_issuer()
            for purpose in StatusPurpose:
                _sign_status_list(purpose)
                for key in version_ids:
                    _sign_status_list(purpose, key, version_ids[key])
        except KeyFileError:
            StoredStatusList.objects.all().delete()


def _is_current(stored: StoredStatusList | None, purpose: StatusPurpose, issuer: str) -> bool:
    if stored is None or stored.list_url != status_list_url(purpose, issuer):
        return False
    try:
        return stored.kid == _signer(issuer)[1].active.kid
    except KeyFileError:
        return False


# Every status list request reads its row: as SQL, without the ORM's query building, which took
# about four times as long as the read itself. One row at most (unique per issuer and purpose).
def _stored_list_sql() -> str:
    # Names quoted and taken from the model, as ``labels.generation`` writes its read.
    quote, meta = connection.ops.quote_name, StoredStatusList._meta
    column = {field.name: quote(str(field.column)) for field in meta.concrete_fields}
    return (
        f"SELECT {', '.join(column.values())} FROM {quote(meta.db_table)}"
        f" WHERE {column['issuer']} = %s AND {column['purpose']} = %s"
    )


_STORED_LIST_SQL = _stored_list_sql()


def stored_status_list(purpose: StatusPurpose, issuer: str = LEGACY) -> StoredStatusList:
    """The signed list as published (signed again first if it is missing or out of date);
    ``KeyFileError`` for an issuer that does not exist."""
    stored = next(
        iter(StoredStatusList.objects.raw(_STORED_LIST_SQL, [issuer, purpose.value])), None
    )
    if stored is not None and _is_current(stored, purpose, issuer):
        return stored
    with transaction.atomic():
        # After the label writes in progress, or this list could overwrite theirs with one
        # built before they committed.
        lock_generation()
        return _sign_status_list(purpose, issuer)


def signed_status_list(purpose: StatusPurpose, issuer: str = LEGACY) -> str:
    """The purpose's signed list (a VC-JWT), as stored."""
    return stored_status_list(purpose, issuer).token


def stored_status_lists() -> dict[str, str]:
    """Every issuer's signed lists (and the legacy ones) by their URL, as
    ``vcjwt.verify_credential`` takes them: one query when all are current."""
    stored = {(row.issuer, row.purpose): row for row in StoredStatusList.objects.all()}
    # Every issuer that has a key has signed something; no query for the issuers needed.
    lists = {}
    for issuer in sorted({LEGACY, *_issuer_keys_on_disk(), *(key for key, _ in stored)}):
        for purpose in StatusPurpose:
            row = stored.get((issuer, purpose.value))
            if row is None or not _is_current(row, purpose, issuer):
                row = stored_status_list(purpose, issuer)
            lists[row.list_url] = row.token
    return lists


def published_jwks() -> dict[str, list[dict[str, str]]]:
    """All keys this platform publishes: the legacy key ring's (bare thumbprint kids), then each
    issuer's (URL kids). ``vcjwt`` accepts a URL kid only for the issuer it belongs to."""
    keys = list(keyring().public_jwks()["keys"])
    for key in _issuer_keys_on_disk():
        keys.extend(issuer_keyring_for(key).public_jwks()["keys"])
    return {"keys": keys}


def verify_token(token: str, *, now: datetime | None = None) -> VerificationReport:
    """Verify a credential against the published keys and the stored status lists."""
    return verify_credential(
        token.strip(),
        published_jwks(),
        now=now or timezone.now(),
        status_lists=stored_status_lists(),
    )
