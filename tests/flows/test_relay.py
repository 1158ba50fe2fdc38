"""The relay against a real Prefect server: in-process hand-over, runs that crash or fail
handed over again, orphans closed, another instance's events refused, readable run names."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter
from prefect.client.schemas.sorting import FlowRunSort
from prefect.states import Crashed, Running
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flows.daily_report import daily_report
from flows.dispatch_outbox import dispatch_outbox
from flows.process_events import WrongInstance, process_events
from flows.publish_directory import publish_directory
from flows.sweep import sweep
from hubflow.runtime.handover import Batch, InProcess
from hubflow.runtime.relay import Relay
from models.audit import DomainEvent
from models.base import utcnow
from models.email import Email
from models.services import hubs
from plumbing.settings import get_settings
from tests import factories
from tests.flows.test_handover import count


def _run(run_id: str) -> object:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(uuid.UUID(run_id))


def _handed_to(session: Session) -> set[str | None]:
    rows = set(session.scalars(select(DomainEvent.handed_to)))
    session.commit()
    return rows


def test_in_process_relay_processes_what_it_hands_over_in_one_named_run(
    sessions: sessionmaker[Session], session: Session
) -> None:
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form())
    instance = get_settings().instance_name
    relay = Relay(sessions, instance=instance, hand_over=InProcess(instance))
    assert relay.run_once() == 2
    assert count(session, DomainEvent, DomainEvent.processed_at.is_(None)) == 0
    assert count(session, Email, Email.kind == "interest_received") == 1
    [run_id] = _handed_to(session)
    run = _run(str(run_id))
    assert run.name == "hub-1 interest received"  # type: ignore[attr-defined]
    assert run.state.is_completed()  # type: ignore[attr-defined]
    assert f"instance:{instance}" in run.tags  # type: ignore[attr-defined]
    assert relay.run_once() == 0


def test_events_of_a_crashed_run_are_handed_over_again_and_an_orphan_is_closed(
    sessions: sessionmaker[Session], session: Session
) -> None:
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form())
    instance = get_settings().instance_name
    clock = [utcnow()]

    class Dies(InProcess):
        def finish(self, run_id: str, batch: object) -> None:  # type: ignore[override]
            with get_client(sync_client=True) as client:  # as far as the process got
                client.set_flow_run_state(uuid.UUID(run_id), Running(), force=True)

    emitted: list[str] = []
    first = Relay(
        sessions,
        instance=instance,
        hand_over=Dies(instance),
        clock=lambda: clock[0],
        emit=lambda event, _: emitted.append(event.uid),
    )
    assert first.run_once() == 2
    [dead] = _handed_to(session)
    assert count(session, DomainEvent, DomainEvent.processed_at.is_(None)) == 2

    # The process died; a new one starts: its relay closes the orphan and hands over again.
    clock[0] += timedelta(seconds=6)
    again = Relay(
        sessions,
        instance=instance,
        hand_over=InProcess(instance),
        clock=lambda: clock[0],
        emit=lambda event, _: emitted.append(event.uid),
    )
    assert len(emitted) == 2
    assert again.run_once() == 2
    assert len(emitted) == 2  # handed over again, not emitted again
    assert _run(str(dead)).state.type.value == "CRASHED"  # type: ignore[attr-defined]
    assert "closed by the hubflow relay" in _run(str(dead)).state.message  # type: ignore[attr-defined]
    assert count(session, DomainEvent, DomainEvent.processed_at.is_(None)) == 0
    assert count(session, Email, Email.kind == "interest_received") == 1
    [now_with] = _handed_to(session)
    assert now_with != dead


def test_a_run_created_by_a_process_that_died_before_recording_it_is_closed(
    sessions: sessionmaker[Session], session: Session
) -> None:
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form())
    instance = get_settings().instance_name
    with sessions() as s:
        uids = [e.uid for e in s.scalars(select(DomainEvent))]
    # Killed between Prefect's answer and the database write: the run holds no event.
    left = InProcess(instance).start(Batch(uids=uids, title="hub-1 interest received", key="k"))
    assert _handed_to(session) == {None}

    relay = Relay(sessions, instance=instance, hand_over=InProcess(instance))
    assert relay.run_once() == 2
    closed = _run(left)
    assert closed.state.type.value == "CRASHED"  # type: ignore[attr-defined]
    assert "the process running it stopped" in closed.state.message  # type: ignore[attr-defined]
    [ran] = _handed_to(session)
    assert ran != left and _run(str(ran)).state.is_completed()  # type: ignore[attr-defined]
    assert count(session, Email, Email.kind == "interest_received") == 1


def test_a_run_crashed_by_its_worker_is_handed_over_within_the_check(
    sessions: sessionmaker[Session], session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBFLOW_INSTANCE", "crash-test")  # its own deployment
    get_settings.cache_clear()
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form())
    instance = get_settings().instance_name
    process_events.to_deployment(name=instance).apply()
    clock = [utcnow()]
    relay = Relay(sessions, instance=instance, clock=lambda: clock[0], retry_after=60)
    assert relay.run_once() == 2  # to the deployment: nobody runs it in this test
    [run_id] = _handed_to(session)
    assert relay.run_once() == 0
    with get_client(sync_client=True) as client:  # what a worker reports when its process dies
        client.set_flow_run_state(uuid.UUID(str(run_id)), Crashed(), force=True)
    clock[0] += timedelta(seconds=11)
    relay._checked = float("-inf")  # the next check is due (every 10 s)
    assert relay.run_once() == 2
    assert _handed_to(session) != {run_id}


def test_a_run_refuses_another_instances_events_and_processes_nothing(
    session: Session,
) -> None:
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form())
    with pytest.raises(WrongInstance, match="belong to hubflow instance 'someone-else'"):
        process_events(instance="someone-else")
    assert count(session, DomainEvent, DomainEvent.processed_at.is_(None)) == 2
    assert count(session, Email) == 0


def test_every_flow_run_has_a_readable_name(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBFLOW_PUBLIC_DIR", str(tmp_path / "public"))
    get_settings.cache_clear()
    factories.staff(session)
    hubs.submit_interest(session, factories.interest_form())
    started = utcnow()
    process_events()
    hubs.submit_interest(session, factories.interest_form(email="cy@example.org"))
    process_events(title="hub-2 interest received")
    sweep()
    dispatch_outbox()
    daily_report()
    publish_directory()
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(),
            sort=FlowRunSort.START_TIME_DESC,
            limit=20,
        )
    names = [r.name for r in runs if r.start_time and r.start_time >= started]
    assert len(names) == 6, names
    today = get_settings().policy.today(utcnow()).isoformat()
    assert names[-1] == "events waiting"
    assert names[-2] == "hub-2 interest received"
    assert names[-3].startswith(f"sweep {today} ")
    assert names[-4] == "dispatch 0 emails"
    assert names[-5] == f"daily report {today}"
    assert names[-6].startswith(f"publish directory {today} ")
    assert not [n for n in names if "None" in n]


def test_the_relay_wakes_as_soon_as_this_process_records_events(
    sessions: sessionmaker[Session], session: Session
) -> None:
    from plumbing.db import events_recorded

    factories.staff(session)
    events_recorded.clear()
    with sessions() as request:
        hubs.submit_interest(request, factories.interest_form())
    assert events_recorded.is_set()
    events_recorded.clear()
    with sessions() as request:
        factories.staff(request, name="Bea", email="bea@masscare.org")
    assert not events_recorded.is_set()  # no event: nothing to wake for


def test_the_relay_names_the_database_not_prefect_when_the_database_fails() -> None:
    import httpx
    from sqlalchemy.exc import OperationalError

    from hubflow.runtime.relay import failure

    refused = OperationalError("SELECT 1", {}, Exception("connection refused"))
    assert failure(refused).startswith("the database did not answer (OperationalError")
    assert "Prefect" not in failure(refused)
    down = httpx.ConnectError("All connection attempts failed")
    assert failure(down).startswith("Prefect did not take the events (ConnectError")
