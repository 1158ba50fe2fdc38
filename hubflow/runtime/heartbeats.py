"""Whether a worker's run is still alive (#34): a worker marks a flow-run process it saw
die Crashed itself, but when the worker dies with it nobody does. The relay judges such
runs by their heartbeats (prefect.yaml has the worker's `process-events` runs send one
every 30 s) and by how long one stays PENDING."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

# A worker's process-events run sends a heartbeat as it starts running, then every 30 s
# (prefect.yaml); one silent for this long died with its process (a killed worker takes its
# runs with it, and nobody else marks them).
HEARTBEAT_QUIET = timedelta(seconds=40)
HEARTBEAT = "prefect.flow-run.heartbeat"
FREQUENCY = "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"  # the setting that turns them on, in seconds
# A worker marks a run PENDING as it starts the run's process, whose first act (~2 s here)
# is to mark it RUNNING: a run still pending after this long was never started (its worker
# died or stalled), and its events go to another run.
PENDING_QUIET = timedelta(seconds=20)


def never_started(state: str, pending_since: Any, *, now: Any) -> bool:
    """A worker's run left PENDING for PENDING_QUIET or more."""
    return state == "PENDING" and pending_since is not None and now - pending_since >= PENDING_QUIET


def silent(client: Any, runs: list[Any], *, now: Any, quiet: timedelta) -> list[Any]:
    """Of these running runs, those silent for `quiet`: no heartbeat in that time though
    they sent some before, or though their deployment tells them to send one every 30 s (a
    run sends its first as it starts running; a worker killed a moment later can take that
    one with it, unsent). A run that never sent one and was not told to (heartbeats off) is
    left to the run timeout."""
    from prefect.events.filters import (
        EventFilter,
        EventNameFilter,
        EventOccurredFilter,
        EventResourceFilter,
    )

    def beating(among: list[Any], since: Any) -> set[str]:
        ids = {f"prefect.flow-run.{r.id}": str(r.id) for r in among}
        page = client.read_events(
            filter=EventFilter(
                occurred=EventOccurredFilter(since=since, until=now),
                event=EventNameFilter(name=[HEARTBEAT]),
                resource=EventResourceFilter(id=list(ids)),
            ),
            limit=50,  # the most one page of Prefect's events API holds
        )
        return {ids[e.resource.id] for e in page.events if e.resource.id in ids}

    old = [
        r
        for r in runs
        if (r.start_time or r.created) and now - (r.start_time or r.created) >= quiet
    ]
    if not old:
        return []
    alive = beating(old, now - quiet)
    quiet_ones = [r for r in old if str(r.id) not in alive]
    if not quiet_ones:
        return []
    earliest = min(r.start_time or r.created for r in quiet_ones)
    had_heartbeats = beating(quiet_ones, earliest)
    told: dict[Any, bool] = {}  # by deployment
    return [r for r in quiet_ones if str(r.id) in had_heartbeats or told_to_beat(client, r, told)]


def told_to_beat(client: Any, run: Any, told: dict[Any, bool]) -> bool:
    """Whether the run's process was started with heartbeats on: its deployment's job
    variables (prefect.yaml, for a worker's runs) or its own set the frequency. A deployment
    deleted since tells nothing: its runs are left to the run timeout."""
    from prefect.exceptions import ObjectNotFound

    deployment = run.deployment_id
    if deployment is not None:
        if deployment not in told:
            try:
                variables = client.read_deployment(deployment).job_variables or {}
            except ObjectNotFound:
                variables = {}
            told[deployment] = _frequency(variables.get("env") or {})
        if told[deployment]:
            return True
    env = (run.job_variables or {}).get("env") or {}
    return _frequency(env)


def _frequency(env: dict[str, Any]) -> bool:
    try:
        return int(env.get(FREQUENCY) or 0) > 0
    except (TypeError, ValueError):
        return False
