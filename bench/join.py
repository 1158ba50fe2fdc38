"""POST /join under load from a second process on loopback, against a bare FastAPI form
handler in the same run.

    .venv/bin/python -m bench.join [--seconds S] [--connections C]

Each request is a new group (so each creates a Hub: 1 transaction, 7 rows). The per-address
rate limit is lifted for the run (HUBFLOW_JOIN_RATE_LIMIT), since all load comes from
127.0.0.1. Prints requests/s and p99 latency for both, and the ratio.
Targets: >= 300 requests/s, p99 < 100 ms, >= 0.25x the bare handler.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LUA = Path(__file__).with_name("join.lua")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(app: str, port: int, env: dict[str, str], *, factory: bool) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ] + (["--factory"] if factory else [])
    process = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def csrf_pair(base: str) -> tuple[str, str]:
    """What a browser gets from GET /join: the cookie, and the form's token for it."""
    with urllib.request.urlopen(f"{base}/join") as response:
        page = response.read().decode()
        cookie = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1), cookie


def load(base: str, *, csrf: bool, seconds: int, connections: int) -> dict[str, float]:
    """wrk, in its own process, posting a new group each request."""
    token, cookie = csrf_pair(base) if csrf else ("-", "-")
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(LUA),
            base,
            "--",
            token,
            cookie,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return dict(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/join.py drives the load with wrk: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="hubflow-join-"))
    env = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": f"sqlite:///{tmp / 'join.db'}",
        "HUBFLOW_OUTBOX_DIR": str(tmp / "outbox"),
        "HUBFLOW_JOIN_RATE_LIMIT": "1000000/minute",
    }
    subprocess.run(
        [sys.executable, "-m", "hubflow.cli.main", "init"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results = {}
    for name, app, factory in (
        ("hubflow", "hubflow.web.app:create_app", True),
        ("bare", "bench.bare_app:app", False),
    ):
        port = free_port()
        server = start(app, port, env, factory=factory)
        try:
            results[name] = load(
                f"http://127.0.0.1:{port}",
                csrf=name == "hubflow",
                seconds=args.seconds,
                connections=args.connections,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name, r in results.items():
        print(
            f"{name:<8} {r['rps']:7.0f} requests/s  p50 {r['p50_ms']:5.1f} ms  "
            f"p99 {r['p99_ms']:6.1f} ms  ({int(r['requests'])} requests, "
            f"{int(r['errors'])} errors, {args.connections} connections)"
        )
    ratio = results["hubflow"]["rps"] / results["bare"]["rps"]
    print(
        f"ratio    hubflow / bare = {ratio:.2f} (target >= 0.25); "
        f"targets: >= 300 requests/s, p99 < 100 ms"
    )


if __name__ == "__main__":
    main()
