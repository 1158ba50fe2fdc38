"""Hand domain events to Prefect, durably: an event is marked handed over only once
Prefect has acknowledged the flow run that will process it (SPEC §3).

A web request writes its events to the database in its own transaction; it never talks
to Prefect. The relay polls for events not yet handed over (or handed over long ago and
still unprocessed), asks Prefect for a `process-events` flow run with an idempotency key
derived from them, and only then marks them. If Prefect is down, nothing is marked and
the next poll tries again. Each event is also emitted as a Prefect event
(`hub.stage.entered`, resource `hubflow.hub.<id>`) for Automations.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from models.audit import DomainEvent
from models.base import utcnow
from models.services.common import transaction
from tasks.events import headline, unhanded

log = logging.getLogger(__name__)

DEPLOYMENT = "process-events/process-events"
Trigger = Callable[..., Any]


def _run_deployment(**kwargs: Any) -> Any:
    from prefect.deployments import run_deployment

    return run_deployment(**kwargs)


def _emit(event: DomainEvent) -> None:
    from prefect.events import emit_event

    emit_event(
        event=event.type,
        resource={
            "prefect.resource.id": f"hubflow.hub.{event.hub_id}",
            "prefect.resource.name": f"hub-{event.hub_id}",
        },
        payload={"hubflow_event": event.uid, **event.payload},
        id=uuid.UUID(event.uid),
    )


class Relay:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        deployment: str = DEPLOYMENT,
        batch: int = 500,
        trigger: Trigger = _run_deployment,
        emit: Callable[[DomainEvent], None] = _emit,
    ) -> None:
        self.sessions, self.deployment, self.batch = sessions, deployment, batch
        self.trigger, self.emit = trigger, emit

    def run_once(self) -> int:
        """Hand over what is waiting; return how many events Prefect acknowledged."""
        now = utcnow()
        with self.sessions() as session:
            events = unhanded(session, now=now, limit=self.batch)
        if not events:
            return 0
        name = headline(events)
        retry = events[0].handed_over_at.isoformat() if events[0].handed_over_at else "first"
        self.trigger(
            name=self.deployment,
            parameters={"event_ids": [e.id for e in events], "title": name},
            flow_run_name=name,
            timeout=0,
            idempotency_key=f"events:{events[0].uid}:{events[-1].uid}:{retry}",
        )
        # Prefect has the flow run: only now is the hand-over recorded.
        with self.sessions() as session, transaction(session):
            session.execute(
                update(DomainEvent)
                .where(DomainEvent.id.in_([e.id for e in events]))
                .values(handed_over_at=now)
                .execution_options(synchronize_session=False)
            )
        for event in events:
            try:
                self.emit(event)
            except Exception:  # a Prefect event is a courtesy; the flow run is what counts
                log.warning("could not emit Prefect event for %s", event.uid, exc_info=True)
        return len(events)

    def run_forever(self, stop: threading.Event, *, interval: float = 1.0) -> None:
        """Poll until `stop` is set; a Prefect outage only delays the hand-over."""
        delay = interval
        while not stop.is_set():
            try:
                handed = self.run_once()
            except Exception as exc:
                log.warning("Prefect did not take the events (%s); retrying in %.0fs", exc, delay)
                stop.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = interval
            if handed < self.batch:  # caught up: wait for the next request's events
                stop.wait(interval)
