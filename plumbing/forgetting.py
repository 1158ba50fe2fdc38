"""What `contacts forget` clears beyond the database's rows: the old versions of those rows
in SQLite's journal and free pages, the person's email files in the outbox, the published
directory. (Backups and exports made before are out of its reach: README.)"""

from __future__ import annotations

from pathlib import Path

from plumbing.db import get_engine
from plumbing.directory import write_directory_file
from plumbing.settings import get_settings


def forget_beyond_the_database(email_ids: list[int], needles: list[str]) -> int:
    """Clear what forget left outside the rows; how many email files were removed."""
    _checkpoint()
    write_directory_file()
    return _remove_email_files(Path(get_settings().outbox_dir), email_ids, needles)


def _checkpoint() -> None:
    """SQLite: the journal's old pages written back and emptied (secure_delete, on for every
    connection, has zeroed what the rows held)."""
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction: its own would hold it up
    try:
        # Waits for the readers of older snapshots (a page being served) to finish.
        raw.cursor().execute("PRAGMA busy_timeout=10000")
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.cursor().execute("PRAGMA busy_timeout=30000")  # as every connection has
    finally:
        raw.close()


def _remove_email_files(folder: Path, email_ids: list[int], needles: list[str]) -> int:
    """The outbox's .eml files of those emails, and any other that names the person."""
    if not folder.is_dir():
        return 0
    wanted = {f"{i:07d}" for i in email_ids}
    probes = [n.lower().encode() for n in needles]
    removed = 0
    for path in folder.glob("*.eml"):
        if path.name[:7] in wanted or any(p in path.read_bytes().lower() for p in probes):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
