"""How the CLI shows things: a readable table, or JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from models.errors import HubflowError, InvalidInput

console = Console()
err_console = Console(stderr=True)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, title: str = "") -> None:
    if not rows:
        console.print(f"[dim]no {title or 'rows'}[/dim]")
        return
    t = Table(title=title or None)
    for column in columns:
        t.add_column(column.replace("_", " "))
    for row in rows:
        t.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(t)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(_default(value)) if isinstance(value, date | datetime | Enum) else str(value)


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


class Bar:
    """What long work tells its progress bar."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress, self._task = progress, task

    def advance(self) -> None:
        """One more piece done (safe from any thread)."""
        self._progress.advance(self._task)

    def describe(self, text: str) -> None:
        """What is being done now."""
        self._progress.update(self._task, description=text)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Bar]:
    """A progress bar on stderr while long work runs (a spinner when the amount of work is
    not known). Only on a terminal: piped and --json output stays clean."""
    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(
        *columns,
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        yield Bar(bar, bar.add_task(description, total=total))


@contextmanager
def reported() -> Iterator[None]:
    """Turn domain errors into a clear message naming the field, and exit code 2."""
    try:
        yield
    except InvalidInput as exc:
        lines = [f"{field}: {msg}" for field, msg in exc.errors.items()]
        fail("invalid input\n  " + "\n  ".join(lines))
    except HubflowError as exc:
        fail(str(exc))
