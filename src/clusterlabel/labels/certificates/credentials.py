"""Signed credentials for labels: the issuer's keys, the label's Open Badges 3.0 credential and
the published revocation and suspension lists.

The private key lives in files outside the database (``CLUSTERLABEL_KEYS_DIR``); the demo
creates one. Retired keys stay published, so credentials signed before a rotation still verify.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusterlabel.credentials.badge import LabelClaim, build_credential
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

STATE_FOR_PURPOSE = {
    StatusPurpose.REVOCATION: LabelState.REVOKED,
    StatusPurpose.SUSPENSION: LabelState.SUSPENDED,
}


def keys_dir() -> Path:
    return Path(settings.CLUSTERLABEL_KEYS_DIR)


def keyring() -> KeyRing:
    """The issuer's keys (``KeyFileError`` with the reason when there are none)."""
    return _keyring(str(keys_dir()), _directory_stamp(keys_dir()))


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


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def issuer_id() -> str:
    return settings.SITE_URL + "/"


def status_list_url(purpose: StatusPurpose) -> str:
    return absolute(reverse("labels:status_list", args=[purpose.value]))


def label_claim(label: Label) -> LabelClaim:
    scheme = label.scheme
    level = label.level
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
        issuer_id=issuer_id(),
        issuer_name=scheme.awarding_authority.name,
        issuer_url=settings.SITE_URL + "/",
        verification_url=absolute(reverse("labels:verify", args=[label.certificate_number])),
        credential_id=absolute(reverse("labels:credential", args=[label.certificate_number])),
        achievement_id=absolute(
            reverse("schemes:detail", args=[scheme.id, label.scheme_version.version])
        )
        + f"#{level.id}",
        revocation_list_url=status_list_url(StatusPurpose.REVOCATION),
        suspension_list_url=status_list_url(StatusPurpose.SUSPENSION),
        status_list_index=label.status_list_index,
        achievement_image=absolute(badge_url(label)),
    )


def label_credential(label: Label) -> dict[str, Any]:
    return build_credential(label_claim(label))


def signed_label_credential(label: Label) -> str:
    return sign_credential(label_credential(label), keyring())


def status_list(purpose: StatusPurpose) -> BitstringStatusList:
    """The current list: a bit is set for every label in the purpose's state, built from the
    database (by ``status_lists_sign`` on write; readers read the stored, signed list)."""
    bits = BitstringStatusList()
    indices = Label.objects.filter(state=STATE_FOR_PURPOSE[purpose]).values_list(
        "status_list_index", flat=True
    )
    for index in indices:
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


def _sign_status_list(purpose: StatusPurpose) -> StoredStatusList:
    keys = keyring()
    signed_at = timezone.now().astimezone(UTC).replace(microsecond=0)
    list_url = status_list_url(purpose)
    credential = build_status_list_credential(
        list_url=list_url,
        issuer_id=issuer_id(),
        purpose=purpose,
        status_list=status_list(purpose),
        valid_from=signed_at,
    )
    stored, _created = StoredStatusList.objects.update_or_create(
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
            for purpose in StatusPurpose:
                _sign_status_list(purpose)
        except KeyFileError:
            StoredStatusList.objects.all().delete()


def _is_current(stored: StoredStatusList | None, purpose: StatusPurpose) -> bool:
    return (
        stored is not None
        and stored.list_url == status_list_url(purpose)
        and stored.kid == keyring().active.kid
    )


def stored_status_list(purpose: StatusPurpose) -> StoredStatusList:
    """The signed list as published (signed again first if it is missing or out of date)."""
    stored = StoredStatusList.objects.filter(purpose=purpose.value).first()
    if stored is not None and _is_current(stored, purpose):
        return stored
    with transaction.atomic():
        # After the label writes in progress, or this list could overwrite theirs with one
        # built before they committed.
        lock_generation()
        return _sign_status_list(purpose)


def signed_status_list(purpose: StatusPurpose) -> str:
    """The purpose's signed list (a VC-JWT), as stored."""
    return stored_status_list(purpose).token


def stored_status_lists() -> dict[str, str]:
    """Both signed lists by their URL, as ``vcjwt.verify_credential`` takes them: one query
    when both are current."""
    stored = {row.purpose: row for row in StoredStatusList.objects.all()}
    lists = {}
    for purpose in StatusPurpose:
        row = stored.get(purpose.value)
        if row is None or not _is_current(row, purpose):
            row = stored_status_list(purpose)
        lists[row.list_url] = row.token
    return lists


def verify_token(token: str, *, now: datetime | None = None) -> VerificationReport:
    """Verify a credential against this issuer's keys and the stored status lists."""
    return verify_credential(
        token.strip(),
        keyring().public_jwks(),
        now=now or timezone.now(),
        status_lists=stored_status_lists(),
    )
