"""`hubflow`: set up, and act on Hubs, reviews, districts and staff from a terminal (SPEC §6).

Each command imports what it uses when it runs, so `--help` and light commands start fast.
"""

from __future__ import annotations

import sys

import typer

from hubflow.cli import (
    announce,
    contacts,
    coverage,
    data,
    export,
    hub_work,
    hubs,
    imports,
    legislature,
    newcomers,
    outbox,
    report,
    reviews,
    running,
    servers,
    staff,
    status,
)
from hubflow.cli.common import example

app = typer.Typer(
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


app.add_typer(hubs.app, name="hubs")
imports.register()  # `hubs import`, in its own module
hub_work.register()  # `hubs note|edit|assign|reopen`
app.add_typer(reviews.app, name="reviews")
app.add_typer(legislature.districts_app, name="districts")
app.add_typer(legislature.legislators_app, name="legislators")
app.add_typer(staff.app, name="staff")
app.add_typer(outbox.app, name="outbox")
app.add_typer(contacts.app, name="contacts")
app.add_typer(announce.app, name="announce")
app.add_typer(newcomers.app, name="newcomers")
app.command("init", epilog=example("hubflow init"))(running.init)
app.command(
    "serve",
    epilog=example(
        "hubflow serve",
        "hubflow serve --port 8080 --prefect-port 4300",
        "hubflow serve --prefect-api-url http://10.0.0.5:4200/api",
    ),
)(servers.serve)
app.command("web", epilog=example("hubflow web --port 8000 --workers 2"))(servers.web)
app.command(
    "relay",
    epilog=example(
        "export PREFECT_API_URL=http://127.0.0.1:4200/api HUBFLOW_INSTANCE=masscare",
        "hubflow relay",
        "hubflow relay --to-worker",
    ),
)(servers.relay)
app.command("process", epilog=example("hubflow hubs add ... && hubflow process"))(servers.process)
app.command("backup", epilog=example("hubflow backup backups/hubflow-2026-11-26.db"))(data.backup)
app.command("restore", epilog=example("hubflow restore backups/hubflow-2026-11-26.db --force"))(
    data.restore
)
app.command(
    "export",
    epilog=example(
        "hubflow export hubs --out hubs.csv",
        "hubflow export contacts --include-private --staff ann@masscare.org --out all.csv",
        "hubflow export plans --json",
    ),
)(export.export)
app.command("demo", epilog=example("hubflow demo --dir /tmp/demo"))(running.demo)
app.command(
    "sweep", epilog=example("hubflow sweep --dry-run", "hubflow sweep --now 2026-03-02T09:00")
)(running.sweep)
app.command(
    "coverage",
    epilog=example(
        "hubflow coverage",
        "hubflow coverage --csv coverage.csv",
        "hubflow coverage --by senate --json",
    ),
)(coverage.coverage)
app.command(
    "report", epilog=example("hubflow report", "hubflow report --now 2026-03-02T08:00 --json")
)(report.report)

app.command("status", epilog=example("hubflow status", "hubflow status --json"))(status.status)


if __name__ == "__main__":
    app()
