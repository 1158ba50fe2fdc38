"""How long a volunteer waits for the "we received it" email: from the `/join` answer to
the `.eml` in the outbox, through `hubflow serve` and through the worker topology (its
relay processing the events itself, as by default, and `hubflow relay --to-worker`,
which hands them to the worker's process-events deployment).

    .venv/bin/python -m bench.latency [--forms N] [--gap S] [--skip-worker]

Each topology gets a new SQLite database in a temporary folder, and its own Prefect
server. N interest forms (30) are posted `--gap` seconds apart (2) over HTTP; each
latency is the email file's modification time minus the moment its answer arrived.
Prints p50 / p95 / max, the flow runs per event, and the ratio to a baseline measured in
the same run: the same form's work done in one process with nothing in between (record
the form, react to its events, write the email), which no topology can beat.
Targets: serve p50 < 1 s, p95 < 2 s, <= 1 flow run per event; worker p95 < 5 s.
Everything it starts is stopped and its folder deleted.
"""

from __future__ import annotations

import argparse
import email
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.join import csrf_pair, free_port, post_join
from bench.scratch import scratch

ROOT = Path(__file__).resolve().parents[1]
HUBFLOW = [sys.executable, "-m", "hubflow.cli.main"]
PREFECT = str(Path(sys.executable).parent / "prefect")


def environment(folder: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": f"sqlite:///{folder / 'hubflow.db'}",
        "HUBFLOW_OUTBOX_DIR": str(folder / "outbox"),
        "HUBFLOW_PUBLIC_DIR": str(folder / "public"),
        "HUBFLOW_DATA_DIR": str(folder),
        "HUBFLOW_SECRET_KEY": secrets.token_urlsafe(48),
        # Every form comes from 127.0.0.1: lift the per-address limit (30 in a minute).
        "HUBFLOW_JOIN_RATE_LIMIT": "1000/minute",
        "PREFECT_HOME": str(folder / ".prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    for key in ("PREFECT_API_URL", "HUBFLOW_BASE_URL", "HUBFLOW_INSTANCE"):
        if key not in extra:
            env.pop(key, None)
    return env


def run(env: dict[str, str], *argv: str, cwd: Path) -> None:
    subprocess.run(argv, env=env, cwd=cwd, check=True, capture_output=True, timeout=300)


@contextmanager
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def start(
    started: list[subprocess.Popen[bytes]], env: dict[str, str], argv: list[str], cwd: Path
) -> None:
    log = (Path(env["HUBFLOW_DATA_DIR"]) / f"{Path(argv[-1]).name}.log").open("ab")
    started.append(
        subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    )


def wait_healthy(url: str, timeout: float = 180) -> None:
    from hubflow.runtime.supervise import healthy

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(url):
            return
        time.sleep(0.25)
    raise RuntimeError(f"nothing answered at {url}")


def post_forms(base: str, outbox: Path, n: int, gap: float) -> list[float]:
    """Post `n` forms `gap` seconds apart; each one's seconds from answer to email file."""
    pair = csrf_pair(base)
    answered: dict[str, float] = {}
    for i in range(n):
        next_at = time.monotonic() + gap
        name = f"Latency Hub {i}"
        status, page = post_join(base, pair, name)
        answered[f"latencyhub{i}@example.org"] = time.time()
        if status != 303:
            raise RuntimeError(f"/join answered {status}: {page[:300]}")
        time.sleep(max(0.0, next_at - time.monotonic()))
    deadline = time.monotonic() + 60
    written: dict[str, float] = {}
    while len(written) < n and time.monotonic() < deadline:
        for path in outbox.glob("*-interest_received.eml"):
            to = email.message_from_bytes(path.read_bytes())["To"]
            address = to.split("<")[-1].rstrip(">")
            written.setdefault(address, path.stat().st_mtime)
        time.sleep(0.2)
    missing = set(answered) - set(written)
    if missing:
        raise RuntimeError(f"{len(missing)} emails never arrived")
    return [written[a] - answered[a] for a in answered]


def flow_runs(api: str, instance: str) -> int:
    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterTags,
    )
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["process-events"])),
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"instance:{instance}"])),
            limit=200,
        )
    return len(runs)


def prepare(folder: Path, env: dict[str, str]) -> None:
    run(env, *HUBFLOW, "init", cwd=folder)
    run(
        env,
        *HUBFLOW,
        "staff",
        "add",
        "--name",
        "Ann Lee",
        "--email",
        "ann@masscare.org",
        cwd=folder,
    )


