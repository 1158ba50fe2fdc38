"""Handing a batch of events to Prefect, two ways (see hubflow.runtime.relay): to the instance's
`process-events` deployment for a worker, or as a flow run executed in this process; and
what became of the runs, read back from Prefect."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from hubflow.runtime import heartbeats
from hubflow.runtime.heartbeats import HEARTBEAT_QUIET, PENDING_QUIET, never_started

FLOW = "process-events"


log = logging.getLogger(__name__)


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
_STOPPED = "the process running it stopped"


def instance_tags(instance: str) -> list[str]:
    return ["hubflow", f"instance:{instance}"]


class PrefectRunStates:
    """Asks Prefect what became of the runs, and closes the ones nothing will finish."""

    def close_orphans(self, instance: str, *, created_before: Any) -> int:
        """Close the instance's in-process runs that a process which has since died left
        pending or running, including one it created but never got to record; how many."""
        from prefect import get_client
        from prefect.client.schemas.filters import (
            FlowRunFilter,
            FlowRunFilterState,
            FlowRunFilterStateType,
            FlowRunFilterTags,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.states import Crashed

        unfinished = FlowRunFilter(
            tags=FlowRunFilterTags(all_=[*instance_tags(instance), IN_PROCESS]),
            state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.PENDING, StateType.RUNNING])
            ),
        )
        closed = 0
        with get_client(sync_client=True) as client:
            for run in client.read_flow_runs(flow_run_filter=unfinished, limit=200):
                if run.created is not None and run.created < created_before:
                    client.set_flow_run_state(
                        run.id,
                        Crashed(message=f"closed by the hubflow relay: {_STOPPED}"),
                        force=True,
                    )
                    closed += 1
        return closed

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
            again: set[str] = set()
            running = []
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
                    stalled = not in_process and never_started(state, run.state.timestamp, now=now)
                    if state == "RUNNING" and not orphan and not overdue:
                        running.append(run)
                    if orphan or overdue or stalled:
                        if orphan:
                            why = _STOPPED
                        elif overdue:
                            minutes = run_timeout.total_seconds() / 60
                            why = f"still {state.lower()} after {minutes:.0f} minutes"
                        else:
                            seconds = PENDING_QUIET.total_seconds()
                            why = f"pending for {seconds:.0f} s: its worker never started it"
                        client.set_flow_run_state(
                            run.id,
                            Crashed(message=f"closed by the hubflow relay: {why}"),
                            force=True,
                        )
                        again.add(run_id)
            try:
                silent = heartbeats.silent(client, running, now=now, quiet=HEARTBEAT_QUIET)
            except Exception:  # a look at heartbeats never holds up the hand-over
                log.warning("could not read the runs' heartbeats", exc_info=True)
                silent = []
            for run in silent:
                client.set_flow_run_state(
                    run.id,
                    Crashed(
                        message="closed by the hubflow relay: no heartbeat for "
                        f"{HEARTBEAT_QUIET.total_seconds():.0f} s, its process died"
                    ),
                    force=True,
                )
                again.add(str(run.id))
        return again
