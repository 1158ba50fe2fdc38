"""Sending what the outbox holds."""

from __future__ import annotations

from prefect import task

from hubflow.db import session_factory
from hubflow.email.dispatch import dispatch


@task(retries=2, retry_delay_seconds=[5, 30])
def send_due_emails(limit: int | None = None) -> dict[str, int]:
    """Send every email that is due; safe to run beside another dispatcher."""
    return dict(dispatch(session_factory(), limit=limit).counts)
