"""The daily sweep at scale on SQLite, about 10% of the Hubs with a reminder due.

    .venv/bin/python -m bench.sweep [--sizes 10000,100000,1000000]

For each size, the sweep and a hand-written baseline (one SQL query + render + insert,
no bookkeeping, everything in memory and one transaction) run on identical copies of the
same database, each in its own process: time, emails queued, peak memory, and the ratio.
The sweep writes a chunk of emails per transaction (tasks/sweep.py: CHUNK), so its memory
should stay flat as Hubs grow while the baseline's grows.
Targets: 1,000,000 Hubs < 45 s, peak < 400 MB, <= 1.3x the baseline; 100,000 < 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.scratch import scratch

NOW = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)  # 09:00 in Boston
SPREAD = 290  # due dates over 290 days: the 29 days of reminder windows are 10% of them


def build(path: Path, n: int) -> None:
    """n Hubs in first_action with one contact each, due dates spread evenly."""
    url = f"sqlite:///{path}"
    from sqlalchemy import insert, select

    from models.enums import Stage, Status, SubmissionState
    from models.hub import Contact, Hub, Submission
    from models.legislature import District
    from plumbing.db import make_engine, upgrade

    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(42)
    today = date(2026, 6, 1)
    with engine.begin() as conn:
        districts = list(conn.scalars(select(District.id)))
        if not districts:
            districts = [
                conn.execute(
                    insert(District).values(chamber="house", name="1st Norfolk")
                ).inserted_primary_key[0]
            ]
        for start in range(0, n, 5000):
            hubs, contacts, subs = [], [], []
            for i in range(start, min(n, start + 5000)):
                due = today + timedelta(days=rng.randrange(-150, SPREAD - 150))
                status = Status.STALLED if due < today - timedelta(days=14) else Status.ACTIVE
                hubs.append(
                    {
                        "id": i + 1,
                        "name": f"Hub {i}",
                        "kind": "single_issue",
                        "towns": ["Quincy"],
                        "district_id": rng.choice(districts),
                        "stage": Stage.FIRST_ACTION,
                        "status": status,
                        "stage_due_date": due,
                        "dedup_key": f"hub {i}|h{i}@example.org",
                        "stage_entered_at": NOW,
                        "created_at": NOW,
                        "updated_at": NOW,
                        "version": 1,
                        "token_version": 1,
                        "first_action_idea": "",
                    }
                )
                contacts.append(
                    {
                        "hub_id": i + 1,
                        "name": f"Organizer {i}",
                        "email": f"h{i}@example.org",
                        "phone": "617-555-0100",
                        "role": "primary",
                        "consent_to_publish": False,
                        "created_at": NOW,
                    }
                )
                if rng.random() < 0.05:  # work waiting for staff: the Hub's clock is stopped
                    subs.append(
                        {
                            "hub_id": i + 1,
                            "stage": Stage.FIRST_ACTION,
                            "version": 1,
                            "payload": {},
                            "state": SubmissionState.PENDING,
                            "submitted_by": "hub",
                            "submitted_at": NOW,
                        }
                    )
            conn.execute(insert(Hub), hubs)
            conn.execute(insert(Contact), contacts)
            if subs:
                conn.execute(insert(Submission), subs)
    engine.dispose()


def run_sweep_once(path: Path) -> dict[str, float]:
    os.environ["HUBFLOW_DATABASE_URL"] = f"sqlite:///{path}"
    from tasks.sweep import run_sweep

    started = time.perf_counter()
    report = run_sweep(now=NOW)
    return {
        "seconds": time.perf_counter() - started,
        "queued": report.emails_queued,
        "stalled": len(report.stalled),
    }


def run_baseline_once(path: Path) -> dict[str, float]:
    """The floor: one query for everything due, render each email, insert them all."""
    os.environ["HUBFLOW_DATABASE_URL"] = f"sqlite:///{path}"
    from sqlalchemy import exists, or_, select

    from models.hub import Contact, Hub, Submission
    from models.legislature import District
    from models.reminders import hub_windows
    from plumbing.db import session_factory
    from plumbing.email.outbox import Recipient, email_row, insert_emails
    from plumbing.settings import get_settings
    from tasks.reactions.contexts import hub_fields

    settings = get_settings()
    started = time.perf_counter()
    today = settings.policy.today(NOW)
    windows = hub_windows(today, settings.policy)
    with session_factory()() as session, session.begin():
        rows = session.execute(
            select(
                Hub.id,
                Hub.name,
                District.name.label("district"),
                Hub.stage,
                Hub.stage_due_date,
                Hub.token_version,
                Contact.email,
                Contact.name.label("c"),
            )
            .join(District, District.id == Hub.district_id)
            .join(Contact, Contact.hub_id == Hub.id)
            .where(
                or_(*(Hub.stage_due_date.between(w.due_from, w.due_to) for w in windows)),
                ~exists().where(Submission.hub_id == Hub.id, Submission.state == "pending"),
            )
        ).all()
        emails = []
        for r in rows:
            window = next(w for w in windows if w.contains(r.stage_due_date))
            hub = hub_fields(
                id=r.id,
                name=r.name,
                district=r.district,
                stage=r.stage,
                due=r.stage_due_date,
                token_version=r.token_version,
                settings=settings,
            )
            days = abs((r.stage_due_date - today).days)
            emails.append(
                email_row(
                    key=f"baseline/{r.id}/{window.kind}/{window.n}",
                    kind=window.kind,
                    to=Recipient(r.email, r.c),
                    hub_id=r.id,
                    now=NOW,
                    suppressed=False,
                    context={
                        "hub": hub,
                        "days_left": days,
                        "days_overdue": days,
                        "nudge_number": window.n,
                    },
                )
            )
        queued = insert_emails(session, emails)
    return {"seconds": time.perf_counter() - started, "queued": queued, "stalled": 0}


def measure(what: str, path: Path) -> dict[str, float]:
    """Run one measurement in a fresh process, so its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.sweep", "--measure", what, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    # Its own key: a bench signs links like the product, with a key that protects nothing.
    os.environ.setdefault("HUBFLOW_SECRET_KEY", secrets.token_urlsafe(48))
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        what, path = args.measure
        result = (run_sweep_once if what == "sweep" else run_baseline_once)(Path(path))
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with scratch("hubflow-sweep-") as tmp:
        os.environ["HUBFLOW_OUTBOX_DIR"] = str(tmp / "outbox")
        first: tuple[int, float] | None = None
        for n in (int(x) for x in args.sizes.split(",")):
            built = tmp / f"{n}.db"
            started = time.perf_counter()
            build(built, n)
            print(f"{n:>9,} Hubs built in {time.perf_counter() - started:.0f} s", flush=True)
            for copy in ("sweep", "baseline"):
                shutil.copy(built, tmp / f"{copy}.db")
            built.unlink()
            sweep = measure("sweep", tmp / "sweep.db")
            base = measure("baseline", tmp / "baseline.db")
            for name in ("sweep", "baseline"):
                for suffix in ("", "-wal", "-shm"):
                    (tmp / f"{name}.db{suffix}").unlink(missing_ok=True)
            for name, r in (("sweep", sweep), ("baseline", base)):
                print(
                    f"{'':>9}  {name:<8} {r['seconds']:6.2f} s  peak {r['peak_mb']:5.0f} MB  "
                    f"{int(r['queued']):,} emails queued, {int(r['stalled']):,} stalled"
                )
            scale = ""
            if first is not None:
                scale = (
                    f"; {first[0]:,} -> {n:,} Hubs = {sweep['seconds'] / first[1]:.1f}x the "
                    f"time for {n / first[0]:.0f}x the Hubs"
                )
            else:
                first = (n, sweep["seconds"])
            print(
                f"{'':>9}  ratio    sweep / baseline = {sweep['seconds'] / base['seconds']:.2f}"
                + scale,
                flush=True,
            )
        print("targets  1,000,000: < 45 s, < 400 MB, <= 1.3x the baseline; 100,000: < 5 s")


if __name__ == "__main__":
    main()
