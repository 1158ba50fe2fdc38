"""The worker topology as the README tells an operator to run it: `prefect deploy --all`,
a work pool and a worker, `hubflow relay --to-worker` and `hubflow web` (SPEC §6); its
flow-run process killed mid-batch loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from prefect import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.join import csrf_pair, post_join
from hubflow.runtime import heartbeats
from hubflow.runtime.supervise import healthy
from models.audit import DomainEvent
from models.email import Email
from models.services.hubs import submit_interest
from tests import factories
from tests.system.helpers import (
    HUBFLOW,
    PREFECT,
    ROOT,
    cli,
    descendants,
    free_port,
    hubflow_env,
    stop,
    wait_for,
)

FLOWS = (
    "process-events",
    "dispatch-outbox",
    "publish-directory",
    "daily-report",
    "sweep",
    "announce",
)


def _deployments(api: str, instance: str) -> dict[str, Any]:
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        found = {}
        for flow in FLOWS:
            d = client.read_deployment_by_name(f"{flow}/{instance}")
            found[flow] = (d.id, d.entrypoint, d.pull_steps, d.work_pool_name, d.updated)
        return found


def _told_to_beat(api: str, deployment_id: uuid.UUID) -> bool:
    """What the relay reads of a deployment to judge its silent runs (heartbeats.silent)."""
    run = SimpleNamespace(deployment_id=deployment_id, job_variables=None)
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        return heartbeats.told_to_beat(client, run, {})


def _completed_dispatches(api: str, deployment_id: uuid.UUID) -> list[str]:
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.COMPLETED]))
            ),
            limit=20,
        )
    return [r.name for r in runs]


def _run_states(api: str, deployment_id: uuid.UUID) -> list[str]:
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            limit=50,
        )
    return [r.state.type.value for r in runs if r.state]


def _runs_told(api: str, deployment_id: uuid.UUID) -> str:
    """Each run of the deployment: its name, state and the state's message."""
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            limit=50,
        )
    return "; ".join(
        f"{r.name} {r.state.type.value} ({r.state.message or ''})" for r in runs if r.state
    )


def _failed(parts: dict[str, subprocess.Popen[str]], what: str, runs: str) -> AssertionError:
    """Stop every part; what failed, what each part said, and what failed again at the end
    (a CI log keeps the head and the tail of a long failure)."""
    said = {name: stop(process) for name, process in reversed(parts.items())}
    told = "\n".join(f"--- {name} said:\n{out[-3000:]}" for name, out in said.items())
    return AssertionError(f"{what}; runs: {runs}\n{told}\n=== {what}")


def _scalar(sessions: sessionmaker[Session], query: Any) -> int:
    with sessions() as session:
        return int(session.scalar(query) or 0)


