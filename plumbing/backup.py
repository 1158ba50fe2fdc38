"""A consistent copy of the database, and putting one back (SPEC §8).

SQLite: the online backup API, which copies a consistent snapshot while `hubflow serve`
keeps writing (WAL: readers and the copy never block writers). The copy is written beside
its destination and renamed into place only once it passes SQLite's integrity check.
PostgreSQL: `pg_dump` / `pg_restore`, printed for the operator or run."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from models.errors import InvalidInput


@dataclass(frozen=True)
class Copy:
    path: Path
    hubs: int
    size: int


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidInput.one("database", "an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


def libpq_url(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _check(connection: sqlite3.Connection, what: str) -> int:
    """Integrity checked; how many Hubs it holds."""
    (result,) = connection.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise InvalidInput.one("file", f"{what} fails SQLite's integrity check: {result}")
    try:
        (hubs,) = connection.execute("SELECT count(*) FROM hubs").fetchone()
    except sqlite3.DatabaseError:
        raise InvalidInput.one("file", f"{what} is not a hubflow database") from None
    return int(hubs)


def backup_sqlite(source: Path, target: Path, *, force: bool = False) -> Copy:
    if not source.exists():
        raise InvalidInput.one("database", f"there is no database at {source}")
    if target.exists() and not force:
        raise InvalidInput.one("file", f"{target} already exists: give --force to replace it")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
            sqlite3.connect(partial) as dst,
        ):
            src.backup(dst)  # one step: a single consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            hubs = _check(dst, "the copy")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Copy(target, hubs, target.stat().st_size)


def restore_sqlite(backup: Path, target: Path, *, force: bool = False) -> Copy:
    if not backup.exists():
        raise InvalidInput.one("file", f"there is no backup at {backup}")
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as src:
        try:
            hubs = _check(src, str(backup))
        except sqlite3.DatabaseError:
            raise InvalidInput.one("file", f"{backup} is not an SQLite database") from None
    held = _hubs_in(target)
    if held and not force:
        raise InvalidInput.one(
            "database",
            f"{target} already holds {held} Hub{'s' if held != 1 else ''}: give --force to "
            "replace it (stop hubflow first)",
        )
    partial = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(backup, partial)
    for suffix in ("-wal", "-shm"):  # the old database's journal must not replay onto it
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)
    return Copy(target, hubs, target.stat().st_size)


def _hubs_in(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            (n,) = db.execute("SELECT count(*) FROM hubs").fetchone()
        except sqlite3.DatabaseError:
            return 0  # no hubflow tables: an empty database
    return int(n)


def pg_dump_command(url: str, target: Path) -> list[str]:
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", libpq_url(url)]


def pg_restore_command(url: str, backup: Path) -> list[str]:
    return [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        f"--dbname={libpq_url(url)}",
        str(backup),
    ]
