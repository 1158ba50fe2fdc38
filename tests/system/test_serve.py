"""`hubflow serve` as a person runs it: everything up, emails flowing, links pointing at its
port; Ctrl-C with work in flight, SIGTERM and SIGKILL each leave nothing running."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.announcement import Announcement, AnnouncementState
from models.audit import DomainEvent
from models.email import Email
from models.services.hubs import submit_interest
from tests import factories
from tests.integration.test_cli import ADD
from tests.system.helpers import (
    alive,
    cli,
    descendants,
    free_port,
    hubflow_env,
    reap,
    reaping_orphans,
    start_serve,
    stop,
    wait_for,
    wait_until_up,
)


def _count(sessions: sessionmaker[Session], *where: object) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(DomainEvent.id)).where(*where)) or 0  # type: ignore[arg-type]


def test_serve_takes_a_phoned_in_hub_through_its_first_emails_and_stops_cleanly(
    clean_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    web, prefect = free_port(), free_port()
    env = hubflow_env(database_url, tmp_path)
    cli(env, "staff", "add", "--name", "Ann Lee", "--email", "ann@masscare.org", cwd=tmp_path)
    serve = start_serve(env, tmp_path, "--port", str(web), "--prefect-port", str(prefect))
    sessions = sessionmaker(clean_engine, expire_on_commit=False)
    try:
        wait_until_up(serve, f"http://127.0.0.1:{web}/healthz")
        outbox = tmp_path / "outbox"
        cli(env, *ADD, cwd=tmp_path)  # a Hub phoned in, as `hubflow hubs add` records it
        took = wait_for(lambda: any(outbox.glob("*-interest_received.eml")), timeout=30)
        print(f"interest-received email in the outbox {took:.1f}s after `hubs add`")
        email = next(outbox.glob("*-interest_received.eml")).read_text()
        assert f"http://127.0.0.1:{web}/hub/" in email  # links follow --port
        cli(env, "reviews", "approve", "1", "--staff", "ann@masscare.org", cwd=tmp_path)
        wait_for(lambda: any(outbox.glob("*-stage_approved.eml")), timeout=30)
        assert "first action" in next(outbox.glob("*-stage_approved.eml")).read_text()
        assert (tmp_path / "logs" / "prefect-server.log").stat().st_size > 0

        # An announcement sent now: the reaction has Prefect schedule announce/<instance>,
        # which serve's runner runs (#30).
        body = tmp_path / "training.md"
        body.write_text("Hi {{ first_name }}: training on **Tuesday**.", encoding="utf-8")
        cli(env, "announce", "new", "--subject", "Training", "--body-file", str(body),
            "--stage", "first_action", "--staff", "ann@masscare.org", cwd=tmp_path)  # fmt: skip
        cli(env, "announce", "send", "1", "--staff", "ann@masscare.org", cwd=tmp_path)
        took = wait_for(lambda: any(outbox.glob("*-announcement.eml")), timeout=90)
        print(f"announcement email in the outbox {took:.1f}s after `announce send`")
        assert "Subject: Training" in next(outbox.glob("*-announcement.eml")).read_text()
        with sessions() as session:
            [(state, run_id)] = session.execute(
                select(Announcement.state, Announcement.flow_run_id)
            ).all()
        assert state is AnnouncementState.SENT and run_id

        # Ctrl-C while a batch is being processed: it finishes or is picked up later.
        with sessions() as session:
            for _ in range(120):
                submit_interest(session, factories.interest_form())
        wait_for(lambda: _count(sessions, DomainEvent.processed_at.is_not(None)) > 6, 60)
        children = descendants(serve.pid)
        assert len(children) >= 2  # the Prefect server and the deployments
    finally:
        started = time.monotonic()
        output = stop(serve)
        stopped = time.monotonic() - started
    assert serve.returncode == 0, output
    assert "Traceback" not in output and "Crash detected" not in output, output
    assert stopped < 15, f"took {stopped:.1f}s to stop"
    assert "hubflow stopped" in output
    assert [pid for pid in children if alive(pid)] == []

    cli(env, "process", cwd=tmp_path)  # what was left waiting, handled once
    assert _count(sessions, DomainEvent.processed_at.is_(None)) == 0
    with sessions() as session:
        sent = session.scalars(select(Email.to_email).where(Email.kind == "interest_received"))
        to = list(sent)
    assert len(to) == len(set(to)) == 121


@pytest.mark.parametrize(("how", "limit"), [(signal.SIGTERM, 15), (signal.SIGKILL, 5)])
def test_sigterm_stops_every_child_and_sigkill_leaves_none_behind(
    clean_engine: Engine, database_url: str, tmp_path: Path, how: signal.Signals, limit: float
) -> None:
    env = hubflow_env(database_url, tmp_path)
    web = free_port()
    serve = start_serve(env, tmp_path, "--port", str(web), "--prefect-port", str(free_port()))
    with reaping_orphans():
        try:
            wait_until_up(serve, f"http://127.0.0.1:{web}/healthz")
            wait_for(lambda: len(descendants(serve.pid)) >= 2, 30)
            children = descendants(serve.pid)
            started = time.monotonic()
            os.kill(serve.pid, how)
            serve.wait(timeout=limit)
            wait_for(lambda: reap() or not [p for p in children if alive(p)], limit)
            took = time.monotonic() - started
        finally:
            output = stop(serve)
    print(f"{how.name}: every child gone {took:.1f}s after")
    if how == signal.SIGTERM:
        assert serve.returncode == 0, output
        assert "hubflow stopped" in output and "Traceback" not in output, output
