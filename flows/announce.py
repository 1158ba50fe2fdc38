"""Send an announcement at its time: a flow run scheduled by the reaction to
`announcement.scheduled`, cancelled by the one to `announcement.cancelled` (#30)."""

from __future__ import annotations

from prefect import flow, task

from flows.process_events import WrongInstance
from models.base import utcnow
from plumbing.db import session_factory
from plumbing.settings import get_settings
from tasks.outbox import send_due_emails
from tasks.reactions.announce import deliver


@task(task_run_name="queue announcement {announcement_id}")
def queue_announcement(announcement_id: int, version: int) -> str:
    delivered = deliver(
        session_factory(), announcement_id, version, settings=get_settings(), now=utcnow()
    )
    return str(delivered)


@flow(name="announce", flow_run_name="announcement {announcement_id}")
def announce(announcement_id: int, version: int, instance: str | None = None) -> str:
    """Queue one email per person of the announcement's audience (none if it was
    cancelled), then send what is due."""
    mine = get_settings().instance_name
    if instance is not None and instance != mine:
        raise WrongInstance(
            f"announcement {announcement_id} belongs to hubflow instance {instance!r}, and "
            f"this run was started for {mine!r}: refused, nothing was queued"
        )
    outcome = queue_announcement(announcement_id, version)
    send_due_emails()
    return outcome


if __name__ == "__main__":
    import sys

    print(announce(int(sys.argv[1]), int(sys.argv[2])))
