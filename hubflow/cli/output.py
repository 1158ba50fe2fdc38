"""How the CLI shows things: a readable table, or JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from models.errors import HubflowError, InvalidInput

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


def _console(*, stderr: bool = False) -> Console:
    """Rich output fitted to a terminal; piped, as wide as each line is (a path, a URL or a
    command printed is never broken in two, whatever COLUMNS says)."""
    from rich.console import Console

    console = Console(stderr=stderr)
    if console.is_terminal:
        return console
    return Console(stderr=stderr, width=100_000, soft_wrap=True)


class _Later:
    """A Rich console made when first used: a command that prints nothing through it (and
    `--help`) does not import Rich."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._made: Console | None = None

    def made(self) -> Console:
        if self._made is None:
            self._made = _console(stderr=self._stderr)
        return self._made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)


console: Console = _Later(stderr=False)  # type: ignore[assignment]
err_console: Console = _Later(stderr=True)  # type: ignore[assignment]


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    title: str = "",
    empty: str = "",
) -> None:
    """Rows as a table with words for codes (`--json` keeps the codes); `empty` is the
    sentence printed when there are none."""
    if not rows:
        console.print(f"[dim]{empty or 'None.'}[/dim]")
        return
    from rich.table import Table

    t = Table(title=title or None)
    for column in columns:
        t.add_column(column.replace("_", " ").capitalize())
    for row in rows:
        t.add_row(*(words(c, _cell(row.get(c))) for c in columns))
    console.print(t)


def listing(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    as_json: bool,
    title: str = "",
    empty: str = "",
) -> None:
    """What every list command prints: the rows as JSON (`--json`, every key, codes kept)
    or as a table of `columns` in words."""
    if as_json:
        emit_json(rows)
    else:
        table(rows, columns, title=title, empty=empty)


def words(column: str, value: str) -> str:
    """A code in a table's column (`first_action` under Stage) as words."""
    from models import enums

    if column == "delivery":
        from models.email import DELIVERY_WORDS

        return DELIVERY_WORDS.get(value, value)
    vocabulary = _VOCABULARIES.get(column)
    if vocabulary is None or not value:
        return value
    try:
        return str(getattr(enums, vocabulary)(value).label)
    except ValueError:
        return value


_VOCABULARIES = {
    "stage": "Stage",
    "from": "Stage",
    "to": "Stage",
    "status": "Status",
    "kind": "HubKind",
    "stance": "Stance",
    "chamber": "Chamber",
    "role": "ContactRole",
}


def print_import(report: Any) -> None:
    """What an Open States import changed."""
    if not report.changed:
        console.print("Already up to date.")
    for what, n in sorted(report.counts.items()):
        console.print(f"{what}: {n}")
    if report.unknown_people:
        console.print(f"[yellow]{len(report.unknown_people)} committee members not found.[/]")


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
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(
        *columns,
        TimeElapsedColumn(),
        console=err_console.made() if isinstance(err_console, _Later) else err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        yield Bar(bar, bar.add_task(description, total=total))


@contextmanager
def reported(flags: dict[str, str] | None = None) -> Iterator[None]:
    """Turn domain errors into clear messages, every one at once, each naming the flag it
    came from (`--consent`, not `consent_to_contact`); exit code 2."""
    try:
        yield
    except InvalidInput as exc:
        lines = [f"{_flag(field, flags or {})}: {msg}" for field, msg in exc.errors.items()]
        fail("that did not work:\n  " + "\n  ".join(lines))
    except HubflowError as exc:
        fail(str(exc))


def _flag(field: str, flags: dict[str, str]) -> str:
    field = field.removeprefix("payload.")
    return flags.get(field) or flags.get(field.split(".")[0]) or field
