"""Uploads larger than the site accepts are measured, not stored.

Django's own handlers write every byte of a file to memory or a temporary file before a form
can look at its size, so a 200 MiB file was received, stored and hashed before the form said
"at most 20 MB". ``LimitedUploadHandler`` runs first: it passes a file's bytes on to Django's
handlers up to ``FILE_UPLOAD_MAX_BYTES`` and, beyond, only counts them. The form then gets an
``OversizedUpload``: the file's name and true size, without content, which every upload check
here refuses by its size before reading anything ("The file is 200 MB; at most 20 MB"). The
other fields of the request are parsed as usual, so the page shows again with what was typed.

A leaf module: it imports Django only.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def file_upload_max_bytes() -> int:
    """The largest file any form of the site accepts (the evidence limit, by default)."""
    return int(getattr(settings, "FILE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


class OversizedUpload(UploadedFile):
    """A file that was larger than the site accepts: its name and measured size; no content
    was kept. Reading it gives nothing, so a check must refuse it by ``size``."""

    def __init__(
        self,
        *,
        name: str,
        size: int,
        content_type: str | None,
        charset: str | None,
        content_type_extra: dict[str, Any] | None,
    ) -> None:
        super().__init__(
            file=io.BytesIO(),
            name=name,
            content_type=content_type,
            size=size,
            charset=charset,
            content_type_extra=content_type_extra,
        )


class LimitedUploadHandler(FileUploadHandler):
    """The first upload handler: the bytes of each file go on to the next handlers up to the
    limit; beyond it they are counted and dropped, and the file becomes an
    ``OversizedUpload``."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = file_upload_max_bytes()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the later handlers store nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.limit:
            return None  # the next handler hands over the stored file
        return OversizedUpload(
            name=self.file_name or "",
            size=self.received,
            content_type=self.content_type,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
