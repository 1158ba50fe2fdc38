"""The daily sweep: reminders, nudges and escalations for what is due (SPEC §3)."""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from flows.names import sweep_name
from models.base import utcnow
from plumbing.db import analyze, session_factory
from plumbing.job_runs import recorded
from tasks.outbox import send_due_emails
from tasks.sweep import SweepReport, sweep_due_dates


@flow(name="sweep", flow_run_name=sweep_name)
def sweep(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Queue the reminders due today, mark stalled Hubs and escalate them, then send."""
    if dry_run:
        return _said(sweep_due_dates(now or utcnow(), dry_run))
    with recorded(session_factory(), "sweep") as said:
        report = sweep_due_dates(now or utcnow(), dry_run)
        if report.emails_queued:
            send_due_emails()
        done = _said(report)
        analyze()  # the day's new rows counted for the query planner
        said.text = f"{done['queued']} emails queued, {done['stalled']} Hubs stalled"
    return done


def _said(report: SweepReport) -> dict[str, int]:
    return {
        "planned": len(report.emails),
        "queued": report.emails_queued,
        "stalled": len(report.stalled),
        "held_back": report.held_back,
    }


if __name__ == "__main__":
    print(sweep())
