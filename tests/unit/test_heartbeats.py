"""The relay's eye on a worker's runs (#34): a run that sent heartbeats and then none for
40 s died with its process; one that never sent any (heartbeats off, or just started) is
left to the run timeout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from hubflow.runtime.handover import (
    HEARTBEAT,
    HEARTBEAT_QUIET,
    PENDING_QUIET,
    _silent,
    never_started,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@dataclass
class Run:
    id: str
    start_time: datetime
    created: datetime


class Prefect:
    """What Prefect's event store answers: heartbeats by run, filtered as the API does."""

    def __init__(self, beats: dict[str, list[int]]) -> None:
        self.beats = beats  # run id -> seconds before NOW of each heartbeat

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


def run(name: str, started_ago: int) -> Run:
    at = NOW - timedelta(seconds=started_ago)
    return Run(name, at, at)


def test_only_a_run_whose_heartbeats_stopped_is_silent() -> None:
    prefect = Prefect(
        {
            "alive": [100, 70, 40, 10],
            "dead": [100, 70],  # its process died about 60 s ago
            "off": [],  # heartbeats not configured: not judged by them
        }
    )
    runs = [run("alive", 100), run("dead", 100), run("off", 100), run("young", 20)]
    silent = _silent(prefect, runs, now=NOW, quiet=HEARTBEAT_QUIET)
    assert [r.id for r in silent] == ["dead"]
    assert timedelta(seconds=40) == HEARTBEAT_QUIET  # above the 30 s heartbeat, with margin


def ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_a_run_left_pending_half_a_minute_was_never_started() -> None:
    assert never_started("PENDING", ago(31), now=NOW)
    assert never_started("PENDING", ago(30), now=NOW)
    assert not never_started("PENDING", ago(5), now=NOW)  # its process is starting
    assert not never_started("RUNNING", ago(300), now=NOW)  # judged by its heartbeats
    assert not never_started("SCHEDULED", ago(300), now=NOW)  # no worker took it yet
    assert not never_started("PENDING", None, now=NOW)
    assert timedelta(seconds=30) == PENDING_QUIET  # ~15 times a process's start here
