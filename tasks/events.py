"""Reacting to domain events: claim the ones waiting, run their reactions exactly once."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from prefect import task
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.audit import DomainEvent
from models.base import utcnow
from models.enums import Stage
from models.events import EventType
from models.hub import Hub
from models.services.common import transaction
from plumbing.db import session_factory
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


def waiting_events(
    session: Session, *, limit: int, uids: list[str] | None = None
) -> list[DomainEvent]:
    """Unprocessed events, oldest first (or those of `uids` still unprocessed)."""
    stmt = select(DomainEvent).where(DomainEvent.processed_at.is_(None))
    if uids is not None:
        stmt = stmt.where(DomainEvent.uid.in_(uids))
    events = list(session.scalars(stmt.order_by(DomainEvent.id).limit(limit)))
    session.commit()
    return events


def process_event(
    sessions: sessionmaker[Session], event_id: int, *, settings: Settings, now: datetime
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
            reaction = Reaction(session=session, event=event, hub=hub, settings=settings, now=now)
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
        _record_failure(sessions, event_id, exc)
        raise
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


def _record_failure(sessions: sessionmaker[Session], event_id: int, exc: Exception) -> None:
    with sessions() as session, transaction(session):
        session.execute(
            update(DomainEvent)
            .where(DomainEvent.id == event_id)
            .values(attempts=DomainEvent.attempts + 1, last_error=repr(exc)[:2000])
        )


def describe(event: DomainEvent) -> str:
    """How the Prefect UI names the work for this event: 'hub-42 approved -> onboarding'."""
    who = f"hub-{event.hub_id}" if event.hub_id is not None else "hubflow"
    stage = event.payload.get("stage", "")
    match EventType(event.type):
        case EventType.INTEREST_SUBMITTED:
            return f"{who} interest received"
        case EventType.SUBMISSION_RECEIVED:
            return f"{who} submitted {stage} v{event.payload.get('version', 1)}"
        case EventType.SUBMISSION_APPROVED:
            nxt = Stage(stage).next() if stage else None
            return f"{who} approved -> {nxt.value if nxt else 'listed'}"
        case EventType.CHANGES_REQUESTED:
            return f"{who} changes requested on {stage}"
        case EventType.SUBMISSION_DECLINED:
            return f"{who} declined"
        case EventType.STAGE_ENTERED:
            return f"{who} entered {stage}"
        case EventType.MOVED_BACK:
            return f"{who} moved back -> {stage}"
        case other:
            return f"{who} {other.value.removeprefix('hub.').replace('.', ' ')}"


# Events that say what a person did; the rest (stage entered, listed) follow from them.
HEADLINES = (
    EventType.INTEREST_SUBMITTED,
    EventType.SUBMISSION_RECEIVED,
    EventType.SUBMISSION_APPROVED,
    EventType.CHANGES_REQUESTED,
    EventType.SUBMISSION_DECLINED,
    EventType.MOVED_BACK,
    EventType.WITHDRAWN,
    EventType.PAUSED,
    EventType.RESUMED,
    EventType.STALLED,
)


def headline(events: list[DomainEvent]) -> str:
    """A readable name for a batch: its headline event, and how many others came with it."""
    if not events:
        return "no events waiting"
    head = next((e for e in events if e.type in HEADLINES), events[0])
    hubs = {e.hub_id for e in events}
    return describe(head) if len(hubs) == 1 else f"{describe(head)} (+{len(hubs) - 1} Hubs)"


@task(retries=2, retry_delay_seconds=[1, 5], task_run_name="{name}")
def react_to_events(event_ids: list[int], name: str) -> list[Outcome]:
    """One Hub's events, in order: queue the emails, open the review tasks, mark each
    processed (each in its own transaction; a retry skips the ones already done)."""
    sessions, settings = session_factory(), get_settings()
    return [process_event(sessions, i, settings=settings, now=utcnow()) for i in event_ids]


def by_hub_action(events: list[DomainEvent]) -> list[list[DomainEvent]]:
    """Consecutive events of the same Hub: what one person's action set off."""
    groups: list[list[DomainEvent]] = []
    for event in events:
        if groups and groups[-1][0].hub_id == event.hub_id:
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups


def unhanded(session: Session, *, limit: int, again: Collection[str] = ()) -> list[DomainEvent]:
    """Events not yet handed to Prefect, or handed to one of the runs `again` (runs that
    ended without processing them), oldest first."""
    waiting: ColumnElement[bool] = DomainEvent.handed_over_at.is_(None)
    if again:
        waiting = or_(waiting, DomainEvent.handed_to.in_(list(again)))
    events = list(
        session.scalars(
            select(DomainEvent)
            .where(DomainEvent.processed_at.is_(None), waiting)
            .order_by(DomainEvent.id)
            .limit(limit)
        )
    )
    session.commit()
    return events


def holding_runs(session: Session, *, handed_before: datetime) -> list[str]:
    """The flow runs that hold events handed over before `handed_before` and still
    unprocessed: the ones whose state is worth a look."""
    runs = list(
        session.scalars(
            select(DomainEvent.handed_to)
            .where(
                DomainEvent.processed_at.is_(None),
                DomainEvent.handed_over_at < handed_before,
                DomainEvent.handed_to.is_not(None),
            )
            .distinct()
        )
    )
    session.commit()
    return [r for r in runs if r is not None]
