"""Every page at a campaign's size: campaigns of 500 and 5,000 Hubs (50,000 when asked)
with their history (bench/campaign.py), each served by `hubflow web` in its own process,
each page fetched by a few clients at once.

    .venv/bin/python -m bench.pages [--sizes 500,5000] [--clients 4] [--rounds 12]
                                    [--database-url URL]

Prints, per size, each page's p50 and p95 (ms, at the client) and its size, and against
them a baseline measured in the same run: a bare FastAPI page answering the same clients
(bench/bare_app.py's /ping), as fast as a page served over HTTP honestly gets. Then each
page's growth from the smallest size to the largest. SQLite in a temporary folder unless
--database-url names a PostgreSQL database (its tables are dropped first).
Targets (issue #35): at 5,000 Hubs every page p95 < 100 ms and < 150 KiB; at 50,000 p95 <
250 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from bench.join import free_port, start
from bench.scratch import scratch

PUBLIC = [
    "/join",
    "/hubs",
    "/hubs?town=Boston",
    "/hubs?page=5",
    "/hubs.json",
    "/coverage",
    "/coverage?view=senate",
    "/coverage?view=congress",
]
STAFF = [
    "/staff",
    "/staff/queue",
    "/staff/hubs",
    "/staff/hubs?stage=listed",
    "/staff/hubs/7",
    "/staff/legislators",
]
PASSWORD = "correct horse battery staple"


def prepare(url: str, n: int, env: dict[str, str]) -> None:
    """A fresh database: hubflow's tables and the legislature, the campaign, a staff login."""
    subprocess.run(
        [sys.executable, "-m", "hubflow.cli.main", "init"], env=env, check=True, capture_output=True
    )
    from sqlalchemy import create_engine, update

    from bench.campaign import seed
    from models.staff import StaffMember
    from plumbing.db import analyze, make_engine
    from plumbing.passwords import hash_password

    engine = create_engine(url)
    began = time.monotonic()
    written = seed(engine, n)
    with engine.begin() as conn:
        conn.execute(update(StaffMember).values(password_hash=hash_password(PASSWORD)))
    # What the daily sweep does (plumbing.db.analyze; on PostgreSQL autovacuum too, within a
    # minute of a load this size): without statistics the planner takes 4,600 Hubs for 6.
    tuned = make_engine(url)
    analyze(tuned)
    tuned.dispose()
    engine.dispose()
    rows = sum(written.values())
    print(f"  {n:,} Hubs: {rows:,} rows written in {time.monotonic() - began:.0f} s", flush=True)


def opener(base: str, *, staff: bool) -> urllib.request.OpenerDirector:
    jar = CookieJar()
    o = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if staff:
        page = o.open(f"{base}/staff/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        data = urllib.parse.urlencode(
            {"csrf_token": token.group(1), "email": "ann@masscare.org", "password": PASSWORD}
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
    """Each path fetched `rounds` times by each of `clients` at once: p50, p95 (ms), bytes."""
    found = {}
    openers = [opener(base, staff=staff) for _ in range(clients)]
    for path in paths:
        openers[0].open(base + path).read()  # warm
        times, size = fetch_at_once(openers, base + path, rounds)
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        found[path] = (statistics.median(times) * 1000, p95 * 1000, size)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, tuple[float, float, int]]] = {}
    with scratch("hubflow-bench-pages-") as folder:
        env = {
            **os.environ,
            "HUBFLOW_SECRET_KEY": secrets.token_urlsafe(48),
            "HUBFLOW_DATA_DIR": str(folder),
            "HUBFLOW_OUTBOX_DIR": str(folder / "outbox"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        port = free_port()
        bare = start("bench.bare_app:app", port, env, factory=False)
        try:
            base = measure(
                f"http://127.0.0.1:{port}",
                ["/ping"],
                clients=args.clients,
                rounds=args.rounds,
                staff=False,
            )["/ping"]
        finally:
            bare.terminate()
            bare.wait(10)
        print(f"baseline, a bare FastAPI page: p50 {base[0]:.1f} ms, p95 {base[1]:.1f} ms")
        for n in sizes:
            url = args.database_url or f"sqlite:///{folder}/pages-{n}.db"
            if args.database_url:
                from sqlalchemy import create_engine, text

                engine = create_engine(url)
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
                engine.dispose()
            run_env = {**env, "HUBFLOW_DATABASE_URL": url}
            os.environ.update(run_env)
            from plumbing.db import reset_engines
            from plumbing.settings import get_settings

            get_settings.cache_clear()
            reset_engines()
            prepare(url, n, run_env)
            port = free_port()
            web = start("hubflow.web.app:create_app", port, run_env, factory=True)
            try:
                here = f"http://127.0.0.1:{port}"
                results[n] = {
                    **measure(here, PUBLIC, clients=args.clients, rounds=args.rounds, staff=False),
                    **measure(here, STAFF, clients=args.clients, rounds=args.rounds, staff=True),
                }
            finally:
                web.terminate()
                web.wait(10)
            print(f"\n{n:,} Hubs ({'PostgreSQL' if args.database_url else 'SQLite'}):")
            print(f"  {'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>8} {'p95/base':>9}")
            for path, (p50, p95, size) in results[n].items():
                print(
                    f"  {path:<28} {p50:8.1f} {p95:8.1f} {size / 1024:8.1f} {p95 / base[1]:8.1f}x"
                )
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            print(f"\ngrowth {small:,} -> {large:,} Hubs (p95, size):")
            for path in results[small]:
                a, b = results[small][path], results[large][path]
                print(f"  {path:<28} {b[1] / a[1]:6.2f}x {b[2] / max(a[2], 1):6.2f}x")


if __name__ == "__main__":
    main()
