"""A file over the site's upload limit is counted, not stored: the handlers after
``LimitedUploadHandler`` receive at most the limit, the form gets the file's name and true size
and refuses it by size, and the request's other fields arrive as usual."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from clusterlabel.core.upload_limit import LimitedUploadHandler, OversizedUpload


class Recording(FileUploadHandler):
    """Stands for Django's storing handlers: remembers how many bytes it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.stored = 0
        self.inner = MemoryFileUploadHandler()

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.stored = 0
        self.inner.activated = True
        self.inner.new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.stored += len(raw_data)
        return self.inner.receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        return self.inner.file_complete(file_size)


def parse(body: dict, handlers: list[FileUploadHandler]):
    payload = encode_multipart(BOUNDARY, body)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(payload))}
    return MultiPartParser(meta, io.BytesIO(payload), handlers).parse()


def named(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@override_settings(FILE_UPLOAD_MAX_BYTES=100 * 1024)
def test_a_file_over_the_limit_is_counted_not_stored():
    recording = Recording()
    post, files = parse(
        {"value": "42", "evidence": named("gross.pdf", b"%PDF-" + b"0" * (1024 * 1024))},
        [LimitedUploadHandler(), recording],
    )

    upload = files["evidence"]
    assert isinstance(upload, OversizedUpload)
    assert upload.name == "gross.pdf"
    assert upload.size == 5 + 1024 * 1024  # its true size, for the message
    assert upload.read() == b""  # nothing of it was kept
    assert recording.stored <= 100 * 1024 + 64 * 1024  # the limit, give or take one chunk
    assert post["value"] == "42"  # the other fields arrive


@override_settings(FILE_UPLOAD_MAX_BYTES=100 * 1024)
def test_a_file_within_the_limit_is_stored_by_the_next_handler():
    content = b"%PDF-" + b"1" * (100 * 1024 - 5)
    _post, files = parse(
        {"evidence": named("passt.pdf", content)}, [LimitedUploadHandler(), Recording()]
    )

    upload = files["evidence"]
    assert not isinstance(upload, OversizedUpload)
    assert upload.read() == content


def test_the_site_puts_the_limit_first(settings):
    assert settings.FILE_UPLOAD_HANDLERS[0] == "clusterlabel.core.upload_limit.LimitedUploadHandler"
    assert settings.FILE_UPLOAD_MAX_BYTES >= settings.EVIDENCE_MAX_UPLOAD_BYTES


@pytest.mark.parametrize("size", [0, 1, 2])
@override_settings(FILE_UPLOAD_MAX_BYTES=10)
def test_the_limit_is_exact(size):
    _post, files = parse(
        {"f": named("a.txt", b"x" * (10 + size - 1))}, [LimitedUploadHandler(), Recording()]
    )
    assert isinstance(files["f"], OversizedUpload) == (size == 2)
