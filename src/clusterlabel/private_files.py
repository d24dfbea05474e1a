"""Directories and files only their owner may read: the data directory, the SQLite database, the
signing keys. A leaf module (no Django), so the settings can use it.

Each function creates what is missing with the owner-only mode from the start (no moment in
which another local user could open it) and narrows the mode of what exists already.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_DIRECTORY_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_directory(path: Path | str) -> Path:
    """Make ``path`` a directory of mode 0700, creating missing parents with the same mode."""
    path = Path(path)
    missing = []
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # created meanwhile by another process
            directory.mkdir(mode=PRIVATE_DIRECTORY_MODE)
    if os.name == "posix":
        path.chmod(PRIVATE_DIRECTORY_MODE)
    return path


def private_file(path: Path | str) -> Path:
    """Make ``path`` a file of mode 0600 (empty if it did not exist), its directory private too
    if it had to be created."""
    path = Path(path)
    if not path.parent.exists():
        private_directory(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(descriptor)
    if os.name == "posix":
        path.chmod(PRIVATE_FILE_MODE)
    return path
