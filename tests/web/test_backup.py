"""`hubflow backup` / `restore`: a copy taken while /join posts keep coming restores to a
sound database holding every Hub answered before the copy began (SPEC §8)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.errors import InvalidInput
from plumbing.backup import (
    backup_sqlite,
    pg_dump_command,
    pg_restore_command,
    restore_sqlite,
    sqlite_file,
)
from tests.integration.test_cli import hubflow
from tests.web.test_join import form


def _sqlite(database_url: str) -> Path:
    path = sqlite_file(database_url)
    if path is None:
        pytest.skip("SQLite's online backup; PostgreSQL backs up with pg_dump")
    return path


def test_a_backup_under_a_load_of_joins_restores_every_hub_answered_before_it(
    client: TestClient,
    session: Session,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plumbing.settings import get_settings

    source = _sqlite(database_url)
    monkeypatch.setenv("HUBFLOW_JOIN_RATE_LIMIT", "100000/minute")  # a load, not one person
    get_settings.cache_clear()
    answered: list[tuple[float, str]] = []
    stop = threading.Event()

    def post(worker: int) -> None:
        n = 0
        while not stop.is_set():
            name = f"Load Hub {worker}-{n}"
            response = client.post(
                "/join", data=form(client, group_name=name), follow_redirects=False
            )
            if response.status_code == 303:
                answered.append((time.monotonic(), name))
            n += 1

    workers = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for w in workers:
        w.start()
    time.sleep(1.0)
    started = time.monotonic()
    copy = backup_sqlite(source, tmp_path / "copy.db")
    time.sleep(0.5)  # and the posts go on
    stop.set()
    for w in workers:
        w.join()
    before = {name for at, name in answered if at < started}
    assert len(before) >= 5 and len(answered) > len(before)

    restored = restore_sqlite(copy.path, tmp_path / "restored.db")
    with sqlite3.connect(restored.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {n for (n,) in db.execute("SELECT name FROM hubs")}
    assert before <= names
    assert restored.hubs == copy.hubs == len(names)


def test_restore_refuses_a_database_with_hubs_and_a_file_that_is_not_a_backup(
    client: TestClient, session: Session, database_url: str, tmp_path: Path
) -> None:
    source = _sqlite(database_url)
    assert client.post("/join", data=form(client), follow_redirects=False).status_code == 303
    code, out = hubflow("backup", str(tmp_path / "b.db"))
    assert code == 0 and "1 Hubs" in out and "integrity checked" in out, out
    code, out = hubflow("backup", str(tmp_path / "b.db"))
    assert code == 2 and "FILE: " in out and "already exists: give --force" in out
    code, out = hubflow("restore", str(tmp_path / "b.db"))
    assert code == 2 and "already holds 1 Hub: give --force" in out, out
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(InvalidInput) as refused:
        restore_sqlite(tmp_path / "junk.db", tmp_path / "new.db")
    assert refused.value.errors == {"file": f"{tmp_path / 'junk.db'} is not an SQLite database"}
    assert not (tmp_path / "new.db").exists()
    assert source.exists()


def test_postgresql_is_backed_up_with_pg_dump() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/hubflow"
    assert pg_dump_command(url, Path("b.dump")) == [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--file=b.dump",
        "postgresql://postgres@127.0.0.1:5432/hubflow",
    ]
    assert pg_restore_command(url, Path("b.dump"))[-2:] == [
        "--dbname=postgresql://postgres@127.0.0.1:5432/hubflow",
        "b.dump",
    ]
