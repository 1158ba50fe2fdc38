"""Setting hubflow up and trying it: `init`, `demo`, `sweep` (servers: hubflow.cli.servers)."""

from __future__ import annotations

from pathlib import Path

import typer

from hubflow.cli.common import JSON, parse_now, reported


def init(
    state: str | None = typer.Option(
        None,
        "--state",
        help="The state whose legislature to load, e.g. VT: the campaign file's state, "
        "which it must be. Its chambers and districts, with their seats, come from Open "
        "States' metadata; its people from `hubflow districts import` (those of the "
        "state hubflow has town data for ship with it).",
    ),
) -> None:
    """Create or upgrade the database, load the state's districts (and the legislators
    that ship with hubflow), and write a secret key if none is configured."""
    from hubflow.cli.output import console, fail, print_import
    from models.services.legislature import import_legislature
    from plumbing.campaign import read_campaign
    from plumbing.db import session_factory, upgrade
    from plumbing.openstates import bundled, state_districts
    from plumbing.settings import get_settings, write_key_file

    settings = get_settings()
    campaign = settings.campaign
    wanted = (state or campaign.state).strip().upper()
    if wanted != campaign.state:
        fail(
            f"--state: {wanted} is not the campaign's state ({campaign.state}, in "
            f"{settings.campaign_path}): set `state` in the campaign file to run a campaign "
            "there"
        )
    with reported({"state": "--state"}):
        data = state_districts(wanted)
        if wanted == "MA":  # its legislators, committees and members of Congress ship too
            data.merge(bundled())
        upgrade()
        with session_factory()() as session:
            print_import(import_legislature(session, data))
    if settings.secret_key is None and write_key_file(settings.key_file):
        console.print(f"Wrote a new secret key to {settings.key_file} (keep it private).")
    # Later starts skip re-checking the campaign's addresses while the file is unchanged.
    read_campaign(settings.campaign_path, record=settings.campaign_record, new_record=True)
    console.print("[green]hubflow is ready.[/green]")


def demo(
    folder: Path = typer.Option(
        Path("demo"),
        "--dir",
        help="Where the demo's database and outbox go (replaced on each run).",
    ),
) -> None:
    """Take a small cohort of example Hubs through the lifecycle on simulated time (the
    default campaign's example, in a folder of its own)."""
    from hubflow.cli.demo import run

    with reported():
        run(folder)


def sweep(
    now: str | None = typer.Option(
        None, "--now", help="Sweep as of this ISO date-time (default: now), e.g. 2026-03-02T09:00."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would be sent; change nothing."
    ),
    as_json: bool = JSON,
) -> None:
    """Queue the reminders, nudges and escalations due now."""
    from contextlib import ExitStack

    from hubflow.cli.output import console, emit_json, progress, table
    from plumbing.db import session_factory
    from plumbing.job_runs import recorded
    from tasks.sweep import run_sweep

    with reported({"now": "--now"}):
        when = parse_now(now)
        with progress("finding what is due") as bar, ExitStack() as stack:
            if not dry_run:  # a real sweep is the operator's "last sweep" (hubflow status)
                said = stack.enter_context(recorded(session_factory(), "sweep"))
            report = run_sweep(now=when, dry_run=dry_run, phase=bar.describe)
            if not dry_run:
                said.text = (
                    f"{report.emails_queued} emails queued, {len(report.stalled)} Hubs stalled"
                )
    rows = [
        {"kind": e.kind, "to": e.to, "hub_id": e.hub_id, "detail": e.detail} for e in report.emails
    ]
    if as_json:
        emit_json(
            {
                "dry_run": dry_run,
                "emails": rows,
                "stalled": report.stalled,
                "held_back": report.held_back,
            }
        )
        return
    table(
        rows,
        ["kind", "to", "hub_id", "detail"],
        title="Would send" if dry_run else "Queued",
        empty="Nothing is due: no email would be sent." if dry_run else "Nothing is due.",
    )
    if report.stalled:
        console.print(f"Stalled: Hubs {', '.join(map(str, report.stalled))}.")
    if report.held_back:
        console.print(
            f"{report.held_back} contacts were already reminded today: their reminder waits "
            "for tomorrow."
        )
