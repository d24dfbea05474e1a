"""Evidence files written inside a transaction that does not commit are deleted again.

A file is written to the storage before its row is inserted; when the transaction then rolls
back (a later file of the same save is refused, the audit write fails, ...), the row is gone
but the file would stay on disk, referenced by nothing. Each block that stores files runs in
``files_removed_unless_committed()``: a file stored inside it is deleted when the block ends
with an exception; when it ends normally, the file is handed to the enclosing block, if any, which
deletes it should it fail in turn (as a savepoint's rows are rolled back with the outer
transaction's).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.fields.files import FieldFile

_open_blocks: ContextVar[tuple[list[FieldFile], ...]] = ContextVar("stored_files", default=())


def file_stored(stored: FieldFile) -> None:
    """Note a file just written, so that the innermost block deletes it if it rolls back."""
    blocks = _open_blocks.get()
    if blocks:
        blocks[-1].append(stored)


@contextmanager
def files_removed_unless_committed() -> Iterator[None]:
    """``transaction.atomic()`` that deletes the files stored inside it when it rolls back."""
    stored: list[FieldFile] = []
    outer = _open_blocks.get()
    token = _open_blocks.set((*outer, stored))
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for field_file in stored:
            if field_file.name:
                field_file.storage.delete(field_file.name)
        raise
    finally:
        _open_blocks.reset(token)
    if outer:
        outer[-1].extend(stored)
