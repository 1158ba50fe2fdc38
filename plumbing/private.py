"""Files that hold people's details (the database, backups, exports, emails) are created
readable by their owner only (0600), whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, data: bytes | str) -> None:
    """Write `path` (new or replaced) with mode 0600 from the first byte."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # an existing file keeps its mode through O_CREAT
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def create_private(path: Path) -> None:
    """An empty file with mode 0600, for a program to write into (SQLite, pg_dump)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    os.fchmod(fd, PRIVATE)
    os.close(fd)


def make_private(*paths: Path) -> None:
    """Mode 0600 for each of `paths` that exists."""
    for path in paths:
        try:
            os.chmod(path, PRIVATE)
        except FileNotFoundError:
            continue
