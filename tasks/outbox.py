"""Sending what the outbox holds."""

from __future__ import annotations

from prefect import task

from plumbing.db import session_factory
from plumbing.email.dispatch import dispatch


@task(retries=2, retry_delay_seconds=[5, 30])
def send_due_emails(limit: int | None = None) -> dict[str, int]:
    """Send every email that is due; safe to run beside another dispatcher."""
    return dict(dispatch(session_factory(), limit=limit).counts)
