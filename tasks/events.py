"""Reacting to domain events: run each one's reactions exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from prefect import task
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models.audit import DomainEvent
from models.base import utcnow
from models.events import EventType
from models.hub import Hub
from models.services.common import transaction
from plumbing.db import error_words, session_factory
from plumbing.flow_runs import FlowRuns, PrefectRuns
from plumbing.settings import Settings, get_settings
from tasks.reactions import REACTIONS, Reaction

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    event_id: int
    processed: bool
    publish_directory: bool = False
    emails_queued: int = 0


class _AlreadyProcessed(Exception):
    pass


class ReactionFailed(Exception):
    """An event's reactions failed; the event stays waiting and is tried again."""


def process_event(
    sessions: sessionmaker[Session],
    event_id: int,
    *,
    settings: Settings,
    now: datetime,
    runs: FlowRuns | None = None,
) -> Outcome:
    """Run the event's reactions and mark it processed, all in one transaction.

    If another processor got there first, everything here is rolled back.
    """
    try:
        with sessions() as session, transaction(session):
            event = session.get(DomainEvent, event_id)
            if event is None or event.processed_at is not None:
                return Outcome(event_id, processed=False)
            hub = session.get(Hub, event.hub_id) if event.hub_id is not None else None
            reaction = Reaction(
                session=session, event=event, hub=hub, settings=settings, now=now, runs=runs
            )
            for react in REACTIONS.get(EventType(event.type), ()):
                react(reaction)
            marked = session.execute(
                update(DomainEvent)
                .where(DomainEvent.id == event_id, DomainEvent.processed_at.is_(None))
                .values(processed_at=now, attempts=DomainEvent.attempts + 1, last_error="")
                .execution_options(synchronize_session=False)
            )
            if marked.rowcount != 1:  # type: ignore[attr-defined]
                raise _AlreadyProcessed
    except _AlreadyProcessed:
        return Outcome(event_id, processed=False)
    except Exception as exc:
        # Told in words without the row's values: this goes to the log, to the event and,
        # when a flow runs it, into Prefect's database, which forget cannot reach.
        words = error_words(exc)
        _record_failure(sessions, event_id, words)
        log.warning("event %s failed: %s", event_id, words, extra={"event_id": event_id})
        raise ReactionFailed(f"event {event_id} failed: {words}") from None
    return Outcome(
        event_id,
        processed=True,
        publish_directory=reaction.publish_directory,
        emails_queued=reaction.emails_queued,
    )


def process_waiting(
    sessions: sessionmaker[Session], *, settings: Settings, now: datetime
) -> list[Outcome]:
    """Every unprocessed event, oldest first, without Prefect (the demo, tests)."""
    with sessions() as session:
        ids = list(
            session.scalars(
                select(DomainEvent.id)
                .where(DomainEvent.processed_at.is_(None))
                .order_by(DomainEvent.id)
            )
        )
    return [process_event(sessions, i, settings=settings, now=now) for i in ids]


def _record_failure(sessions: sessionmaker[Session], event_id: int, words: str) -> None:
    with sessions() as session, transaction(session):
        session.execute(
            update(DomainEvent)
            .where(DomainEvent.id == event_id)
            .values(attempts=DomainEvent.attempts + 1, last_error=words[:2000])
        )


@task(retries=2, retry_delay_seconds=[1, 5], task_run_name="{name}")
def react_to_events(event_ids: list[int], name: str) -> list[Outcome]:
    """One Hub's events, in order: queue the emails, open the review tasks, mark each
    processed (each in its own transaction; a retry skips the ones already done)."""
    sessions, settings = session_factory(), get_settings()
    runs = PrefectRuns(settings.instance_name)
    return [
        process_event(sessions, i, settings=settings, now=utcnow(), runs=runs) for i in event_ids
    ]