def through_serve(folder: Path, n: int, gap: float) -> tuple[list[float], int]:
    web, prefect = free_port(), free_port()
    env = environment(folder, HUBFLOW_INSTANCE="latency-serve")
    prepare(folder, env)
    with processes() as started:
        start(
            started,
            env,
            [
                *HUBFLOW,
                "serve",
                "--port",
                str(web),
                "--prefect-port",
                str(prefect),
                "--prefect-home",
                str(folder / ".prefect"),
            ],
            folder,
        )
        wait_healthy(f"http://127.0.0.1:{web}/healthz")
        latencies = post_forms(f"http://127.0.0.1:{web}", folder / "outbox", n, gap)
        runs = flow_runs(f"http://127.0.0.1:{prefect}/api", "latency-serve")
    return latencies, runs


def through_worker(folder: Path, n: int, gap: float, *, here: bool) -> tuple[list[float], int]:
    web, prefect = free_port(), free_port()
    api = f"http://127.0.0.1:{prefect}/api"
    env = environment(
        folder,
        HUBFLOW_INSTANCE="latency-worker",
        HUBFLOW_BASE_URL=f"http://127.0.0.1:{web}",
        PREFECT_API_URL=api,
        PREFECT_WORKER_QUERY_SECONDS="1",
    )
    prepare(folder, env)
    with processes() as started:
        start(started, env, [PREFECT, "server", "start", "--port", str(prefect)], folder)
        wait_healthy(f"{api}/health")
        run(env, PREFECT, "work-pool", "create", "hubflow", "--type", "process", cwd=ROOT)
        run(env, PREFECT, "--no-prompt", "deploy", "--all", cwd=ROOT)
        start(
            started,
            env,
            [PREFECT, "worker", "start", "--pool", "hubflow", "--work-queue", "latency-worker"],
            ROOT,
        )
        start(started, env, [*HUBFLOW, "relay", *([] if here else ["--to-worker"])], folder)
        start(started, env, [*HUBFLOW, "web", "--port", str(web)], folder)
        wait_healthy(f"http://127.0.0.1:{web}/healthz")
        time.sleep(3)  # the worker's first poll
        latencies = post_forms(f"http://127.0.0.1:{web}", folder / "outbox", n, gap)
        runs = flow_runs(api, "latency-worker")
    return latencies, runs


def baseline(folder: Path, n: int) -> list[float]:
    """The work itself, in one process: record the form, react, write the email."""
    env = environment(folder)
    prepare(folder, env)
    os.environ.update({k: v for k, v in env.items() if k.startswith("HUBFLOW_")})
    from models.base import utcnow
    from models.services.hubs import submit_interest
    from plumbing.db import reset_engines, session_factory
    from plumbing.email.dispatch import dispatch
    from plumbing.settings import get_settings
    from tasks.events import process_waiting

    get_settings.cache_clear()
    reset_engines()
    sessions, settings = session_factory(), get_settings()
    took = []
    for i in range(n):
        form = {
            "group_name": f"Baseline Hub {i}",
            "kind": "single_issue",
            "towns": ["Quincy"],
            "district": "1st Norfolk",
            "contact_name": "Bench Organizer",
            "email": f"baseline{i}@example.org",
            "phone": "617-555-0100",
            "consent_to_contact": True,
        }
        with sessions() as session:
            submit_interest(session, form)
        answered = time.perf_counter()
        process_waiting(sessions, settings=settings, now=utcnow())
        dispatch(sessions)
        took.append(time.perf_counter() - answered)
    reset_engines()
    return took


def figures(name: str, values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    out = {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}
    print(f"{name:<18} p50 {out['p50']:.3f} s   p95 {out['p95']:.3f} s   max {out['max']:.3f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", type=int, default=30)
    parser.add_argument("--gap", type=float, default=2.0)
    parser.add_argument("--skip-worker", action="store_true")
    args = parser.parse_args()
    with scratch("hubflow-latency-") as folder:
        for part in ("baseline", "serve"):
            (folder / part).mkdir()
        base = figures("baseline (1 proc)", baseline(folder / "baseline", args.forms))
        served, runs = through_serve(folder / "serve", args.forms, args.gap)
        serve = figures("hubflow serve", served)
        print(
            f"{'':<18} {runs} process-events runs for {2 * args.forms} events; "
            f"p50 {serve['p50'] / base['p50']:.1f}x the baseline"
        )
        if not args.skip_worker:
            for here, label in ((True, "worker topology"), (False, "  relay --to-worker")):
                place = folder / f"worker-{here}"
                place.mkdir()
                worked, runs = through_worker(place, args.forms, args.gap, here=here)
                worker = figures(label, worked)
                print(
                    f"{'':<18} {runs} process-events runs for {2 * args.forms} events; "
                    f"p50 {worker['p50'] / base['p50']:.1f}x the baseline"
                )


if __name__ == "__main__":
    main()
