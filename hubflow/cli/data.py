"""`hubflow backup` and `hubflow restore`: a consistent copy of the database, and putting
one back."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import typer

from hubflow.cli.common import reported

FORCE = typer.Option(False, "--force", help="Replace what is there.")
RUN = typer.Option(False, "--run", help="PostgreSQL: run the command instead of printing it.")


def backup(
    file: Path = typer.Argument(..., help="Where to write the copy."),
    force: bool = FORCE,
    run: bool = RUN,
) -> None:
    """A consistent copy of the database, safe while `hubflow serve` runs. SQLite: copied
    with SQLite's online backup and integrity-checked. PostgreSQL: the pg_dump command."""
    from hubflow.cli.output import console
    from plumbing.backup import backup_sqlite, pg_dump_command, sqlite_file
    from plumbing.settings import get_settings

    url = get_settings().database_url
    with reported({"file": "FILE", "database": "HUBFLOW_DATABASE_URL"}):
        source = sqlite_file(url)
        if source is not None:
            copy = backup_sqlite(source, file, force=force)
            console.print(
                f"Backed up {source} to {copy.path}: {copy.hubs} Hubs, "
                f"{copy.size / 1e6:.1f} MB, integrity checked."
            )
            return
    _postgres(pg_dump_command(url, file), url, run=run, private=file)


def restore(
    file: Path = typer.Argument(..., help="A copy made by `hubflow backup`."),
    force: bool = FORCE,
    run: bool = RUN,
) -> None:
    """Put a backup in place of the database (stop hubflow first). A database that already
    holds Hubs is replaced only with --force."""
    from hubflow.cli.output import console
    from plumbing.backup import pg_restore_command, restore_sqlite, sqlite_file
    from plumbing.settings import get_settings

    url = get_settings().database_url
    with reported({"file": "FILE", "database": "HUBFLOW_DATABASE_URL"}):
        target = sqlite_file(url)
        if target is not None:
            copy = restore_sqlite(file, target, force=force)
            console.print(f"Restored {copy.hubs} Hubs from {file} into {copy.path}.")
            return
        _refuse_a_database_with_hubs(force)
    _postgres(pg_restore_command(url, file), url, run=run)


def _refuse_a_database_with_hubs(force: bool) -> None:
    from sqlalchemy import func, inspect, select

    from models.errors import InvalidInput
    from models.hub import Hub
    from plumbing.db import get_engine

    engine = get_engine()
    if force or not inspect(engine).has_table("hubs"):
        return
    with engine.connect() as db:
        held = db.scalar(select(func.count()).select_from(Hub))
    if held:
        raise InvalidInput.one(
            "database", f"it already holds {held} Hubs: give --force to replace it"
        )


def _postgres(command: list[str], url: str, *, run: bool, private: Path | None = None) -> None:
    """Print the command, or run it; the password goes by the environment, never on the
    command line (`ps` shows it) or the terminal."""
    import os

    from hubflow.cli.output import console
    from plumbing.backup import libpq_env
    from plumbing.private import create_private

    if not run:
        console.print(shlex.join(command), soft_wrap=True, highlight=False, markup=False)
        if libpq_env(url):
            console.print("(with the password in PGPASSWORD or ~/.pgpass)", highlight=False)
        return
    if private is not None:
        create_private(private)  # a dump of people's details: for the owner only
    done = subprocess.run(command, check=False, env={**os.environ, **libpq_env(url)})
    raise typer.Exit(done.returncode)
