"""prefect.yaml as a Prefect operator uses it: `prefect deploy --all`, then a worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from hubflow.relay import Relay
from hubflow.serve import prefect_environment, start_prefect_server, stop_process
from models.services.hubs import submit_interest
from tests import factories
from tests.system.test_serve import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")


def test_prefect_deploy_all_and_a_worker_run_hubflow(
    clean_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    prefect_env = prefect_environment(home=tmp_path / ".prefect", port=port)
    env = {
        **os.environ,
        **prefect_env,
        "HUBFLOW_DATABASE_URL": database_url,
        "HUBFLOW_OUTBOX_DIR": str(tmp_path / "outbox"),
        "PYTHONPATH": str(ROOT),
    }
    saved = {k: os.environ.get(k) for k in prefect_env}
    os.environ.update(prefect_env)
    server = start_prefect_server(port)
    worker = None
    try:

        def prefect(*args: str) -> str:
            done = subprocess.run(
                [PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
            )
            assert done.returncode == 0, done.stdout + done.stderr
            return done.stdout

        prefect("work-pool", "create", "hubflow", "--type", "process")
        out = prefect("--no-prompt", "deploy", "--all")
        for name in (
            "process-events",
            "dispatch-outbox",
            "publish-directory",
            "daily-report",
            "sweep",
        ):
            assert f"Deployment '{name}/{name}' successfully created" in out.replace("\n", " ")
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "hubflow"],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sessions = sessionmaker(clean_engine, expire_on_commit=False)
        with sessions() as session:
            factories.staff(session)
            submit_interest(session, factories.interest_form())
        assert Relay(sessions).run_once() == 2  # handed to the deployment
        outbox = tmp_path / "outbox"
        took = wait_for(lambda: any(outbox.glob("*-interest_received.eml")), timeout=90)
        print(f"worker ran process-events; email in the outbox after {took:.1f}s")
    finally:
        stop_process("worker", worker, grace=5)
        stop_process("Prefect server", server, grace=5)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        time.sleep(0.1)
