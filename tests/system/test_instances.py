"""Instances on a shared Prefect server: a taken port refused, two databases side by side
without touching each other, and a process killed mid-batch losing nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.join import csrf_pair, post_join
from models.audit import DomainEvent
from models.email import Email
from models.review import ReviewTask
from models.services.hubs import submit_interest
from plumbing.db import make_engine
from plumbing.settings import instance_for
from tests import factories
from tests.system.helpers import (
    cli,
    free_port,
    hubflow_env,
    start_serve,
    stop,
    wait_for,
    wait_until_up,
)

# The killed-mid-batch test: enough forms for a batch that takes seconds; a first batch may
# wait on a loaded 2-core CI machine's shared Prefect server (SQLite), and after the kill
# every event must be processed within the 90 s the issue asks for.
FORMS, LIMIT, AFTER_KILL = 80, 150, 90


def _scalar(sessions: sessionmaker[Session], query: object) -> int:
    with sessions() as session:
        return session.scalar(query) or 0  # type: ignore[call-overload]


def test_serve_refuses_a_taken_port_and_hands_nothing_over(
    clean_engine: Engine, database_url: str, tmp_path: Path, prefect_server: tuple[int, str]
) -> None:
    port, _ = prefect_server  # another Prefect server already answers there
    env = hubflow_env(database_url, tmp_path)
    sessions = sessionmaker(clean_engine, expire_on_commit=False)
    with sessions() as session:
        submit_interest(session, factories.interest_form())
    serve = start_serve(env, tmp_path, "--port", str(free_port()), "--prefect-port", str(port))
    serve.wait(timeout=60)
    output = stop(serve)
    assert serve.returncode == 1, output
    assert f"port {port} on 127.0.0.1 is already in use (the Prefect server's --prefect-port)" in (
        output
    )
    assert "hubflow is up" not in output
    handed = select(func.count(DomainEvent.id)).where(DomainEvent.handed_over_at.is_not(None))
    assert _scalar(sessions, handed) == 0

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        web = taken.getsockname()[1]
        done = cli(env, "serve", "--port", str(web), cwd=tmp_path, ok=False)
    assert done.returncode == 1
    assert f"port {web} on 127.0.0.1 is already in use (the web app's --port)" in done.stderr


def test_two_instances_share_a_prefect_server_each_with_its_own_hubs(
    clean_engine: Engine, database_url: str, tmp_path: Path, prefect_server: tuple[int, str]
) -> None:
    _, api = prefect_server
    other_url = f"sqlite:///{tmp_path / 'beta' / 'beta.db'}"
    (tmp_path / "beta").mkdir()
    folders = {"alpha": tmp_path / "alpha", "beta": tmp_path / "beta"}
    folders["alpha"].mkdir()
    urls = {"alpha": database_url, "beta": other_url}
    assert instance_for(urls["alpha"]) != instance_for(urls["beta"])
    serves, ports = {}, {}
    engines = {name: make_engine(url) for name, url in urls.items()}
    try:
        for name, folder in folders.items():
            env = hubflow_env(urls[name], folder)
            if name == "beta":  # a new database: its schema and the legislature
                cli(env, "init", cwd=folder)
            cli(
                env,
                "staff",
                "add",
                "--name",
                f"{name} lead",
                "--email",
                f"{name}@masscare.org",
                cwd=folder,
            )
            ports[name] = free_port()
            serves[name] = start_serve(
                env, folder, "--port", str(ports[name]), "--prefect-api-url", api
            )
        for name in folders:
            wait_until_up(serves[name], f"http://127.0.0.1:{ports[name]}/healthz")
        pairs = {name: csrf_pair(f"http://127.0.0.1:{ports[name]}") for name in folders}
        for i in range(20):
            for name in folders:
                status, page = post_join(
                    f"http://127.0.0.1:{ports[name]}", pairs[name], f"{name} hub {i}"
                )
                assert status == 303, page
        for folder in folders.values():
            try:
                wait_for(
                    lambda f=folder: (
                        len(list((f / "outbox").glob("*-interest_received.eml"))) >= 20
                    ),
                    120,  # seconds in a few; the limit is for a loaded 2-core CI machine
                )
            except AssertionError:  # say how far each instance got, and what it said
                raise AssertionError(_progress(engines, folders, serves)) from None
        time.sleep(2)  # anything sent twice or to the wrong place would show by now
        for name, engine in engines.items():
            sessions = sessionmaker(engine, expire_on_commit=False)
            received = select(Email.to_email).where(Email.kind == "interest_received")
            with sessions() as session:
                to = sorted(session.scalars(received))
                tasks = session.scalar(select(func.count(ReviewTask.id)))
            assert to == sorted(f"{name}hub{i}@example.org" for i in range(20))
            assert tasks == 20
            files = list((folders[name] / "outbox").glob("*-interest_received.eml"))
            assert len(files) == 20
            assert all(f"{name}hub" in f.read_text() for f in files)
    finally:
        outputs = {name: stop(process) for name, process in serves.items()}
        for engine in engines.values():
            engine.dispose()
    for name, process in serves.items():
        assert process.returncode == 0, outputs[name]


def _progress(
    engines: dict[str, Engine], folders: dict[str, Path], serves: dict[str, subprocess.Popen[str]]
) -> str:
    lines = []
    for name, engine in engines.items():
        sessions = sessionmaker(engine, expire_on_commit=False)
        events = select(func.count(DomainEvent.id))
        handed = _scalar(sessions, events.where(DomainEvent.handed_over_at.is_not(None)))
        done = _scalar(sessions, events.where(DomainEvent.processed_at.is_not(None)))
        sent = len(list((folders[name] / "outbox").glob("*-interest_received.eml")))
        lines.append(
            f"{name}: {_scalar(sessions, events)} events, {handed} handed over, {done} processed,"
            f" {sent} emails in the outbox; serve said:\n{stop(serves[name])}"
        )
    return "\n".join(lines)


def test_killed_mid_batch_every_event_is_processed_once_after_a_restart(
    clean_engine: Engine, database_url: str, tmp_path: Path, prefect_server: tuple[int, str]
) -> None:
    _, api = prefect_server
    env = hubflow_env(database_url, tmp_path)
    sessions = sessionmaker(clean_engine, expire_on_commit=False)
    with sessions() as session:
        factories.staff(session)
        for _ in range(FORMS):
            submit_interest(session, factories.interest_form())
    total = _scalar(sessions, select(func.count(DomainEvent.id)))
    done = select(func.count(DomainEvent.id)).where(DomainEvent.processed_at.is_not(None))
    web = free_port()
    serve = start_serve(env, tmp_path, "--port", str(web), "--prefect-api-url", api)
    try:
        try:
            wait_for(lambda: _scalar(sessions, done) > 0, LIMIT)
        except AssertionError:  # say what serve was doing
            raise AssertionError(
                f"nothing processed in {LIMIT} s; serve said:\n" + stop(serve)
            ) from None
        os.kill(serve.pid, signal.SIGKILL)  # the process running process-events, mid-batch
        killed = time.monotonic()
        serve.wait(timeout=10)
    finally:
        stop(serve)
    midway = _scalar(sessions, done)
    if midway == total:
        pytest.fail("the batch finished before the kill: nothing was tested")
    restart = start_serve(env, tmp_path, "--port", str(free_port()), "--prefect-api-url", api)
    try:
        try:
            wait_for(
                lambda: _scalar(sessions, done) == total, AFTER_KILL - (time.monotonic() - killed)
            )
        except AssertionError:  # say what the restarted serve was doing
            raise AssertionError(
                f"{_scalar(sessions, done)}/{total} processed {AFTER_KILL} s after the kill; "
                "serve said:\n" + stop(restart)
            ) from None
        print(f"{midway}/{total} processed at the kill; all {time.monotonic() - killed:.1f}s after")
    finally:
        output = stop(restart)
    assert restart.returncode == 0, output
    with sessions() as session:
        to = list(session.scalars(select(Email.to_email).where(Email.kind == "interest_received")))
        tasks = session.scalar(select(func.count(ReviewTask.id)))
    assert len(to) == len(set(to)) == FORMS
    assert tasks == FORMS
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        instance = instance_for(database_url)
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"instance:{instance}"])),
            limit=200,
        )
    states = [r.state.type.value for r in runs if r.state]
    assert "RUNNING" not in states and "PENDING" not in states, states
    assert "CRASHED" in states  # the killed run, closed by the relay after the restart
