"""kill -9 of an in-process relay while it sends (#34): the emails it had claimed, and those
it had queued but not yet claimed, go out within 60 s of a new relay starting; none is
lost, and only requests in flight at the kill can go out twice."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.email import Email, EmailState
from models.services.hubs import submit_interest
from plumbing.email.fake_sendgrid import FakeSendGrid
from tests import factories
from tests.system.helpers import HUBFLOW, hubflow_env, stop, wait_for

FORMS = 30
CONCURRENCY = 4
WITHIN = 60.0


def _states(sessions: sessionmaker[Session]) -> Counter[EmailState]:
    with sessions() as session:
        return Counter(
            {
                state: n
                for state, n in session.execute(
                    select(Email.state, func.count()).group_by(Email.state)
                ).all()
            }
        )


def _relay(env: dict[str, str], folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*HUBFLOW, "relay"],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_killed_relays_emails_go_out_within_a_minute_of_a_new_one(
    clean_engine: Engine, database_url: str, tmp_path: Path, prefect_server: tuple[int, str]
) -> None:
    _, api = prefect_server
    sessions = sessionmaker(clean_engine, expire_on_commit=False)
    with sessions() as session:
        factories.staff(session)
        for _ in range(FORMS):
            submit_interest(session, factories.interest_form())
    with FakeSendGrid(delay=0.4) as fake:
        env = hubflow_env(
            database_url,
            tmp_path,
            PREFECT_API_URL=api,
            HUBFLOW_EMAIL_BACKEND="sendgrid",
            SENDGRID_API_KEY="SG.test",
            HUBFLOW_SENDGRID_HOST=fake.url,
            HUBFLOW_DISPATCH_CONCURRENCY=str(CONCURRENCY),
        )
        first = _relay(env, tmp_path)
        try:
            try:
                wait_for(lambda: sum(fake.accepted.values()) >= CONCURRENCY, 150)
            except AssertionError:
                raise AssertionError(
                    "nothing sent in 150 s; the relay said:\n" + stop(first)
                ) from None
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop(first)
        time.sleep(0.5)  # the requests in flight finish at the server
        at_kill = _states(sessions)
        total = sum(at_kill.values())
        assert at_kill[EmailState.SENDING] > 0, at_kill  # it died holding claims
        second = _relay(env, tmp_path)
        started = time.monotonic()
        try:
            try:
                wait_for(lambda: _states(sessions)[EmailState.SENT] == total, WITHIN + 30)
            except AssertionError:
                raise AssertionError(
                    f"{_states(sessions)} of {total} after {WITHIN + 30} s; the new relay "
                    "said:\n" + stop(second)
                ) from None
            took = time.monotonic() - started
        finally:
            output = stop(second)
        print(f"at the kill: {dict(at_kill)}; all {total} sent {took:.1f} s after the new relay")
        assert took < WITHIN, output
        repeated = [n for n in fake.accepted.values() if n > 1]
    assert len(fake.accepted) == total  # none lost
    assert all(n == 2 for n in repeated) and len(repeated) <= CONCURRENCY
    assert "Traceback" not in output, output
