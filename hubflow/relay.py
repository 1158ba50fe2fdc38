"""Hand domain events to Prefect, durably: an event is marked handed over only once
Prefect has acknowledged the flow run that will process it (SPEC §3).

A web request writes its events to the database in its own transaction; it never talks
to Prefect. The relay finds events not yet handed over (woken at once when this process
committed some, else by polling), asks Prefect for a `process-events` flow run, and only
then marks them with that run. If Prefect is down, nothing is marked and the next pass
tries again. It then keeps an eye on the runs holding events: those of a run that crashed,
was cancelled or failed are handed over again, and a run "running" for too long, or left
behind by a process that died, is closed as crashed.

Two ways to hand over: to the instance's `process-events` deployment (a worker or runner
runs it, `ToDeployment`), or in this process (`InProcess`, what `hubflow serve` does: no
new process per run, so an email leaves within a second of the form). Each event is also
emitted as a Prefect event for Automations. Everything carries the instance's name.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from hubflow.db import events_recorded
from models.audit import DomainEvent
from models.base import utcnow
from models.services.common import transaction
from tasks.events import headline, holding_runs, unhanded

log = logging.getLogger(__name__)

FLOW = "process-events"


@dataclass(frozen=True)
class Batch:
    uids: list[str]
    title: str
    key: str  # the same batch handed over twice is one flow run

    def parameters(self, instance: str) -> dict[str, Any]:
        """What `process-events` is called with: the events, and whose they are."""
        return {"event_uids": self.uids, "title": self.title, "instance": instance}


class HandOver(Protocol):
    in_process: bool

    def start(self, batch: Batch) -> str:
        """Have Prefect create the flow run for `batch`; its id."""

    def finish(self, run_id: str, batch: Batch) -> None:
        """After the events are marked: run it here, or nothing (a worker runs it)."""


class ToDeployment:
    """Hand over to `process-events/<instance>`, which a worker or runner runs."""

    in_process = False

    def __init__(self, instance: str) -> None:
        self.instance = instance
        self.deployment = f"{FLOW}/{instance}"

    def start(self, batch: Batch) -> str:
        from prefect.deployments import run_deployment

        run = run_deployment(
            name=self.deployment,
            parameters=batch.parameters(self.instance),
            flow_run_name=batch.title,
            timeout=0,
            idempotency_key=batch.key,
            tags=instance_tags(self.instance),
        )
        return str(run.id)  # type: ignore[union-attr]

    def finish(self, run_id: str, batch: Batch) -> None:
        return None


class InProcess:
    """Create the flow run in Prefect, then run it in this thread."""

    in_process = True

    def __init__(self, instance: str) -> None:
        self.instance = instance
        self._created: dict[str, Any] = {}

    def start(self, batch: Batch) -> str:
        from prefect import get_client

        from flows.process_events import process_events

        with get_client(sync_client=True) as client:
            run = client.create_flow_run(
                process_events,
                name=batch.title,
                parameters=batch.parameters(self.instance),
                tags=[*instance_tags(self.instance), IN_PROCESS],
            )
        self._created[str(run.id)] = run
        return str(run.id)

    def finish(self, run_id: str, batch: Batch) -> None:
        from prefect.flow_engine import run_flow

        from flows.process_events import process_events

        run = self._created.pop(run_id)
        # A failed run leaves its events waiting: the relay hands them over again later.
        run_flow(
            process_events,
            flow_run=run,
            parameters=batch.parameters(self.instance),
            return_type="state",
        )


IN_PROCESS = "hubflow-in-process"


def instance_tags(instance: str) -> list[str]:
    return ["hubflow", f"instance:{instance}"]


class PrefectRunStates:
    """Asks Prefect what became of the runs, and closes the ones nothing will finish."""

    def finished(self, run_id: str) -> bool:
        from prefect import get_client

        with get_client(sync_client=True) as client:
            run = client.read_flow_run(uuid.UUID(run_id))
        return run.state is None or run.state.is_final()

    def ended(
        self,
        run_ids: list[str],
        *,
        in_process: bool,
        now: Any,
        retry_after: timedelta,
        run_timeout: timedelta,
    ) -> set[str]:
        from prefect import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
        from prefect.states import Crashed

        ids = [uuid.UUID(r) for r in run_ids]
        with get_client(sync_client=True) as client:
            runs = {
                str(run.id): run
                for run in client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)), limit=len(ids)
                )
            }
            again = set()
            for run_id in run_ids:
                run = runs.get(run_id)
                if run is None or run.state is None:
                    again.add(run_id)  # the server forgot it (a new Prefect database)
                    continue
                state = run.state.type.value
                if state in ("CRASHED", "CANCELLED", "COMPLETED"):
                    again.add(run_id)
                elif state == "FAILED":
                    ended_at = run.end_time or run.state.timestamp
                    if ended_at is None or now - ended_at >= retry_after:
                        again.add(run_id)
                elif state in ("RUNNING", "PENDING", "CANCELLING", "SCHEDULED"):
                    orphan = in_process and IN_PROCESS in run.tags
                    started = run.start_time or run.created
                    overdue = state != "SCHEDULED" and started and now - started >= run_timeout
                    if orphan or overdue:
                        why = (
                            "the process running it stopped"
                            if orphan
                            else f"still {state.lower()} after {run_timeout}"
                        )
                        client.set_flow_run_state(
                            run.id,
                            Crashed(message=f"closed by the hubflow relay: {why}"),
                            force=True,
                        )
                        again.add(run_id)
        return again


def _emit(event: DomainEvent, instance: str) -> None:
    from prefect.events import emit_event

    emit_event(
        event=event.type,
        resource={
            "prefect.resource.id": f"hubflow.{instance}.hub.{event.hub_id}",
            "prefect.resource.name": f"hub-{event.hub_id}",
            "hubflow.instance": instance,
        },
        payload={"hubflow_event": event.uid, **event.payload},
        id=uuid.UUID(event.uid),
    )


class Relay:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        instance: str,
        hand_over: HandOver | None = None,
        states: PrefectRunStates | None = None,
        batch: int = 500,
        retry_after: float = 60.0,
        run_timeout: float = 1800.0,
        emit: Callable[[DomainEvent, str], None] = _emit,
        clock: Callable[[], Any] = utcnow,
    ) -> None:
        self.sessions, self.instance, self.batch = sessions, instance, batch
        self.hand_over = hand_over or ToDeployment(instance)
        self.states = states or PrefectRunStates()
        self.retry_after = timedelta(seconds=retry_after)
        self.run_timeout = timedelta(seconds=run_timeout)
        self.emit, self.clock = emit, clock
        # How often the runs holding events are looked at (a cheap query, then Prefect).
        self.check_every = min(10.0, retry_after)
        self._checked = float("-inf")
        self._again: set[str] = set()
        self._in_flight: str | None = None

    def run_once(self) -> int:
        """Hand over what is waiting; return how many events Prefect acknowledged."""
        now = self.clock()
        if time.monotonic() - self._checked >= self.check_every:
            self._again |= self.ended_runs(now)
            self._checked = time.monotonic()
        with self.sessions() as session:
            events = unhanded(session, limit=self.batch, again=self._again)
        if not events:
            self._again.clear()
            return 0
        if self._in_flight is not None:
            # One run at a time for a worker: each costs a new process (seconds of CPU);
            # what comes meanwhile goes, together, in the next one.
            if not self.states.finished(self._in_flight):
                return 0
            self._in_flight = None
        name = headline(events)
        batch = Batch(
            uids=[e.uid for e in events],
            title=name,
            key=f"{self.instance}:{events[0].uid}:{events[-1].uid}:{len(events)}:"
            f"{events[0].handed_to or 'first'}",
        )
        run_id = self.hand_over.start(batch)
        # Prefect has the flow run: only now is the hand-over recorded.
        with self.sessions() as session, transaction(session):
            session.execute(
                update(DomainEvent)
                .where(DomainEvent.id.in_([e.id for e in events]))
                .values(handed_over_at=now, handed_to=run_id)
                .execution_options(synchronize_session=False)
            )
        self._again -= {e.handed_to for e in events if e.handed_to}
        self._emit_all(events)
        self.hand_over.finish(run_id, batch)
        if not self.hand_over.in_process:
            self._in_flight = run_id
        return len(events)

    def ended_runs(self, now: Any) -> set[str]:
        """Runs holding events that they will never process (see PrefectRunStates)."""
        with self.sessions() as session:
            # A moment's grace: a run just handed over has not started yet.
            runs = holding_runs(session, handed_before=now - timedelta(seconds=5))
        if not runs:
            return set()
        again = self.states.ended(
            runs,
            in_process=self.hand_over.in_process,
            now=now,
            retry_after=self.retry_after,
            run_timeout=self.run_timeout,
        )
        if again:
            log.warning("handing over again the events of %d ended run(s)", len(again))
        return again

    def _emit_all(self, events: Iterable[DomainEvent]) -> None:
        for event in events:
            try:
                self.emit(event, self.instance)
            except Exception:  # a Prefect event is a courtesy; the flow run is what counts
                log.warning("could not emit Prefect event for %s", event.uid, exc_info=True)

    def run_forever(self, stop: threading.Event, *, interval: float = 1.0) -> None:
        """Until `stop` is set: hand over at once what this process records, and what
        others record within `interval`; a Prefect outage only delays the hand-over."""
        delay = interval
        while not stop.is_set():
            events_recorded.clear()
            try:
                handed = self.run_once()
            except Exception as exc:
                log.warning("Prefect did not take the events (%s); retrying in %.0fs", exc, delay)
                stop.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = interval
            if handed < self.batch:  # caught up: wait for the next events
                _wait_either(stop, events_recorded, interval)


def _wait_either(stop: threading.Event, wake: threading.Event, timeout: float) -> None:
    """Until `wake` or `stop` is set, or `timeout` has passed."""
    deadline = time.monotonic() + timeout
    while not stop.is_set() and not wake.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        wake.wait(min(left, 0.2))
