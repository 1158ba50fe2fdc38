"""POST /join under load from a second process on loopback, against a bare FastAPI form
handler in the same run.

    .venv/bin/python -m bench.join [--seconds S] [--connections C] [--database-url URL]

Each request is a new group, so each creates a Hub with its contact, interest form, audit
row and two events (posts that arrive together share a transaction: plumbing.batching).
The per-address rate limit is lifted for the run (HUBFLOW_JOIN_RATE_LIMIT), since all load
comes from 127.0.0.1. Prints requests/s and p99 latency for both, the ratio, and checks
that the database holds one Hub per answered request. SQLite in a temporary folder unless
--database-url names another (its tables are emptied first).
Targets: >= 0.35x the async bare handler, p99 < 30 ms (SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.scratch import scratch

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def post_join(base: str, pair: tuple[str, str], name: str) -> tuple[int, str]:
    """One interest form as a browser posts it (the group `name`, its own email): the
    status and the page, the 303 to the receipt not followed."""
    token, cookie = pair
    slug = re.sub(r"[^a-z0-9]+", "", name.lower())
    body = urllib.parse.urlencode(
        {
            "csrf_token": token,
            "group_name": name,
            "kind": "single_issue",
            "towns": "Quincy",
            "district": "1st Norfolk",
            "contact_name": "Bench Organizer",
            "email": f"{slug}@example.org",
            "phone": "617-555-0100",
            "consent_to_contact": "yes",
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/join",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"hubflow_csrf={cookie}",
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode()


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


def ensure_wrk() -> None:
    """wrk (Debian's package) drives the load; installed here when we may."""
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        quiet = {"stdout": subprocess.DEVNULL, "check": True}
        subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            **quiet,
        )
    if not shutil.which("wrk"):
        sys.exit("bench/join.py drives the load with wrk: sudo apt-get install wrk")


def empty(url: str) -> None:
    """A clean schema at `url`: migrated, no Hubs, the bundled districts loaded."""
    from sqlalchemy import text

    from models import Base
    from plumbing.db import make_engine, upgrade

    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM {table.name}"))
    engine.dispose()


def count_hubs(url: str) -> int:
    from sqlalchemy.orm import Session

    from models.services.hub_list import count_hubs as count
    from plumbing.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        n = count(session)
    engine.dispose()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    # Its own key: a bench signs links like the product, with a key that protects nothing.
    os.environ.setdefault("HUBFLOW_SECRET_KEY", secrets.token_urlsafe(48))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    ensure_wrk()
    with scratch("hubflow-join-") as tmp:
        url = args.database_url or f"sqlite:///{tmp / 'join.db'}"
        if args.database_url:
            empty(url)
        env = {
            **os.environ,
            "HUBFLOW_DATABASE_URL": url,
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
            ("hubflow", "hubflow.web.app:server_app", True),
            ("bare", "bench.bare_app:app", False),
            ("bare-sync", "bench.bare_app:sync_app", False),
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
                f"{name:<9} {r['rps']:7.0f} requests/s  p50 {r['p50_ms']:5.1f} ms  "
                f"p99 {r['p99_ms']:6.1f} ms  ({int(r['requests'])} requests, "
                f"{int(r['errors'])} errors, {args.connections} connections)"
            )
        # wrk stops counting with up to one request per connection still in flight.
        hubs, answered = count_hubs(url), int(results["hubflow"]["requests"])
        fits = answered <= hubs <= answered + args.connections
        print(
            f"database {hubs} Hubs for {answered} answered requests + up to {args.connections} "
            f"in flight at the end ({'consistent' if fits else 'MISMATCH'}; {url.split(':')[0]})"
        )
        ratio = results["hubflow"]["rps"] / results["bare"]["rps"]
        sync_ratio = results["hubflow"]["rps"] / results["bare-sync"]["rps"]
        print(
            f"ratio    hubflow / bare (async def) = {ratio:.2f} (target >= 0.35); "
            f"hubflow / bare-sync (def, thread pool) = {sync_ratio:.2f}; "
            f"p99 target < 30 ms"
        )


if __name__ == "__main__":
    main()