def test_the_worker_topology_runs_hubflow_end_to_end(
    clean_engine: Engine, database_url: str, tmp_path: Path, prefect_server: tuple[int, str]
) -> None:
    _, api = prefect_server
    instance = f"worker-{uuid.uuid4().hex[:6]}"
    web = free_port()
    base = f"http://127.0.0.1:{web}"
    env = hubflow_env(
        database_url,
        tmp_path,
        PREFECT_API_URL=api,
        HUBFLOW_INSTANCE=instance,
        PREFECT_HOME=str(tmp_path / ".prefect"),
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_WORKER_PREFETCH_SECONDS="5",
        HUBFLOW_BASE_URL=base,  # the worker renders the emails: it is told where the web is
    )

    def prefect(*args: str) -> str:
        done = subprocess.run(
            [PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    cli(env, "staff", "add", "--name", "Ann Lee", "--email", "ann@masscare.org", cwd=tmp_path)
    prefect("work-pool", "create", "hubflow", "--type", "process", "--overwrite")
    out = prefect("--no-prompt", "deploy", "--all").replace("\n", " ")
    for flow in FLOWS:
        assert f"Deployment '{flow}/{instance}' successfully created" in out
    before = _deployments(api, instance)
    # A run of process-events that never sent a heartbeat is dead once 40 s old; one of a
    # deployment whose runs send none (dispatch-outbox) is not judged by them.
    assert _told_to_beat(api, before["process-events"][0])
    assert not _told_to_beat(api, before["dispatch-outbox"][0])
    parts: dict[str, subprocess.Popen[str]] = {}
    try:
        for name, argv, cwd in (
            (
                "worker",
                [PREFECT, "worker", "start", "--pool", "hubflow", "--work-queue", instance],
                ROOT,
            ),
            ("relay", [*HUBFLOW, "relay", "--to-worker"], tmp_path),
            ("web", [*HUBFLOW, "web", "--port", str(web)], tmp_path),
        ):
            parts[name] = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        wait_for(lambda: healthy(f"{base}/healthz"), 60)
        posted = time.monotonic()
        status, page = post_join(base, csrf_pair(base), "Worker Hub")
        assert status == 303, page
        outbox = tmp_path / "outbox"
        try:
            took = wait_for(lambda: any(outbox.glob("*-interest_received.eml")), 90)
        except AssertionError:
            what = "no email in the outbox 90 s after the form"
            raise _failed(parts, what, _runs_told(api, before["process-events"][0])) from None
        print(f"worker topology: email in the outbox {took:.1f}s after the form")
        assert f"{base}/hub/" in next(outbox.glob("*-interest_received.eml")).read_text()

        # `serve` against the same instance refuses to touch these deployments.
        refused = cli(env, "serve", "--port", str(free_port()), cwd=tmp_path, ok=False)
        assert refused.returncode == 1
        assert "did not create" in refused.stderr and f"dispatch-outbox/{instance}" in (
            refused.stderr
        )
        assert _deployments(api, instance) == before  # relay, web and serve changed nothing

        # Kill -9 of the worker's flow-run process mid-batch: nothing lost, nothing twice.
        sessions = sessionmaker(clean_engine, expire_on_commit=False)
        with sessions() as session:
            for i in range(150):
                submit_interest(session, factories.interest_form(email=f"kill{i}@example.org"))
        total = _scalar(sessions, select(func.count(DomainEvent.id)))
        processed = select(func.count(DomainEvent.id)).where(DomainEvent.processed_at.is_not(None))
        start = _scalar(sessions, processed)
        wait_for(lambda: _scalar(sessions, processed) > start, 90)
        for pid in descendants(parts["worker"].pid):  # the flow-run process(es)
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        midway = _scalar(sessions, processed)
        assert midway < total, "the batch finished before the kill: nothing was tested"
        # Forms that come after the kill are not held up by the killed run.
        with sessions() as session:
            for i in range(20):
                submit_interest(session, factories.interest_form(email=f"after{i}@example.org"))
        total = _scalar(sessions, select(func.count(DomainEvent.id)))
        # Measured 14-16 s; the bound is the 60 s asked for. A run that takes the events over
        # and is left PENDING (its worker never starts it; seen once) is itself taken over
        # after 20 s (hubflow/runtime/handover.py: PENDING_QUIET).
        try:
            wait_for(lambda: _scalar(sessions, processed) == total, 60)
        except AssertionError:  # say what each part was doing
            done = _scalar(sessions, processed)
            what = f"{done}/{total} processed 60 s after the kill ({midway} at it)"
            raise _failed(parts, what, _runs_told(api, before["process-events"][0])) from None
        print(f"{midway}/{total} processed at the kill; all {time.monotonic() - killed:.1f}s after")
        with sessions() as session:
            queued = select(Email.to_email).where(Email.to_email.like("kill%"))
            to = list(session.scalars(queued.where(Email.kind == "interest_received")))
        assert sorted(to) == sorted(f"kill{i}@example.org" for i in range(150))
        with sessions() as session:
            after = select(Email.to_email).where(Email.to_email.like("after%"))
            assert len(set(session.scalars(after.where(Email.kind == "interest_received")))) == 20
        # The run that took over finishes (its emails, then Completed); none is left running.
        deployment = before["process-events"][0]
        wait_for(lambda: not {"RUNNING", "PENDING"} & set(_run_states(api, deployment)), 60)
        assert "CRASHED" in _run_states(api, deployment)  # the killed one, as its worker saw

        dispatch_id = before["dispatch-outbox"][0]
        wait_for(lambda: bool(_completed_dispatches(api, dispatch_id)), 150)
        names = _completed_dispatches(api, dispatch_id)
        print(f"scheduled dispatch runs completed {time.monotonic() - posted:.0f}s in: {names}")
        assert all(n.startswith("dispatch ") and n.endswith(("email", "emails")) for n in names)

        # Kill -9 of the worker itself, with its flow-run process: nobody marks that run
        # Crashed; it falls silent (no heartbeat for 40 s) and the relay hands its events
        # to the next worker.
        with sessions() as session:
            for i in range(150):
                submit_interest(session, factories.interest_form(email=f"dead{i}@example.org"))
        total = _scalar(sessions, select(func.count(DomainEvent.id)))
        before_kill = _scalar(sessions, processed)
        wait_for(lambda: _scalar(sessions, processed) > before_kill, 90)
        worker = parts.pop("worker")
        for pid in [*descendants(worker.pid), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        stop(worker)
        midway = _scalar(sessions, processed)
        assert midway < total, "the batch finished before the kill: nothing was tested"
        parts["worker"] = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "hubflow", "--work-queue", instance],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            wait_for(lambda: _scalar(sessions, processed) == total, 90)  # measured 46-48 s
        except AssertionError:
            what = (
                f"{_scalar(sessions, processed)}/{total} processed 90 s after the worker's kill "
                f"({midway} at it)"
            )
            raise _failed(parts, what, _runs_told(api, deployment)) from None
        print(
            f"worker killed: {midway}/{total} processed at the kill; all "
            f"{time.monotonic() - killed:.1f}s after"
        )
        with sessions() as session:
            dead = select(Email.to_email).where(Email.to_email.like("dead%"))
            to = list(session.scalars(dead.where(Email.kind == "interest_received")))
        assert sorted(to) == sorted(f"dead{i}@example.org" for i in range(150))  # once each
    finally:
        outputs = {name: stop(process) for name, process in reversed(parts.items())}
    assert "Traceback" not in outputs["relay"] + outputs["web"], outputs
