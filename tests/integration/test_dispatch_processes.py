"""Dispatchers as separate processes: two at once, and one killed mid-flight (SPEC §3, §4)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.email import Email, EmailState
from plumbing.email.fake_sendgrid import FakeSendGrid
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def dispatcher(database_url: str, fake: FakeSendGrid, **env: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": database_url,
        "HUBFLOW_EMAIL_BACKEND": "sendgrid",
        "SENDGRID_API_KEY": "SG.test",
        "HUBFLOW_SENDGRID_HOST": fake.url,
        "HUBFLOW_SENDGRID_TIMEOUT_SECONDS": "10",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "hubflow.cli.main", "outbox", "dispatch"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def sent_by(output: str) -> int:
    match = re.search(r"(\d+) sent", output)
    return int(match.group(1)) if match else 0


def states(session: Session) -> dict[EmailState, int]:
    rows = session.execute(select(Email.state, func.count()).group_by(Email.state)).all()
    session.commit()
    return {state: n for state, n in rows}


def test_two_dispatchers_at_once_send_each_of_1000_emails_exactly_once(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions() as s:
        keys = factories.pending_emails(s, 1000)
    with FakeSendGrid(delay=0.03) as fake:
        procs = [dispatcher(database_url, fake) for _ in range(2)]
        outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert set(fake.accepted) == set(keys)
    assert set(fake.accepted.values()) == {1}
    per_process = [sent_by(o) for o in outputs]
    assert sum(per_process) == 1000 and min(per_process) > 0, outputs
    with sessions() as s:
        assert states(s) == {EmailState.SENT: 1000}


def test_a_dispatcher_killed_mid_flight_loses_nothing_and_repeats_only_what_was_in_flight(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    concurrency = 8
    with sessions() as s:
        keys = factories.pending_emails(s, 400)
    with FakeSendGrid(delay=0.05) as fake:
        first = dispatcher(database_url, fake, HUBFLOW_DISPATCH_CONCURRENCY=str(concurrency))
        deadline = time.monotonic() + 60
        while sum(fake.accepted.values()) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        time.sleep(0.2)  # the requests that were in flight finish at the server
        with sessions() as s:
            interrupted = states(s)
        assert interrupted.get(EmailState.SENDING, 0) > 0  # it really died holding claims
        # Its claims expire after the lease (shortened here), and the next dispatcher sends them.
        second = dispatcher(
            database_url,
            fake,
            HUBFLOW_DISPATCH_LEASE_SECONDS="0.001",
            HUBFLOW_DISPATCH_CONCURRENCY=str(concurrency),
        )
        output = second.communicate(timeout=300)[0]
    assert second.returncode == 0, output
    assert set(fake.accepted) == set(keys)  # none lost
    repeated = [k for k, n in fake.accepted.items() if n > 1]
    assert all(n <= 2 for n in fake.accepted.values())
    assert len(repeated) <= concurrency  # only requests in flight at the kill
    with sessions() as s:
        assert states(s) == {EmailState.SENT: 400}
