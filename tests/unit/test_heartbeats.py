"""The relay's eye on a worker's runs (#34): a run that sent heartbeats and then none for
40 s died with its process, and so did one told to send them that sent none (its worker was
killed as it started, its first heartbeat unsent); one that never sent any and was not told
to (heartbeats off), or just started, is left to the run timeout."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from prefect.exceptions import ObjectNotFound

from hubflow.runtime.handover import PrefectRunStates
from hubflow.runtime.heartbeats import (
    HEARTBEAT,
    HEARTBEAT_QUIET,
    PENDING_QUIET,
    never_started,
    silent,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@dataclass
class Run:
    id: str
    start_time: datetime
    created: datetime
    deployment_id: str | None = None
    job_variables: dict[str, Any] | None = None


class Prefect:
    """What Prefect's event store answers: heartbeats by run, filtered as the API does."""

    def __init__(self, beats: dict[str, list[int]], deployments: Any = None) -> None:
        self.beats = beats  # run id -> seconds before NOW of each heartbeat
        self.deployments = deployments or {}  # id -> its job variables
        self.deployments_read: list[str] = []

    def read_deployment(self, deployment_id: str) -> Any:
        self.deployments_read.append(deployment_id)
        if deployment_id not in self.deployments:
            raise ObjectNotFound(http_exc=Exception("404"))
        return SimpleNamespace(job_variables=self.deployments[deployment_id])

    def read_events(self, filter: Any, limit: int) -> Any:
        assert filter.event.name == [HEARTBEAT] and limit <= 50  # the API refuses more
        filter.model_dump(mode="json")  # as the client sends it
        wanted = set(filter.resource.id)
        events = [
            SimpleNamespace(resource=SimpleNamespace(id=f"prefect.flow-run.{run}"))
            for run, ago in ((r, a) for r, ages in self.beats.items() for a in ages)
            if f"prefect.flow-run.{run}" in wanted
            and filter.occurred.since <= NOW - timedelta(seconds=ago) <= filter.occurred.until
        ]
        return SimpleNamespace(events=events[:limit])


def run(name: str, started_ago: int, **more: Any) -> Run:
    at = NOW - timedelta(seconds=started_ago)
    return Run(name, at, at, **more)


def test_only_a_run_whose_heartbeats_stopped_is_silent() -> None:
    prefect = Prefect(
        {
            "alive": [100, 70, 40, 10],
            "dead": [100, 70],  # its process died about 60 s ago
            "off": [],  # heartbeats not configured: not judged by them
        }
    )
    runs = [run("alive", 100), run("dead", 100), run("off", 100), run("young", 20)]
    quiet = silent(prefect, runs, now=NOW, quiet=HEARTBEAT_QUIET)
    assert [r.id for r in quiet] == ["dead"]
    assert timedelta(seconds=40) == HEARTBEAT_QUIET  # above the 30 s heartbeat, with margin


BEATING = {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"}}  # as prefect.yaml says


def test_a_run_told_to_beat_that_never_did_is_silent() -> None:
    """A worker killed a moment after its run started took the run's first heartbeat with
    it: seen in CI, where such a run held its events for the 30 minutes of the run timeout."""
    prefect = Prefect(
        {"beating": [50, 20], "dead": [], "off": [], "own": [], "young": [], "gone": []},
        deployments={"worker": BEATING, "runner": {}, "other": {"env": {}}},
    )
    runs = [
        run("beating", 60, deployment_id="worker"),
        run("dead", 60, deployment_id="worker"),
        run("off", 60, deployment_id="runner"),
        run("own", 60, deployment_id="other", job_variables=BEATING),
        run("young", 30, deployment_id="worker"),  # its first heartbeat may be on its way
        run("gone", 60, deployment_id="deleted"),  # its deployment tells nothing now
    ]
    quiet = silent(prefect, runs, now=NOW, quiet=HEARTBEAT_QUIET)
    assert [r.id for r in quiet] == ["dead", "own"]
    assert sorted(prefect.deployments_read) == ["deleted", "other", "runner", "worker"]  # once each


def ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_a_run_left_pending_half_a_minute_was_never_started() -> None:
    assert never_started("PENDING", ago(21), now=NOW)
    assert never_started("PENDING", ago(20), now=NOW)
    assert not never_started("PENDING", ago(5), now=NOW)  # its process is starting
    assert not never_started("RUNNING", ago(300), now=NOW)  # judged by its heartbeats
    assert not never_started("SCHEDULED", ago(300), now=NOW)  # no worker took it yet
    assert not never_started("PENDING", None, now=NOW)
    assert timedelta(seconds=20) == PENDING_QUIET  # ~10 times a process's start here


class Runs:
    """Prefect's client as PrefectRunStates.ended uses it: runs by id, states set."""

    def __init__(self, runs: list[Any]) -> None:
        self.runs = runs
        self.closed: dict[str, str] = {}

    def __enter__(self) -> Runs:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def read_flow_runs(self, flow_run_filter: Any, limit: int) -> list[Any]:
        wanted = set(flow_run_filter.id.any_)
        return [r for r in self.runs if r.id in wanted][:limit]

    def set_flow_run_state(self, run_id: Any, state: Any, force: bool) -> None:
        self.closed[str(run_id)] = state.message

    def read_events(self, filter: Any, limit: int) -> Any:
        return SimpleNamespace(events=[])


def pending(seconds: int, *, tags: tuple[str, ...] = ()) -> Any:
    at = ago(seconds)
    return SimpleNamespace(
        id=uuid.uuid4(),
        tags=list(tags),
        created=at,
        start_time=None,
        end_time=None,
        state=SimpleNamespace(type=SimpleNamespace(value="PENDING"), timestamp=at),
    )


def test_the_relay_hands_over_again_the_events_of_a_run_no_worker_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stuck, starting = pending(25), pending(5)
    prefect = Runs([stuck, starting])
    monkeypatch.setattr("prefect.get_client", lambda sync_client: prefect)
    again = PrefectRunStates().ended(
        [str(stuck.id), str(starting.id)],
        in_process=False,
        now=NOW,
        retry_after=timedelta(seconds=60),
        run_timeout=timedelta(minutes=30),
    )
    assert again == {str(stuck.id)}
    assert prefect.closed == {
        str(stuck.id): "closed by the hubflow relay: pending for 20 s: its worker never started it"
    }
