"""Recording each run of a scheduled job (the sweep, the daily report, dispatch) in its
row of `job_runs`: when it started, when it ended and how, and its last failure (in words
that leave out the values a failed statement was writing: /staff/system shows them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.job_run import JobRun
from models.services.common import transaction
from plumbing.db import error_words
from plumbing.email.outbox import insert_ignoring_duplicates


class Said:
    """What the job says it did, for its row (set by the job before it ends)."""

    text = ""


@contextmanager
def recorded(sessions: sessionmaker[Session], name: str) -> Iterator[Said]:
    """Around one run of `name`: started, then completed or failed (with the error)."""
    said = Said()
    started = utcnow()
    with sessions() as session, transaction(session):
        insert_ignoring_duplicates(
            session,
            JobRun.__table__,
            [{"name": name, "started_at": started, "outcome": "running", "detail": "",
              "runs": 0, "last_failure": ""}],
        )  # fmt: skip
        session.execute(
            update(JobRun)
            .where(JobRun.name == name)
            .values(started_at=started, finished_at=None, outcome="running", runs=JobRun.runs + 1)
        )
    try:
        yield said
    except BaseException as exc:
        why = error_words(exc)[:2000]  # without the row a database error was writing
        now = utcnow()
        with sessions() as session, transaction(session):
            session.execute(
                update(JobRun)
                .where(JobRun.name == name)
                .values(
                    finished_at=now,
                    outcome="failed",
                    detail=why,
                    last_failed_at=now,
                    last_failure=why,
                )
            )
        raise
    with sessions() as session, transaction(session):
        session.execute(
            update(JobRun)
            .where(JobRun.name == name)
            .values(finished_at=utcnow(), outcome="completed", detail=said.text[:2000])
        )
