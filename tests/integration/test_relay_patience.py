"""A worker's run that never finishes (stuck, or its process killed) holds up nothing that
comes after it (#34): new events wait for it at most the relay's patience, then go in a
run of their own, said in the log."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hubflow.runtime.handover import Batch
from hubflow.runtime.relay import Relay
from models.audit import DomainEvent
from models.base import utcnow
from models.services import hubs
from tests import factories


class ToWorker:
    """A worker's hand-over: runs start, and (here) never finish."""

    in_process = False

    def __init__(self) -> None:
        self.runs: list[list[str]] = []

    def start(self, batch: Batch) -> str:
        self.runs.append(batch.uids)
        return f"run-{len(self.runs)}"

    def finish(self, run_id: str, batch: Batch) -> None:
        pass


class NeverFinished:
    def finished(self, run_id: str) -> bool:
        return False

    def ended(self, run_ids: list[str], **_: Any) -> set[str]:
        return set()


def test_new_events_wait_for_a_run_in_flight_at_most_the_patience(
    session: Session, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    clock = [utcnow()]
    worker = ToWorker()
    relay = Relay(
        sessions,
        instance="test",
        hand_over=worker,
        states=NeverFinished(),  # type: ignore[arg-type]
        emit=lambda event, instance: None,
        clock=lambda: clock[0],
        patience=10,
    )
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form(group_name="First"))
    assert relay.run_once() == 2  # in run-1, which hangs
    hubs.submit_interest(session, factories.interest_form(group_name="Second"))
    clock[0] += timedelta(seconds=5)
    assert relay.run_once() == 0  # waits for run-1, a while
    clock[0] += timedelta(seconds=6)
    with caplog.at_level(logging.WARNING, logger="hubflow.runtime.relay"):
        assert relay.run_once() == 2  # no longer: a run of their own
    assert "flow run run-1 still unfinished after 0:00:10" in caplog.text
    handed = dict(session.execute(select(DomainEvent.id, DomainEvent.handed_to)).all())
    session.commit()
    assert sorted(handed.values()) == ["run-1", "run-1", "run-2", "run-2"]
    assert [len(r) for r in worker.runs] == [2, 2]
