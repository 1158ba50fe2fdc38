"""The GO! Team's day: report artifacts in Prefect and the digest email."""

from __future__ import annotations

from datetime import datetime

from prefect import flow

from flows.names import report_name
from models.base import utcnow
from plumbing.db import session_factory
from plumbing.job_runs import recorded
from tasks.outbox import send_due_emails
from tasks.reports import publish_report_artifacts, queue_digest


@flow(name="daily-report", flow_run_name=report_name)
def daily_report(now: datetime | None = None) -> dict[str, int]:
    """Funnel, waiting reviews, stalled Hubs and coverage as artifacts; the digest sent."""
    now = now or utcnow()
    with recorded(session_factory(), "daily report") as said:
        counts = publish_report_artifacts(now)
        queue_digest(now)
        send_due_emails()
        said.text = "the report published and the digest sent"
    return counts


if __name__ == "__main__":
    print(daily_report())
