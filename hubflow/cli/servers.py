"""Running hubflow: `serve` (everything on one machine), or each part on its own —
`web`, `relay` — beside a Prefect server and worker; `process` for scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

HOST = typer.Option("127.0.0.1", "--host", help="The address the web app listens on.")
PORT = typer.Option(
    8000,
    "--port",
    help="The web app's port. Links in emails point here unless HUBFLOW_BASE_URL is set.",
)


def serve(
    host: str = HOST,
    port: int = PORT,
    prefect_port: int = typer.Option(
        4200,
        "--prefect-port",
        help="The port of the Prefect server it starts (its UI and API).",
    ),
    prefect_api_url: str | None = typer.Option(
        None,
        "--prefect-api-url",
        envvar="PREFECT_API_URL",
        help="Use the Prefect server at this URL (e.g. http://10.0.0.5:4200/api) and start "
        "none; read from PREFECT_API_URL if set.",
    ),
    prefect_home: Path = typer.Option(
        Path(".prefect"),
        "--prefect-home",
        help="Where the Prefect server it starts keeps its data.",
    ),
) -> None:
    """Run everything on this machine: a Prefect server, the deployments, the event relay
    and the web app. Ctrl-C or SIGTERM stops it all."""
    from hubflow.runtime.serve import serve as serve_all
    from plumbing.logs import configure
    from plumbing.settings import get_settings

    configure(get_settings())
    require_secret_key()
    logs = get_settings().data_dir / "logs"
    with cannot_start():
        code = serve_all(
            host=host,
            port=port,
            prefect_port=prefect_port,
            prefect_api_url=prefect_api_url,
            home=prefect_home.resolve(),
            logs=logs.resolve(),
        )
    exit_now(code)


def web(
    host: str = HOST,
    port: int = PORT,
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="How many web processes share the port."
    ),
) -> None:
    """Run the web app alone. The events it records are handed over by `hubflow relay`
    (or `hubflow serve`); nothing reacts to them until one runs."""
    from hubflow.runtime.serve import run_web
    from plumbing.logs import configure
    from plumbing.settings import get_settings

    configure(get_settings())
    require_secret_key()
    with cannot_start():
        run_web(host=host, port=port, workers=workers)


def relay(
    to_worker: bool = typer.Option(
        False,
        "--to-worker",
        help="Hand the events to the process-events deployment, which a worker runs (a new "
        "process per run: seconds later), instead of processing them in this process.",
    ),
) -> None:
    """Hand recorded events to Prefect (the server at PREFECT_API_URL) as they come, as
    flow runs it processes itself or a worker runs; hand over again those of runs that
    crashed. Ctrl-C or SIGTERM stops it."""
    from hubflow.runtime.serve import run_relay
    from plumbing.logs import configure
    from plumbing.settings import get_settings

    configure(get_settings())
    with cannot_start():
        run_relay(here=not to_worker)
    exit_now(0)


def process() -> None:
    """Handle the events waiting now, in this process, without Prefect: queue and send
    their emails, open review tasks, publish the directory, send the announcements whose
    time has come. For scripts and tiny set-ups."""
    from hubflow.cli.output import console
    from models.base import utcnow
    from models.words import plural
    from plumbing.db import session_factory
    from plumbing.directory import write_directory_file
    from plumbing.email.dispatch import dispatch
    from plumbing.logs import configure
    from plumbing.settings import get_settings
    from tasks.events import process_waiting
    from tasks.reactions.announce import deliver_due

    configure(get_settings())
    require_secret_key()  # its emails carry signed links: one line, not a traceback
    sessions = session_factory()
    outcomes = process_waiting(sessions, settings=get_settings(), now=utcnow())
    for delivered in deliver_due(sessions, settings=get_settings(), now=utcnow()):
        console.print(str(delivered).capitalize() + ".")
    done = [o for o in outcomes if o.processed]
    if any(o.publish_directory for o in done):
        write_directory_file()  # no Prefect artifact: that would start a Prefect server
    report = dispatch(sessions)  # says it as `hubflow outbox dispatch` does
    console.print(f"Processed {plural(len(done), 'event')}; emails: {report}.")


def require_secret_key() -> None:
    """Refuse to run a server that would sign with no key, or a key anyone knows."""
    from hubflow.cli.output import err_console
    from plumbing.settings import MissingSecret, get_settings

    try:
        get_settings().key()
    except MissingSecret as exc:
        err_console.print(f"[red]hubflow: {exc}[/red]")
        raise typer.Exit(1) from None


def exit_now(code: int) -> None:
    """Everything is stopped and Prefect's queues were flushed while its server ran: exit
    without the interpreter's exit hooks, which would wait on a Prefect server now gone."""
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@contextmanager
def cannot_start() -> Iterator[None]:
    """A part that cannot start (a port taken, no Prefect server) says why: exit code 1."""
    from hubflow.runtime.supervise import CannotStart

    try:
        yield
    except CannotStart as exc:
        from hubflow.cli.output import err_console

        err_console.print(f"hubflow: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
