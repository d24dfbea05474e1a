"""Where uploaded files go: the data directory, or an S3-compatible object store.

``default_storage(environ)`` turns the ``STORAGE_S3_*`` variables into the ``STORAGES["default"]``
entry of the settings. Without ``STORAGE_S3_BUCKET`` it is the file system (``MEDIA_ROOT``), as
for the demo and a one-server installation. With it, every file the application writes to the
default storage (the self-assessment's evidence, the improvement areas' evidence) goes to that
bucket through django-storages' S3 backend (AWS S3, MinIO, Ceph, ...), so that several
application servers and workers share them without a shared disk.

The bucket stays private: no object is written with a public ACL (``default_acl`` is unset, so
objects inherit the bucket's policy, which must not allow anonymous reads), an object is never
overwritten (a second file of the same name gets a new one, as on disk), and a URL of an object,
should anything ever ask for one, is a signed one that expires (``querystring_auth``). Nobody is
sent to the bucket: the evidence downloads read the file through the storage and stream it from
the permission-checked views (``procedures.views``).

A leaf module read by ``settings``: it imports neither Django's settings nor an app, and refuses
an incomplete environment with one sentence (``ImproperlyConfigured``), as the settings do.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"

#: The variables of the object store; ``STORAGE_S3_BUCKET`` switches it on.
S3_VARIABLES = (
    "STORAGE_S3_BUCKET",
    "STORAGE_S3_ENDPOINT_URL",
    "STORAGE_S3_ACCESS_KEY",
    "STORAGE_S3_SECRET_KEY",
    "STORAGE_S3_REGION",
    "STORAGE_S3_ADDRESSING_STYLE",
    "STORAGE_S3_URL_EXPIRY_SECONDS",
)
ADDRESSING_STYLES = ("auto", "path", "virtual")


def _value(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def default_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry for this environment.

    Guarantees: no ``STORAGE_S3_*`` variable set gives the file system; ``STORAGE_S3_BUCKET``
    gives the S3 backend on that bucket, private, with the endpoint, keys and region given;
    anything half set (keys without a bucket, a bucket without both keys, an unknown addressing
    style, django-storages not installed) is refused with a sentence that names the variable and
    never repeats a key."""
    bucket = _value(environ, "STORAGE_S3_BUCKET")
    if not bucket:
        stray = [name for name in S3_VARIABLES if _value(environ, name)]
        if stray:
            raise ImproperlyConfigured(
                f"{', '.join(stray)} set, but STORAGE_S3_BUCKET is not: set the bucket to keep "
                "uploaded files in the object store, or unset these to keep them in the data "
                "directory."
            )
        return {"BACKEND": FILE_SYSTEM_BACKEND}

    access_key = _value(environ, "STORAGE_S3_ACCESS_KEY")
    secret_key = _value(environ, "STORAGE_S3_SECRET_KEY")
    missing = [
        name
        for name, value in (
            ("STORAGE_S3_ACCESS_KEY", access_key),
            ("STORAGE_S3_SECRET_KEY", secret_key),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"STORAGE_S3_BUCKET is set, but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not: set the object store's access key and "
            "secret key (for MinIO the user and password the bucket was made for)."
        )

    endpoint_url = _value(environ, "STORAGE_S3_ENDPOINT_URL")
    if endpoint_url and not endpoint_url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            "STORAGE_S3_ENDPOINT_URL must be an http:// or https:// address such as "
            f"http://minio:9000; got {endpoint_url!r}."
        )
    # A store of one's own (MinIO) answers at one host name for every bucket: path-style
    # addresses; AWS picks for itself.
    style = _value(environ, "STORAGE_S3_ADDRESSING_STYLE") or ("path" if endpoint_url else "auto")
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"STORAGE_S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}; "
            f"got {style!r}."
        )
    raw_expiry = _value(environ, "STORAGE_S3_URL_EXPIRY_SECONDS") or "300"
    try:
        expiry = int(raw_expiry)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"STORAGE_S3_URL_EXPIRY_SECONDS must be a whole number; got {raw_expiry!r}."
        ) from exc
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "STORAGE_S3_BUCKET is set, but django-storages is not installed: install "
            "clusterlabel with the s3 extra (pip install 'clusterlabel[s3]')."
        )
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key,
            "secret_key": secret_key,
            "region_name": _value(environ, "STORAGE_S3_REGION") or None,
            "addressing_style": style,
            # Private: objects inherit the bucket's (private) policy, never a public ACL; a
            # bucket with ACLs disabled (AWS's default) would refuse any other value anyway.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": expiry,
            # As on disk: a new file never replaces an existing one of the same name.
            "file_overwrite": False,
        },
    }
