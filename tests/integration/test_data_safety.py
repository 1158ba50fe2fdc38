"""Files and secrets (SPEC §8): a restore that would leave the database half done or foreign
is refused with the database untouched; every file hubflow writes with people's details is
0600; the PostgreSQL password is never on a command line or the terminal."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models.enums import Stage
from tests import factories
from tests.integration.helpers import row_counts
from tests.integration.test_cli import hubflow

PASSWORD = "s3cret-pw-9f2c"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def sqlite_only(database_url: str) -> Path:
    parsed = make_url(database_url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        pytest.skip("the SQLite file's own checks; PostgreSQL restores in one transaction")
    return Path(parsed.database)


def foreign_files(folder: Path, good: Path) -> dict[str, Path]:
    """Five files that are not this hubflow's database, each with a `hubs` table or close."""
    files = {}
    only_hubs = folder / "only-hubs.db"
    with sqlite3.connect(only_hubs) as db:
        db.execute("CREATE TABLE hubs (id INTEGER PRIMARY KEY, name TEXT)")
    files["a foreign schema with a hubs table"] = only_hubs
    for name, sql in (
        ("a dropped table", "DROP TABLE hub_notes"),
        ("an added trigger", "CREATE TRIGGER t AFTER INSERT ON hubs BEGIN SELECT 1; END"),
        ("an added table", "CREATE TABLE stolen (x TEXT)"),
        ("an older schema version", "UPDATE alembic_version SET version_num = '0003'"),
    ):
        copy = folder / f"{name.replace(' ', '-')}.db"
        shutil.copyfile(good, copy)
        with sqlite3.connect(copy) as db:
            db.execute(sql)
        files[name] = copy
    return files


def test_foreign_sqlite_files_are_refused_and_the_database_is_untouched(
    session: Session, sqlite_only: Path, tmp_path: Path
) -> None:
    ann = factories.staff(session)
    factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    code, out = hubflow("backup", str(tmp_path / "good.db"))
    assert code == 0, out
    before = row_counts(session)
    session.commit()
    for what, file in foreign_files(tmp_path, tmp_path / "good.db").items():
        code, out = hubflow("restore", str(file), "--force")
        assert code == 2 and "FILE:" in out, (what, out)
        assert row_counts(session) == before, what
        session.commit()
    # hubflow's own backup still restores (into a new file: this test's database stays)
    from plumbing.backup import restore_sqlite

    assert restore_sqlite(tmp_path / "good.db", tmp_path / "restored.db").hubs == 1


def test_the_database_backups_exports_and_emails_are_for_their_owner_only(
    session: Session, sqlite_only: Path, tmp_path: Path
) -> None:
    ann = factories.staff(session)
    factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    assert hubflow("process")[0] == 0  # the emails, as .eml files in the outbox
    assert hubflow("backup", str(tmp_path / "b.db"))[0] == 0
    assert hubflow("export", "hubs", "--out", str(tmp_path / "hubs.csv"))[0] == 0
    private = [sqlite_only, Path(f"{sqlite_only}-wal"), tmp_path / "b.db", tmp_path / "hubs.csv"]
    outbox = Path(os.environ["HUBFLOW_OUTBOX_DIR"])
    emails = list(outbox.glob("*.eml"))
    assert emails
    found = {str(p): oct(mode(p)) for p in [*private, *emails] if p.exists()}
    assert set(found.values()) == {oct(0o600)}, found
    assert len(found) >= 4


def test_the_postgresql_password_is_neither_printed_nor_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake pg_dump on the PATH writes down what it was given: its argv (what `ps` and
    /proc/<pid>/cmdline show) and whether the password reached it by the environment."""
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    record = tmp_path / "seen.txt"
    fake.write_text(
        "#!/bin/sh\n"
        f"{{ tr '\\000' ' ' < /proc/$$/cmdline; echo; echo \"|$PGPASSWORD|\"; }} > '{record}'\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    url = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:5432/nothing"
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", url)
    from plumbing.settings import get_settings

    get_settings.cache_clear()
    code, printed = hubflow("backup", str(tmp_path / "b.dump"))
    assert code == 0 and "pg_dump" in printed and PASSWORD not in printed, printed
    assert "PGPASSWORD" in printed
    done = subprocess.run(
        [shutil.which("hubflow") or str(Path(os.sys.executable).parent / "hubflow"),
         "backup", str(tmp_path / "b.dump"), "--run"],
        capture_output=True, text=True, env=os.environ.copy(), check=False, timeout=60,
    )  # fmt: skip
    assert PASSWORD not in done.stdout + done.stderr
    argv, env = record.read_text().splitlines()
    assert "pg_dump" in argv and PASSWORD not in argv
    assert env == f"|{PASSWORD}|"  # the password went by the environment
    assert mode(tmp_path / "b.dump") == 0o600


@pytest.mark.postgres_only
def test_a_truncated_postgresql_dump_is_refused_and_the_database_is_untouched(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    ann = factories.staff(session)
    for _ in range(3):
        factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    dump = tmp_path / "full.dump"
    code, out = hubflow("backup", str(dump), "--run")
    assert code == 0, out
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(dump.read_bytes()[: dump.stat().st_size * 2 // 3])
    before = row_counts(session)
    session.commit()
    code, out = hubflow("restore", str(truncated), "--force", "--run")
    assert code != 0
    assert row_counts(session) == before
    with create_engine(make_url(database_url)).connect() as db:
        assert db.execute(text("SELECT count(*) FROM legislators")).scalar_one() > 0
