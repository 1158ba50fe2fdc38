"""An announcement to many people: queued, then sent through dispatch to a fake SendGrid.

    .venv/bin/python -m bench.announce [--sizes 2500,10000] [--delay S]

For each size, on identical copies of one SQLite database (a Hub per person, one primary
contact each), each in its own process: the announcement's run (tasks/reactions/announce.py:
deliver: the audience and who is left out, one rendered email per person, chunks of 1,000
per transaction, the record) and a hand-written baseline (one SELECT of the contacts, each
email rendered the same way, one executemany INSERT of them all: no audience rules, no
suppression checks, no record). Time, emails queued, peak memory (RSS) and the ratio.
Then the largest size's emails go through dispatch to the fake SendGrid (its own process,
answering after --delay), counted by the fake.
Targets: 10,000 queued < 5 s, memory flat as the audience grows; >= 500 accepted/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.scratch import scratch


def build(path: Path, n: int) -> None:
    """n listed Hubs with a primary contact each, and a draft to all of them, scheduled."""
    from sqlalchemy import insert, select

    from models.announcement import Announcement, AnnouncementState
    from models.base import utcnow
    from models.enums import ContactRole, HubKind, Stage
    from models.hub import Contact, Hub
    from models.legislature import District
    from models.staff import StaffMember
    from plumbing.db import make_engine, upgrade

    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        district = (
            conn.scalar(select(District.id).limit(1))
            or conn.execute(
                insert(District).values(chamber="house", name="1st Norfolk")
            ).inserted_primary_key[0]
        )
        staff = conn.execute(
            insert(StaffMember).values(name="Ann Lee", email="ann@masscare.org")
        ).inserted_primary_key[0]
        for start in range(0, n, 5000):
            rows = range(start, min(n, start + 5000))
            conn.execute(
                insert(Hub),
                [
                    {"id": i + 1, "name": f"Hub {i:06}", "kind": HubKind.SINGLE_ISSUE,
                     "towns": ["Quincy"], "district_id": district, "stage": Stage.LISTED,
                     "dedup_key": f"hub {i}"}
                    for i in rows
                ],
            )  # fmt: skip
            conn.execute(
                insert(Contact),
                [
                    {"hub_id": i + 1, "name": f"Pat Doe{i}", "email": f"p{i}@example.org",
                     "role": ContactRole.PRIMARY}
                    for i in rows
                ],
            )  # fmt: skip
        conn.execute(
            insert(Announcement).values(
                subject="Training on Tuesday, {{ first_name }}",
                body="Hi {{ first_name }},\n\nThe **{{ hub.name }}** training is on Tuesday at "
                "7pm: [your Hub's page]({{ hub.link }}).\n\n- bring a friend\n- bring questions\n",
                audience={},
                author_id=staff,
                state=AnnouncementState.SCHEDULED,
                schedule_version=1,
                send_at=utcnow(),
            )
        )
    engine.dispose()


def child(mode: str, path: Path) -> None:
    """Run one side in this process and print its figures as JSON."""
    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    from models.base import utcnow
    from models.email import Email
    from plumbing.db import make_engine
    from plumbing.settings import get_settings

    engine = make_engine(f"sqlite:///{path}")
    sessions = sessionmaker(engine, expire_on_commit=False)
    settings = get_settings()
    started = time.perf_counter()
    if mode == "announce":
        from tasks.reactions.announce import deliver

        queued = deliver(sessions, 1, 1, settings=settings, now=utcnow()).queued
    else:
        queued = baseline(sessions, settings)
    elapsed = time.perf_counter() - started
    with sessions() as session:
        counted = len(session.scalars(select(Email.id)).all())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "queued": queued, "rows": counted, "peak_mb": peak}))


def baseline(sessions, settings) -> int:  # type: ignore[no-untyped-def]
    """The least that queuing one rendered email per contact takes."""
    from sqlalchemy import select

    from models.announcement import Announcement
    from models.hub import Contact, Hub
    from models.legislature import District
    from models.services.reach import Person
    from plumbing.email.outbox import insert_emails
    from tasks.reactions.announce import email_for

    with sessions() as session:
        found = session.get(Announcement, 1)
        people = session.execute(
            select(Contact.email, Contact.name, Hub.id, Hub.name, District.name, Hub.token_version)
            .join(Hub, Hub.id == Contact.hub_id)
            .join(District, District.id == Hub.district_id)
        ).all()
        from models.base import utcnow
        from plumbing.email.announce import written

        text, now = written(found.subject, found.body), utcnow()
        rows = [email_for(found, Person(*p), settings=settings, now=now, text=text) for p in people]
        queued = insert_emails(session, rows)
        session.commit()
    return queued


def run(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.announce", "--child", mode, str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {mode} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def dispatch_all(path: Path, delay: float) -> None:
    from sqlalchemy.orm import sessionmaker

    from bench.fake import dispatched
    from plumbing.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        sent = dispatched(sessions, delay=delay)
    finally:
        engine.dispose()
    report, elapsed, stats = sent.report, sent.elapsed, sent.stats
    ceiling = sent.concurrency / delay if delay else float("inf")
    rate = stats["accepted"] / elapsed
    print(
        f"dispatch      {report}; {stats['accepted']:,} accepted by the fake SendGrid "
        f"({stats['distinct']:,} distinct) in {elapsed:.2f} s: {rate:.0f}/s (target >= 500); "
        f"ceiling {ceiling:.0f}/s ({sent.concurrency} connections x "
        f"{delay * 1000:.0f} ms): {rate / ceiling:.2f} of it"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2500,10000")
    parser.add_argument("--delay", type=float, default=0.020)
    args = parser.parse_args()
    # Its own key: a bench signs links like the product, with a key that protects nothing.
    os.environ.setdefault("HUBFLOW_SECRET_KEY", secrets.token_urlsafe(48))
    sizes = [int(s) for s in args.sizes.split(",")]
    with scratch("hubflow-announce-") as tmp:
        peaks = []
        for n in sizes:
            built = tmp / f"built-{n}.db"
            build(built, n)
            shutil.copy(built, tmp / f"a-{n}.db")
            shutil.copy(built, tmp / f"b-{n}.db")
            mine, base = run("announce", tmp / f"a-{n}.db"), run("baseline", tmp / f"b-{n}.db")
            assert mine["rows"] == base["rows"] == n, (mine, base)
            peaks.append(mine["peak_mb"])
            print(
                f"{n:>7,} people  announce {mine['seconds']:.2f} s ({mine['queued']:,.0f} queued, "
                f"peak {mine['peak_mb']:.0f} MB)   baseline {base['seconds']:.2f} s "
                f"(peak {base['peak_mb']:.0f} MB)   ratio {mine['seconds'] / base['seconds']:.2f}"
            )
        if len(peaks) > 1:
            per = (peaks[-1] - peaks[0]) / (sizes[-1] - sizes[0]) * 1000
            print(f"memory        {per:.2f} MB more per 1,000 more people (target: flat)")
        dispatch_all(tmp / f"a-{sizes[-1]}.db", args.delay)


if __name__ == "__main__":
    main()
