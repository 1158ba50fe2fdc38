"""Send the emails that are due."""

from __future__ import annotations

from prefect import flow

from flows.names import dispatch_name
from plumbing.db import session_factory
from plumbing.job_runs import recorded
from tasks.outbox import send_due_emails


@flow(name="dispatch-outbox", flow_run_name=dispatch_name)
def dispatch_outbox(limit: int | None = None) -> dict[str, int]:
    """Send every due email through the configured backend (retries wait their turn)."""
    with recorded(session_factory(), "dispatch") as said:
        counts = send_due_emails(limit)
        said.text = ", ".join(f"{n} {state}" for state, n in counts.items()) or "nothing due"
    return counts


if __name__ == "__main__":
    print(dispatch_outbox())
