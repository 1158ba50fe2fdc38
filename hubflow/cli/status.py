"""`hubflow status`: is this instance well? The database, Prefect, and what waits (events,
flow runs, emails), each in a line; exit 1 when something is stuck past its bound."""

from __future__ import annotations

import typer

from hubflow.cli.common import JSON


def status(as_json: bool = JSON) -> None:
    """The instance's health: the database and Prefect answer, events are handed over and
    processed, emails go out; review tasks overdue are said too. Exit code 1 when anything
    is stuck (a script or a monitor can act on it), 0 when all is well."""
    from hubflow.cli.output import console, emit_json
    from models.base import utcnow
    from plumbing.health import checks
    from plumbing.settings import get_settings

    settings = get_settings()
    found = checks(settings, now=utcnow())
    well = all(c.ok for c in found)
    if as_json:
        emit_json(
            {
                "instance": settings.instance_name,
                "ok": well,
                "checks": [{"name": c.name, "ok": c.ok, "says": c.says, **c.facts} for c in found],
            }
        )
    else:
        console.print(f"hubflow instance {settings.instance_name}:", markup=False)
        for c in found:
            mark = "ok   " if c.ok else "STUCK"
            console.print(f"  {mark} {c.name}: {c.says}", markup=False, highlight=False)
        console.print(
            "All is well." if well else "Something is stuck: see the lines marked STUCK.",
            markup=False,
        )
    if not well:
        raise typer.Exit(1)
