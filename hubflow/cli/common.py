"""What every command shares. Light on purpose: `hubflow --help` imports this and Typer,
nothing else; a command imports the database and the domain when it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

JSON = typer.Option(False, "--json", help="Print JSON for scripts instead of a table.")
STAFF = typer.Option(
    ..., "--staff", help="Email of the staff member acting (kept in the Hub's history)."
)
HUB_ID = typer.Argument(..., help="The Hub's number, as `hubflow hubs list` shows it.")


def example(*lines: str) -> str:
    """An epilog for `--help`: how the command is typed."""
    # \b: click prints the paragraph as it is, without re-wrapping the command.
    return "Example:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


@contextmanager
def database() -> Iterator[Session]:
    """A session on the configured database (imported only when a command needs one). A
    database that is missing, not set up or older than this hubflow is said so, with what
    to run (no SQL traceback, and no empty SQLite file left behind)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from hubflow.cli.output import fail
    from plumbing.db import session_factory
    from plumbing.settings import get_settings

    url = make_url(get_settings().database_url)
    where = url.render_as_string(hide_password=True)
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).exists():
        fail(f"there is no database at {file}: `hubflow init` creates it", code=1)
    try:
        with session_factory()() as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig).lower()
        if any(s in text for s in ("no such table", "no such column", "does not exist")):
            fail(
                f"the database at {where} is not set up for this version of hubflow: "
                "`hubflow init` sets it up (or upgrades it)",
                code=1,
            )
        raise


def reported(flags: dict[str, str] | None = None) -> Any:
    """Domain errors as messages naming the flag, exit code 2 (see hubflow.cli.output)."""
    from hubflow.cli.output import reported as _reported

    return _reported(flags)


def parse_now(value: str | None) -> datetime | None:
    """`--now` as an aware UTC datetime; a time without a zone is the campaign's."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from models.errors import InvalidInput
    from plumbing.settings import get_settings

    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.one(
            "now", f"{value!r} is not an ISO date-time, e.g. 2026-03-02T09:00-05:00"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(get_settings().policy.timezone))
    return when.astimezone(UTC)
