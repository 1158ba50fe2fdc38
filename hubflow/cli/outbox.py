"""`hubflow outbox …`: the emails hubflow sends."""

from __future__ import annotations

from datetime import timedelta

import typer

from hubflow.cli.common import JSON, database, example, reported

app = typer.Typer(help="The email outbox.", no_args_is_help=True, rich_markup_mode=None)


@app.command("list", epilog=example("hubflow outbox list --state failed"))
def list_(
    state: str | None = typer.Option(
        None, "--state", help="Only this state: pending, sending, sent, failed, suppressed."
    ),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many, newest first."),
    as_json: bool = JSON,
) -> None:
    """Emails, newest first, with why any failed."""
    from hubflow.cli import views
    from hubflow.cli.output import console, listing
    from models.base import utcnow
    from models.services.system import backlog
    from plumbing.email.queries import list_emails
    from plumbing.settings import get_settings

    settings = get_settings()
    with reported({"state": "--state"}), database() as session:
        rows = [views.email_row(e) for e in list_emails(session, state=state, limit=limit)]
        now = utcnow()
        lease = timedelta(seconds=settings.dispatch_lease_seconds)
        found = backlog(session, now=now, lease=lease, today=settings.policy.today(now))
    listing(
        rows,
        ["id", "kind", "to", "state", "delivery", "subject", "last_error"],
        title="Emails",
        empty="No emails.",
        as_json=as_json,
    )
    unprocessed = found.events_waiting + found.events_in_runs
    if unprocessed and not as_json and state in (None, "pending"):
        # Their emails are not in the outbox yet: the list alone would say all is sent.
        console.print(
            f"{unprocessed} event{'s' if unprocessed != 1 else ''} not processed yet: their "
            "emails are queued when they are (see hubflow status).",
            markup=False,
        )


@app.command(
    "dispatch", epilog=example("hubflow outbox dispatch", "hubflow outbox dispatch --limit 50")
)
def dispatch(
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Send at most this many now (default: all that are due)."
    ),
) -> None:
    """Send the emails that are due, through the configured backend."""
    from hubflow.cli.output import console, progress
    from plumbing.db import session_factory
    from plumbing.email.claims import due_count
    from plumbing.email.dispatch import dispatch as send
    from plumbing.job_runs import recorded

    sessions = session_factory()
    with reported():
        due = due_count(sessions)
        total = min(due, limit) if limit is not None else due
        with progress("sending", total) as bar, recorded(sessions, "dispatch") as said:
            report = send(sessions, limit=limit, progress=lambda _: bar.advance())
            said.text = str(report)
    console.print(f"{str(report).capitalize()}.")
