"""Checks on uploaded evidence: size and type, decided by the file's content, not its name."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Extension -> (content type, how the file must start). ZIP covers the Office Open XML and
# OpenDocument formats. Plain text has no signature; it must decode as UTF-8.
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def upload_size(upload: UploadedFile) -> int:
    """The file's size in bytes. Django's upload handlers always measure it; ``UploadedFile``
    types it as optional because a file built by hand may leave it unset."""
    if upload.size is None:
        raise ValueError(f"the upload {upload.name!r} has no size")
    return upload.size


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """Refuse a file that is empty, too large or not of an allowed type, with the reason.

    Returns the content type and the SHA-256 of the content.
    """
    limit = max_upload_bytes()
    size = upload_size(upload)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; evidence files may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted. Allowed: %(allowed)s.")
            % {
                "suffix": suffix or _("without extension"),
                "allowed": ", ".join(sorted(ALLOWED_TYPES)),
            },
            code="type",
        )
    content_type, signatures = ALLOWED_TYPES[suffix]
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < 8:
            head += chunk[: 8 - len(head)]
        digest.update(chunk)
    upload.seek(0)
    if signatures is not None and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("The file's content is not a %(suffix)s file. Please upload the original document.")
            % {"suffix": suffix},
            code="content",
        )
    if signatures is None:
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The text file is not UTF-8 encoded text."), code="content"
            ) from None
        finally:
            upload.seek(0)
    return content_type, digest.hexdigest()
