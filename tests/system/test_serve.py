"""`hubflow serve` as a person runs it: everything up, emails flowing, Ctrl-C stops it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from tests.integration.test_cli import ADD

ROOT = Path(__file__).resolve().parents[2]
HUBFLOW = [sys.executable, "-m", "hubflow.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout}s")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,pgid="], capture_output=True, text=True).stdout
    rows = [tuple(map(int, line.split())) for line in out.splitlines() if line.strip()]
    found, frontier = set(), {pid}
    while frontier:
        children = {p for p, parent, _ in rows if parent in frontier and p not in found}
        found |= children
        frontier = children
    return sorted(found)


def test_serve_takes_a_phoned_in_hub_through_its_first_emails_and_stops_cleanly(
    clean_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    web, prefect = free_port(), free_port()
    env = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": database_url,
        "HUBFLOW_OUTBOX_DIR": str(tmp_path / "outbox"),
        "HUBFLOW_PUBLIC_DIR": str(tmp_path / "public"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PREFECT_API_URL", None)

    def cli(*args: str) -> str:
        done = subprocess.run(
            [*HUBFLOW, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    cli("staff", "add", "--name", "Ann Lee", "--email", "ann@masscare.org")
    serve = subprocess.Popen(
        [
            *HUBFLOW,
            "serve",
            "--port",
            str(web),
            "--prefect-port",
            str(prefect),
            "--prefect-home",
            str(tmp_path / ".prefect"),
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: healthy(f"http://127.0.0.1:{web}/healthz"), timeout=150)
        outbox = tmp_path / "outbox"
        cli(*ADD)  # a Hub phoned in, as `hubflow hubs add` records it
        took = wait_for(lambda: any(outbox.glob("*-interest_received.eml")), timeout=30)
        print(f"interest-received email in the outbox {took:.1f}s after `hubs add`")
        cli("reviews", "approve", "1", "--staff", "ann@masscare.org")
        wait_for(lambda: any(outbox.glob("*-stage_approved.eml")), timeout=30)
        assert "first action" in next(outbox.glob("*-stage_approved.eml")).read_text()
        children = descendants(serve.pid)
        assert len(children) >= 2  # the Prefect server and the deployments
    finally:
        started = time.monotonic()
        serve.send_signal(signal.SIGINT)
        output = serve.communicate(timeout=30)[0]
        stopped = time.monotonic() - started
    assert serve.returncode in (0, 130), output  # 130: ended by Ctrl-C, as shells expect
    assert "Traceback" not in output
    assert stopped < 15, f"took {stopped:.1f}s to stop"
    assert "hubflow stopped" in output
    left = [pid for pid in children if _alive(pid)]
    assert left == [], f"still running after Ctrl-C: {left}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")
