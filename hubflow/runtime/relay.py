"""Hand domain events to Prefect, durably: an event is marked handed over only once
Prefect has acknowledged the flow run that will process it (SPEC §3).

A web request writes its events to the database in its own transaction; it never talks
to Prefect. The relay finds events not yet handed over (woken at once when this process
committed some, else by polling), asks Prefect for a `process-events` flow run, and only
then marks them with that run. If Prefect is down, nothing is marked and the next pass
tries again. It then keeps an eye on the runs holding events: those of a run that crashed,
was cancelled or failed are handed over again, and a run "running" for too long, or left
behind by a process that died, is closed as crashed. Processing in this process, it also
sends the emails a dead dispatcher had claimed, as soon as their lease ends.

Two ways to hand over (hubflow.runtime.handover): to the instance's `process-events` deployment
(a worker or runner runs it, `ToDeployment`), or in this process (`InProcess`, what
`hubflow serve` and `hubflow relay` do: no new process per run, so an email leaves within
a second of the form). Each event is also emitted as a Prefect event for Automations.
Everything carries the instance's name.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from flows.names import headline
from hubflow.runtime.handover import Batch, HandOver, PrefectRunStates, ToDeployment
from models.audit import DomainEvent
from models.base import utcnow
from models.services.backlog import holding_runs, unhanded
from models.services.common import transaction
from plumbing.db import events_recorded
from plumbing.email.claims import left_behind
from plumbing.email.dispatch import dispatch

log = logging.getLogger(__name__)


def _emit(event: DomainEvent, instance: str) -> None:
    from prefect.events import emit_event

    emit_event(
        event=event.type,
        resource={
            "prefect.resource.id": f"hubflow.{instance}.hub.{event.hub_id}",
            "prefect.resource.name": f"hub-{event.hub_id}",
            "hubflow.instance": instance,
        },
        payload={"hubflow_event": event.uid, **ids_only(event.payload)},
        id=uuid.UUID(event.uid),
    )


# What of a domain event's payload goes to Prefect (whose database forget cannot reach):
# ids, stages and counts, never a person's words, name or address.
SHAREABLE = frozenset({"stage", "version", "days_overdue", "due_date", "what", "notify"})


def ids_only(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in payload.items()
        if (k in SHAREABLE or k.endswith("_id"))
        and isinstance(v, int | str | bool | None)
        and not (isinstance(v, str) and "@" in v)
    }


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
        lease: float = 30.0,
        send_due: Callable[[], object] | None = None,
        patience: float = 10.0,
    ) -> None:
        self.sessions, self.instance, self.batch = sessions, instance, batch
        self.hand_over = hand_over or ToDeployment(instance)
        self.states = states or PrefectRunStates()
        self.retry_after = timedelta(seconds=retry_after)
        self.run_timeout = timedelta(seconds=run_timeout)
        self.emit, self.clock = emit, clock
        # Emails a dead dispatcher claimed: sent again once their lease ends (in-process).
        self.lease = timedelta(seconds=lease)
        self.send_due = send_due or (lambda: dispatch(self.sessions))
        # How often the runs holding events are looked at (a cheap query, then Prefect).
        self.check_every = min(10.0, retry_after)
        self._checked = float("-inf")
        self._again: set[str] = set()
        self._in_flight: str | None = None
        self._in_flight_since: Any = None
        # How long new events wait for a worker's run in flight before going in another
        # run: one stuck (or killed) run never holds up what comes after it.
        self.patience = timedelta(seconds=patience)
        # In-process runs left by a process before this relay started are orphans.
        self._started = clock()
        self._orphans_closed = not self.hand_over.in_process

    def run_once(self) -> int:
        """Hand over what is waiting; return how many events Prefect acknowledged."""
        now = self.clock()
        if not self._orphans_closed:
            closed = self.states.close_orphans(self.instance, created_before=self._started)
            if closed:
                log.warning("closed %d run(s) left unfinished by a stopped process", closed)
            self._orphans_closed = True
        if time.monotonic() - self._checked >= self.check_every:
            self._again |= self.ended_runs(now)
            if self.hand_over.in_process:
                self.take_back_claims(now)
            self._checked = time.monotonic()
        with self.sessions() as session:
            events = unhanded(session, limit=self.batch, again=self._again)
        if not events:
            self._again.clear()
            return 0
        if self._in_flight is not None:
            # One run at a time for a worker: each costs a new process (seconds of CPU);
            # what comes meanwhile goes, together, in the next one, unless the run in
            # flight has taken longer than `patience` (stuck, or its process killed).
            if not self.states.finished(self._in_flight):
                if now - self._in_flight_since < self.patience:
                    return 0
                log.warning(
                    "flow run %s still unfinished after %s: handing the %d new event(s) "
                    "to another run",
                    self._in_flight,
                    self.patience,
                    len(events),
                    extra={"run_id": self._in_flight},
                )
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
        log.info(
            "handed %d event(s) to flow run %s: %s",
            len(events),
            run_id,
            name,
            extra={"run_id": run_id, "event_uids": batch.uids},
        )
        # An event handed over again was emitted the first time: Prefect would only turn the
        # same event away again (after a crash, hundreds of them, slowing its server).
        fresh = [e for e in events if e.handed_to is None]
        try:
            self.hand_over.finish(run_id, batch)
        finally:  # after the run: the emails do not wait for the courtesy events
            self._emit_all(fresh)
        if not self.hand_over.in_process:
            self._in_flight, self._in_flight_since = run_id, now
        return len(events)

    def take_back_claims(self, now: Any) -> int:
        """Emails claimed by a dispatcher that died (a killed relay, serve or `outbox
        dispatch`) go out once their lease ends, and so do emails queued that long ago that
        no dispatcher took, without waiting for the next dispatch."""
        stale = left_behind(self.sessions, lease=self.lease, now=now)
        if stale:
            log.warning(
                "%d email(s) left by a dispatcher that stopped (or none ran) %s ago or "
                "more: sending them",
                stale,
                self.lease,
            )
            self.send_due()
        return stale

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
            log.warning(
                "handing over again the events of %d ended run(s)",
                len(again),
                extra={"run_id": sorted(again)},
            )
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
                log.warning("%s; retrying in %.0fs", failure(exc), delay)
                stop.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = interval
            if handed < self.batch:  # caught up: wait for the next events
                _wait_either(stop, events_recorded, interval)


def failure(exc: BaseException) -> str:
    """What failed, named by where it failed: the database's errors are not Prefect's."""
    if isinstance(exc, DBAPIError):
        return f"the database did not answer ({type(exc).__name__}: {exc})"
    return f"Prefect did not take the events ({type(exc).__name__}: {exc})"


def _wait_either(stop: threading.Event, wake: threading.Event, timeout: float) -> None:
    """Until `wake` or `stop` is set, or `timeout` has passed."""
    deadline = time.monotonic() + timeout
    while not stop.is_set() and not wake.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        wake.wait(min(left, 0.2))
