"""React to domain events: emails queued, review tasks opened, directory published."""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows.names import by_hub_action, headline
from models.services.backlog import waiting_events
from plumbing.db import session_factory
from plumbing.settings import get_settings
from tasks.directory import write_directory
from tasks.events import react_to_events
from tasks.outbox import send_due_emails


class EventsFailed(Exception):
    """Some events could not be processed; they stay waiting and are tried again."""


class WrongInstance(Exception):
    """Events handed over by another hubflow instance (another database): refused."""


@flow(name="process-events", flow_run_name="{title}")
def process_events(
    event_uids: list[str] | None = None,
    title: str = "events waiting",
    instance: str | None = None,
    limit: int = 500,
) -> dict[str, int]:
    """React to each waiting event once, in order; then send the emails and publish."""
    logger = get_run_logger()
    mine = get_settings().instance_name
    if instance is not None and instance != mine:
        # The hand-over names its instance: these events live in another database.
        raise WrongInstance(
            f"these events belong to hubflow instance {instance!r}, and this run was started "
            f"for instance {mine!r} (HUBFLOW_INSTANCE / HUBFLOW_DATABASE_URL): refused, "
            "nothing was processed"
        )
    with session_factory()() as session:
        events = waiting_events(session, limit=limit, uids=event_uids)
    processed = failed = publish = queued = 0
    for group in by_hub_action(events):
        state = react_to_events([e.id for e in group], headline(group), return_state=True)
        if state.is_failed():
            failed += len(group)
            logger.error("%s failed: %s", headline(group), state.message)
            continue
        for outcome in state.result():
            processed += outcome.processed
            publish += outcome.publish_directory
            queued += outcome.emails_queued
    if publish:
        write_directory()
    if queued:
        send_due_emails()
    summary = {
        "events": len(events),
        "processed": processed,
        "failed": failed,
        "emails_queued": queued,
    }
    if failed:
        raise EventsFailed(f"{failed} of {len(events)} events not processed; they will be retried")
    return summary


if __name__ == "__main__":
    print(process_events())
