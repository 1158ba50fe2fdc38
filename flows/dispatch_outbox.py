"""Send the emails that are due."""

from __future__ import annotations

from prefect import flow

from flows.names import dispatch_name
from tasks.outbox import send_due_emails


@flow(name="dispatch-outbox", flow_run_name=dispatch_name)
def dispatch_outbox(limit: int | None = None) -> dict[str, int]:
    """Send every due email through the configured backend (retries wait their turn)."""
    return send_due_emails(limit)


if __name__ == "__main__":
    print(dispatch_outbox())
