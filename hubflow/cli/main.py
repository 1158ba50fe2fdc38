"""`hubflow`: set up, and act on Hubs, reviews, districts and staff from a terminal (SPEC §6).

Each command imports what it uses when it runs, so `--help` and light commands start fast.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from typer.core import TyperGroup

from hubflow.cli.common import example

# When a command's process ends, Python's last collection walks every object it made only to
# free them with the process (~100 ms here, a sixth of `hubflow hubs list`): moved out of the
# collector's reach first, they go without the walk. The other exit handlers (logging's,
# Prefect's) were registered later, so they run before this one.
atexit.register(gc.freeze)

if TYPE_CHECKING:  # Typer's own click (it carries one)
    from typer._click import Command, Context


@cache
def _group(name: str, module: str, attr: str = "app", *extra: str) -> Command:
    """A group of commands (`hubflow hubs …`), with those other modules add to it."""
    sub = getattr(importlib.import_module(f"hubflow.cli.{module}"), attr)
    for other in extra:  # e.g. `hubs note`, kept in hub_work.py: hubs.py is long enough
        adding = importlib.import_module(f"hubflow.cli.{other}")  # adds its commands...
        if hasattr(adding, "register"):
            adding.register()  # ...or adds them when asked
    parent = typer.Typer(
        rich_markup_mode=None
    )  # a group even when it holds one command (`contacts forget`)
    parent.add_typer(sub, name=name)
    return typer.main.get_command(parent).commands[name]  # type: ignore[attr-defined]


@cache
def _command(name: str, module: str, *lines: str) -> Command:
    """One command (`hubflow serve`), with the example its help shows."""
    one = typer.Typer(rich_markup_mode=None)
    function = getattr(importlib.import_module(f"hubflow.cli.{module}"), name)
    one.command(name, epilog=example(*lines))(function)
    return typer.main.get_command(one)


# Each command, imported only when it is run (or when help lists them all): `hubflow hubs
# list` loads hubs.py, not the announcements, imports and servers of the other commands.
COMMANDS: dict[str, Callable[[], Command]] = {
    "init": lambda: _command("init", "running", "hubflow init"),
    "serve": lambda: _command(
        "serve",
        "servers",
        "hubflow serve",
        "hubflow serve --port 8080 --prefect-port 4300",
        "hubflow serve --prefect-api-url http://10.0.0.5:4200/api",
    ),
    "web": lambda: _command("web", "servers", "hubflow web --port 8000 --workers 2"),
    "relay": lambda: _command(
        "relay",
        "servers",
        "export PREFECT_API_URL=http://127.0.0.1:4200/api HUBFLOW_INSTANCE=masscare",
        "hubflow relay",
        "hubflow relay --to-worker",
    ),
    "process": lambda: _command("process", "servers", "hubflow hubs add ... && hubflow process"),
    "backup": lambda: _command("backup", "data", "hubflow backup backups/hubflow-2026-11-26.db"),
    "restore": lambda: _command(
        "restore", "data", "hubflow restore backups/hubflow-2026-11-26.db --force"
    ),
    "export": lambda: _command(
        "export",
        "export",
        "hubflow export hubs --out hubs.csv",
        "hubflow export contacts --include-private --staff ann@masscare.org --out all.csv",
        "hubflow export plans --json",
    ),
    "demo": lambda: _command("demo", "running", "hubflow demo --dir /tmp/demo"),
    "sweep": lambda: _command(
        "sweep", "running", "hubflow sweep --dry-run", "hubflow sweep --now 2026-03-02T09:00"
    ),
    "coverage": lambda: _command(
        "coverage",
        "coverage",
        "hubflow coverage",
        "hubflow coverage --csv coverage.csv",
        "hubflow coverage --by senate --json",
    ),
    "report": lambda: _command(
        "report", "report", "hubflow report", "hubflow report --now 2026-03-02T08:00 --json"
    ),
    "status": lambda: _command("status", "status", "hubflow status", "hubflow status --json"),
    "hubs": lambda: _group("hubs", "hubs", "app", "imports", "hub_work"),
    "reviews": lambda: _group("reviews", "reviews"),
    "districts": lambda: _group("districts", "legislature", "districts_app", "coverage"),
    "legislators": lambda: _group("legislators", "legislature", "legislators_app"),
    "staff": lambda: _group("staff", "staff"),
    "outbox": lambda: _group("outbox", "outbox"),
    "contacts": lambda: _group("contacts", "contacts"),
    "announce": lambda: _group("announce", "announce"),
    "newcomers": lambda: _group("newcomers", "newcomers"),
}


class _Commands(TyperGroup):
    """hubflow's commands, each loaded the first time it is named."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        load = COMMANDS.get(cmd_name)
        return load() if load is not None else None

    # An attribute in click: every command, for whoever walks them all.
    @property  # type: ignore[override]
    def commands(self) -> dict[str, Command]:
        return {name: load() for name, load in COMMANDS.items()}

    @commands.setter
    def commands(self, _given: Any) -> None:
        pass  # Typer hands over none: they are all in COMMANDS


app = typer.Typer(
    cls=_Commands,
    help="hubflow: the life of a campaign's Hub, from interest form to public listing.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: Rich (and its Markdown) is not imported to show it
    pretty_exceptions_enable=False,  # a plain traceback, and no Rich import to show one
)


@app.callback()
def _campaign_first(ctx: typer.Context) -> None:
    # Every command reads the settings and the campaign file first: a wrong one stops
    # hubflow here, with each key and its reason, before anything starts. Help is shown
    # without them.
    if ctx.resilient_parsing or {"--help", "-h"} & set(sys.argv[1:] + ctx.args):
        return
    from hubflow.cli.output import fail
    from plumbing.settings import settings_problem

    problem = settings_problem()
    if problem:
        fail(f"hubflow cannot start: {problem}", code=1)


if __name__ == "__main__":
    app()
