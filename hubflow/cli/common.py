"""What every command shares. Light on purpose: `hubflow --help` imports this and Typer,
nothing else; a command imports the database and the domain when it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
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
    """A session on the configured database (imported only when a command needs one)."""
    from hubflow.db import session_factory

    with session_factory()() as session:
        yield session


def reported(flags: dict[str, str] | None = None) -> Any:
    """Domain errors as messages naming the flag, exit code 2 (see hubflow.cli.output)."""
    from hubflow.cli.output import reported as _reported

    return _reported(flags)


def parse_now(value: str | None) -> datetime | None:
    """`--now` as an aware UTC datetime; a time without a zone is the campaign's."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from hubflow.settings import get_settings
    from models.errors import InvalidInput

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
