"""The worker topology as the README tells an operator to run it: `prefect deploy --all`,
a work pool and a worker, `hubflow relay` and `hubflow web` (SPEC §6)."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path
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
from sqlalchemy import Engine

from bench.join import csrf_pair, post_join
from hubflow.supervise import healthy
from tests.system.helpers import (
    HUBFLOW,
    PREFECT,
    ROOT,
    cli,
    free_port,
    hubflow_env,
    stop,
    wait_for,
)

FLOWS = ("process-events", "dispatch-outbox", "publish-directory", "daily-report", "sweep")


def _deployments(api: str, instance: str) -> dict[str, Any]:
    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        found = {}
        for flow in FLOWS:
            d = client.read_deployment_by_name(f"{flow}/{instance}")
            found[flow] = (d.id, d.entrypoint, d.pull_steps, d.work_pool_name, d.updated)
        return found


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
        took = wait_for(lambda: any(outbox.glob("*-interest_received.eml")), 90)
        print(f"worker topology: email in the outbox {took:.1f}s after the form")
        assert f"{base}/hub/" in next(outbox.glob("*-interest_received.eml")).read_text()

        # `serve` against the same instance refuses to touch these deployments.
        refused = cli(env, "serve", "--port", str(free_port()), cwd=tmp_path, ok=False)
        assert refused.returncode == 1
        assert "did not create" in refused.stderr and f"dispatch-outbox/{instance}" in (
            refused.stderr
        )
        assert _deployments(api, instance) == before  # relay, web and serve changed nothing

        dispatch_id = before["dispatch-outbox"][0]
        wait_for(lambda: bool(_completed_dispatches(api, dispatch_id)), 150)
        names = _completed_dispatches(api, dispatch_id)
        print(f"scheduled dispatch runs completed {time.monotonic() - posted:.0f}s in: {names}")
        assert all(n.startswith("dispatch ") and n.endswith(("email", "emails")) for n in names)
    finally:
        outputs = {name: stop(process) for name, process in reversed(parts.items())}
    assert "Traceback" not in outputs["relay"] + outputs["web"], outputs
