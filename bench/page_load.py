"""How bench/pages.py loads pages: `hubflow web` started as an operator would, pages fetched
by a few clients at once (a staff login each where asked), and each page's SQL statements
counted in this process, with nothing kept from an earlier view (what a change costs)."""

from __future__ import annotations

import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from typing import Any

PASSWORD = "correct horse battery staple"
STAFF_EMAIL = "ann@masscare.org"


@contextmanager
def hubflow_web(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    """`hubflow web --workers N` on `port`, until the block ends: its base URL."""
    command = ["web", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen([sys.executable, "-m", "hubflow.cli.main", *command], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"hubflow web exited ({process.returncode})")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("hubflow web did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(20)


def opener(base: str, *, staff: bool) -> urllib.request.OpenerDirector:
    jar = CookieJar()
    o = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if staff:
        page = o.open(f"{base}/staff/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        data = urllib.parse.urlencode(
            {"csrf_token": token.group(1), "email": STAFF_EMAIL, "password": PASSWORD}
        ).encode()
        o.open(f"{base}/staff/login", data=data).read()
    return o


def fetch_at_once(
    openers: list[urllib.request.OpenerDirector], url: str, rounds: int
) -> tuple[list[float], int]:
    """`url` fetched `rounds` times by each opener, all openers at once: the seconds each
    fetch took, and the body's bytes."""
    times: list[float] = []
    size = 0
    lock = threading.Lock()

    def client(o: urllib.request.OpenerDirector) -> None:
        nonlocal size
        for _ in range(rounds):
            t = time.perf_counter()
            body = o.open(url).read()
            took = time.perf_counter() - t
            with lock:
                times.append(took)
                size = len(body)

    threads = [threading.Thread(target=client, args=(o,)) for o in openers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(times), size


def measure(
    base: str, paths: list[str], *, clients: int, rounds: int, staff: bool
) -> dict[str, tuple[float, float, int]]:
    """Each path fetched `rounds` times by each of `clients` at once, after two rounds of the
    same to warm every web process (the first view after a change: see `statements`):
    p50, p95 (ms), bytes."""
    found = {}
    openers = [opener(base, staff=staff) for _ in range(clients)]
    for path in paths:
        fetch_at_once(openers, base + path, 2)
        times, size = fetch_at_once(openers, base + path, rounds)
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        found[path] = (statistics.median(times) * 1000, p95 * 1000, size)
    return found


def change(*, pause: bool) -> None:
    """What happens all day in a campaign: a listed Hub paused (or resumed) by staff."""
    from sqlalchemy import select

    from models.enums import Stage, Status
    from models.hub import Hub
    from models.services import status
    from models.services.common import Actor
    from plumbing.db import session_factory

    with session_factory()() as session:
        wanted = Status.ACTIVE if pause else Status.PAUSED
        hub = session.scalar(
            select(Hub.id).where(Hub.stage == Stage.LISTED, Hub.status == wanted).order_by(Hub.id)
        )
        if hub is not None:
            act = status.pause if pause else status.resume
            act(session, hub, actor=Actor.system("bench"), reason="bench")
            session.commit()


def statements(paths: list[str], *, staff: bool) -> dict[str, tuple[int, float]]:
    """The SQL statements each path takes and its time (ms) in this process (the database
    and settings of os.environ), each the first view after a change (a Hub paused or
    resumed, nothing kept), in a process that has shown each page once before."""
    from fastapi.testclient import TestClient
    from sqlalchemy import Engine, event

    from hubflow.web.app import create_app
    from models.services.kept import KEPT

    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    client = TestClient(create_app())
    if staff:
        page = client.get("/staff/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        client.post(
            "/staff/login",
            data={"csrf_token": token.group(1), "email": STAFF_EMAIL, "password": PASSWORD},
        )
    found = {}
    for path in paths:  # warm, as a server that has run a while: settings, the figures' ledger
        client.get(path)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        for n, path in enumerate(paths):
            change(pause=n % 2 == 0)  # a Hub paused or resumed: a stage change, a Hub changed
            KEPT.forget()
            seen.clear()
            started = time.perf_counter()
            response = client.get(path)
            took = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            found[path] = (len(seen), took)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
        client.close()
    return found
