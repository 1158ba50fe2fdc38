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

from models import Base  # every table registered
from models.errors import InvalidInput
from plumbing.private import create_private, make_private


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
    """The URL as pg_dump and pg_restore take it: no SQLAlchemy driver name, and no password
    (it would show in `ps` and in the terminal): that goes by `libpq_env`."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string()


def libpq_env(url: str) -> dict[str, str]:
    """The password for pg_dump and pg_restore, by environment (or none: ~/.pgpass)."""
    password = make_url(url).password
    return {"PGPASSWORD": str(password)} if password else {}


def _check(connection: sqlite3.Connection, what: str) -> int:
    """A hubflow database, whole: SQLite's integrity check, hubflow's tables at this
    version's migration head and nothing else (no table, trigger or view of another's);
    how many Hubs it holds. InvalidInput says which is wrong."""
    (result,) = connection.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise InvalidInput.one("file", f"{what} fails SQLite's integrity check: {result}")
    objects = connection.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall()
    tables = {name for kind, name in objects if kind == "table"}
    wanted = set(Base.metadata.tables) | {"alembic_version"}
    if "hubs" not in tables:
        raise InvalidInput.one("file", f"{what} is not a hubflow database")
    if tables != wanted:
        odd = sorted(tables ^ wanted)
        raise InvalidInput.one(
            "file", f"{what} is not hubflow's schema (tables missing or foreign: {', '.join(odd)})"
        )
    extra = sorted(name for kind, name in objects if kind in ("trigger", "view"))
    if extra:
        raise InvalidInput.one(
            "file", f"{what} has triggers or views hubflow never makes: {', '.join(extra)}"
        )
    version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if [v for (v,) in version] != [migration_head()]:
        raise InvalidInput.one(
            "file",
            f"{what} is at schema version {', '.join(v for (v,) in version) or 'none'}, "
            f"not this hubflow's ({migration_head()})",
        )
    (hubs,) = connection.execute("SELECT count(*) FROM hubs").fetchone()
    return int(hubs)


def migration_head() -> str:
    """The schema version this hubflow's migrations end at."""
    from alembic.script import ScriptDirectory

    from plumbing.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return str(head)


def backup_sqlite(source: Path, target: Path, *, force: bool = False) -> Copy:
    if not source.exists():
        raise InvalidInput.one("database", f"there is no database at {source}")
    if target.exists() and not force:
        raise InvalidInput.one("file", f"{target} already exists: give --force to replace it")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    create_private(partial)  # a copy of people's details: for the owner only
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
    make_private(partial)
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
    """All in one transaction: a dump that fails part-way (truncated, foreign) changes
    nothing; the database is as it was."""
    return [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={libpq_url(url)}",
        str(backup),
    ]
