"""Every page at a campaign's size: campaigns of 500, 5,000 and 50,000 Hubs with their
history (bench/campaign.py), each served by `hubflow web --workers N` (one per core) as an
operator runs it, each page fetched by a few clients at once (bench/page_load.py).

    .venv/bin/python -m bench.pages [--sizes 500,5000,50000] [--clients 4] [--rounds 12]
                                    [--workers N] [--database-url URL]

Prints, per size, each page's p50 and p95 (ms, at the client), its size and the SQL
statements it takes when nothing is kept, and against them a baseline measured in the same
run: a bare FastAPI page answering the same clients (bench/bare_app.py's /ping), as fast as
a page served over HTTP honestly gets. Then each page's growth from the smallest size to
the largest. SQLite in a temporary folder unless --database-url names a PostgreSQL database
(its tables are dropped first).
Targets (issue #35): at 5,000 Hubs every page p95 < 100 ms and < 150 KiB; at 50,000 p95 <
250 ms.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time

from bench.join import free_port, start
from bench.page_load import PASSWORD, hubflow_web, measure, statements
from bench.scratch import scratch

PUBLIC = [
    "/join",
    "/get-involved",
    "/hub/{token}",
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
    "/staff/legislators/{legislator}",
    "/staff/announcements",
    "/staff/system",
]
# Whole-campaign files, which grow with it by nature: timed alone, a few times.
DOWNLOADS = ["/staff/export/hubs.csv", "/staff/export/contacts.csv", "/staff/export/plans.csv"]


def prepare(url: str, n: int, env: dict[str, str]) -> dict[str, str]:
    """A fresh database: hubflow's tables and the legislature, the campaign, a staff login.
    Returns what the paths' placeholders stand for: a listed Hub's private link, a State Rep."""
    subprocess.run(
        [sys.executable, "-m", "hubflow.cli.main", "init"], env=env, check=True, capture_output=True
    )
    from sqlalchemy import create_engine, select, update

    from bench.campaign import seed
    from models.enums import Stage
    from models.hub import Hub
    from models.legislature import Legislator
    from models.staff import StaffMember
    from plumbing.db import analyze, make_engine
    from plumbing.passwords import hash_password
    from plumbing.tokens import hub_token

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
    with engine.connect() as conn:
        hub = conn.scalar(select(Hub.id).where(Hub.stage == Stage.LISTED).order_by(Hub.id))
        legislator = conn.scalar(select(Legislator.id).order_by(Legislator.id))
    engine.dispose()
    rows = sum(written.values())
    print(f"  {n:,} Hubs: {rows:,} rows written in {time.monotonic() - began:.0f} s", flush=True)
    return {"token": hub_token(hub or 1, 1), "legislator": str(legislator)}


def target(n: int) -> float | None:
    """The p95 a page must stay under at n Hubs (issue #35), if the issue sets one."""
    return 100.0 if n <= 5000 else 250.0 if n <= 50000 else None


def report(
    n: int,
    pages: dict[str, tuple[float, float, int, tuple[int, float]]],
    files: dict[str, tuple[float, float, int, tuple[int, float]]],
    base: tuple[float, float, int],
    database: str,
) -> None:
    limit = target(n)
    print(f"\n{n:,} Hubs ({database}), p95 target {limit} ms, size < 150 KiB at 5,000;")
    print("  first: one view, alone, after a change (a Hub paused or resumed; nothing kept),")
    print("  in a process that has shown each page once; and its SQL statements")
    print(
        f"  {'page':<32} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>8} {'p95/base':>9}"
        f" {'first ms':>9} {'SQL':>5}"
    )
    over = []
    for path, (p50, p95, size, (sql, first)) in pages.items():
        shown = path.replace("{token}", "…").replace("{legislator}", "1")
        late = limit is not None and p95 >= limit
        heavy = n <= 5000 and size >= 150 * 1024
        if late or heavy:
            over.append(shown)
        print(
            f"  {shown:<32} {p50:8.1f} {p95:8.1f} {size / 1024:8.1f} {p95 / base[1]:8.1f}x"
            f" {first:9.1f} {sql:5d}{'  OVER' if late or heavy else ''}"
        )
    print(f"  {'every page within its targets' if not over else f'over: {over}'}")
    print("  whole-campaign downloads (one client, 3 times; they grow with it by nature):")
    for path, (p50, _, size, (sql, _first)) in files.items():
        print(f"  {path:<32} {p50:8.1f} ms {size / 1024:8.1f} KiB {sql:5d} statements")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="hubflow web's (one per core)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, tuple[float, float, int, int]]] = {}
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
            fill = prepare(url, n, run_env)
            public = {p.format(**fill): p for p in PUBLIC}
            staff = {p.format(**fill): p for p in STAFF}
            load = {"clients": args.clients, "rounds": args.rounds}
            with hubflow_web(run_env, free_port(), args.workers) as here:
                found = {
                    **measure(here, list(public), **load, staff=False),
                    **measure(here, list(staff), **load, staff=True),
                }
                files = measure(here, DOWNLOADS, clients=1, rounds=3, staff=True)
            counted = {
                **statements(list(public), staff=False),
                **statements(list(staff) + DOWNLOADS, staff=True),
            }
            reset_engines()  # this process's connections closed: the database may go
            named = public | staff  # each page by its path's pattern (a token differs)
            results[n] = {named[p]: (*figures, counted[p]) for p, figures in found.items()}
            files = {p: (*figures, counted[p]) for p, figures in files.items()}
            database = "PostgreSQL" if args.database_url else "SQLite"
            report(n, results[n], files, base, f"{database}, hubflow web --workers {args.workers}")
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            print(f"\ngrowth {small:,} -> {large:,} Hubs (p95, size, statements):")
            for path in results[small]:
                a, b = results[small][path], results[large][path]
                path = path.replace("{token}", "…")
                print(
                    f"  {path:<32} {b[1] / a[1]:6.2f}x {b[2] / max(a[2], 1):6.2f}x"
                    f"   SQL {a[3][0]} -> {b[3][0]}   first {a[3][1]:.0f} -> {b[3][1]:.0f} ms"
                )


if __name__ == "__main__":
    main()
