"""Send pending emails with bounded concurrency, safe with several dispatchers at once.

A dispatcher claims a small batch (pending -> sending, `FOR UPDATE SKIP LOCKED` on
PostgreSQL, an IMMEDIATE transaction on SQLite), sends each email, and records each
result at once. If it dies, its claimed rows go back to pending once their lease
expires; while it lives it renews that lease, every third of it. The only email that can
go out twice is one whose request was in flight when the dispatcher died: at most
`dispatch_concurrency` of them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import Email, EmailState
from models.services.common import transaction
from plumbing.batching import Batcher
from plumbing.db import unavailable
from plumbing.email.backends import (
    EmailBackend,
    Failed,
    Outgoing,
    Retry,
    SendResult,
    Sent,
    get_backend,
)
from plumbing.email.claims import claim, release_stale, renew, worker_name
from plumbing.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    counts: Counter[str] = field(default_factory=Counter)
    # Seconds from SendGrid's answer to its record committed, per email: the window in
    # which a killed dispatcher leaves an email that goes out again after the lease.
    windows: list[float] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())) or "nothing to send"
        )


def backoff(attempt: int, base: float, *, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter around it: base * 2^(attempt-1) * [0.5, 1.5)."""
    return base * (2 ** (attempt - 1)) * (0.5 + rng())


_TABLE = cast(Table, Email.__table__)
# Only the worker still holding an email's claim may record it.
_MINE = (_TABLE.c.state == EmailState.SENDING, _TABLE.c.claimed_by == bindparam("worker"))
# The common case, built once: every email of a batch that went out, one executemany.
_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("eid"), *_MINE)
    .values(
        state=EmailState.SENT,
        sent_at=bindparam("now"),
        last_error="",
        provider_message_id=bindparam("pid"),
    )
)


def record(
    sessions: sessionmaker[Session],
    results: list[tuple[int, SendResult]],
    *,
    worker: str,
    settings: Settings,
    now: datetime,
) -> list[str]:
    """Store what the backend said about each email, in one transaction.

    Only the worker still holding an email's claim may record it.
    """
    outcomes, sent = [], []
    with sessions() as session, transaction(session):
        for email_id, result in results:
            if isinstance(result, Sent):  # the common case: one executemany below
                sent.append(
                    {"eid": email_id, "pid": result.provider_id, "worker": worker, "now": now}
                )
                outcomes.append("sent")
                continue
            values, outcome = _values_for(session, email_id, result, settings=settings, now=now)
            session.execute(
                update(_TABLE).where(_TABLE.c.id == email_id, *_MINE).values(**values),
                {"worker": worker},
            )
            outcomes.append(outcome)
        if sent:
            session.execute(_SENT, sent)
    return outcomes


def _values_for(
    session: Session, email_id: int, result: SendResult, *, settings: Settings, now: datetime
) -> tuple[dict[str, object], str]:
    if isinstance(result, Sent):
        return {
            "state": EmailState.SENT,
            "sent_at": now,
            "last_error": "",
            "provider_message_id": result.provider_id,
        }, "sent"
    if isinstance(result, Failed):
        return {"state": EmailState.FAILED, "last_error": result.reason}, "failed"
    attempts = session.scalar(select(Email.attempts).where(Email.id == email_id)) or 1
    if result.throttled:  # SendGrid asked us to wait: as long as it says, no attempt spent
        return {
            "state": EmailState.PENDING,
            "last_error": result.reason,
            "claimed_by": None,
            "attempts": max(attempts - 1, 0),
            "next_attempt_at": now
            + timedelta(
                seconds=result.after_seconds or backoff(attempts, settings.email_retry_base_seconds)
            ),
        }, "retrying"
    if attempts >= settings.email_max_attempts:
        reason = f"gave up after {attempts} attempts: {result.reason}"
        return {"state": EmailState.FAILED, "last_error": reason}, "failed"
    delay = max(result.after_seconds or 0.0, backoff(attempts, settings.email_retry_base_seconds))
    return {
        "state": EmailState.PENDING,
        "last_error": result.reason,
        "claimed_by": None,
        "next_attempt_at": now + timedelta(seconds=delay),
    }, "retrying"


def dispatch(
    sessions: sessionmaker[Session],
    *,
    backend: EmailBackend | None = None,
    settings: Settings | None = None,
    limit: int | None = None,
    concurrency: int | None = None,
    clock: Callable[[], datetime] = utcnow,
    progress: Callable[[str], None] | None = None,
) -> DispatchReport:
    """Send every email due now (or `limit` of them); retries wait for their time.

    `progress`, if given, hears each email's outcome as it is recorded (from the
    sending threads)."""
    settings = settings or get_settings()
    backend = backend or get_backend(settings)
    concurrency = concurrency or settings.dispatch_concurrency
    worker, report = worker_name(), DispatchReport()
    lease = timedelta(seconds=settings.dispatch_lease_seconds)

    def deliver(message: Outgoing) -> str:
        try:
            result = backend.send(message)
        except Exception as exc:  # a bug or an unexpected fault: keep it, retry it later
            log.exception("email %s: backend raised", message.id, extra={"email_id": message.id})
            result = Retry(f"unexpected error: {exc!r}")
        answered = time.perf_counter()
        outcome = recorder.submit((message.id, result)).result()
        report.windows.append(time.perf_counter() - answered)  # list.append: one bytecode
        if progress is not None:
            progress(outcome)
        return outcome

    release_stale(sessions, lease=lease, now=clock())
    budget = _Budget(limit)
    # Results from all sending threads are written together: one transaction for many
    # emails. A thread waits until its result is committed before it sends again, so at
    # any moment each thread has at most one email sent-but-unrecorded: the crash bound
    # stays the concurrency.
    recorder: Batcher[tuple[int, SendResult], str] = Batcher(
        lambda results: record(sessions, results, worker=worker, settings=settings, now=clock()),
        max_batch=256,
        name="dispatch-record",
        retry_alone=lambda exc: not unavailable(exc),
    )

    def work() -> Counter[str]:
        # Each thread claims a few emails at a time, so requests keep flowing without a
        # batch boundary, and a crash strands at most a few claims per thread.
        counts: Counter[str] = Counter()
        while (room := budget.take(CLAIM_PER_THREAD)) > 0:
            batch = claim(sessions, worker=worker, limit=room, now=clock())
            budget.give_back(room - len(batch))
            if not batch:
                break
            for message in batch:
                counts[deliver(message)] += 1
        return counts

    every = max(lease.total_seconds() / 3, 0.2)  # not a busy loop under a tiny test lease
    renewing = _Renewer(sessions, worker=worker, every=every, clock=clock)
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="dispatch") as pool:
            for counts in pool.map(lambda _: work(), range(concurrency)):
                report.counts.update(counts)
    finally:
        renewing.stop()
        recorder.close()
    return report


class _Renewer:
    """While a dispatch runs, its claims' lease starts again every third of the lease: a
    slow SendGrid never lets another dispatcher take (and send again) what this one holds,
    and a killed one's claims are free a lease after its last renewal."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        worker: str,
        every: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.done = threading.Event()
        self.thread = threading.Thread(
            target=self._run,
            args=(sessions, worker, every, clock),
            name="dispatch-renew",
            daemon=True,
        )
        self.thread.start()

    def _run(
        self,
        sessions: sessionmaker[Session],
        worker: str,
        every: float,
        clock: Callable[[], datetime],
    ) -> None:
        while not self.done.wait(every):
            try:
                renew(sessions, worker=worker, now=clock())
            except Exception:  # the database is away: the sending threads will say so
                log.warning("could not renew the claims of %s", worker, exc_info=True)

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)


CLAIM_PER_THREAD = 8


class _Budget:
    """How many more emails this run may claim (unbounded without a limit)."""

    def __init__(self, limit: int | None) -> None:
        self.left = limit
        self.lock = threading.Lock()

    def take(self, n: int) -> int:
        with self.lock:
            if self.left is None:
                return n
            n = min(n, self.left)
            self.left -= n
            return n

    def give_back(self, n: int) -> None:
        with self.lock:
            if self.left is not None:
                self.left += n
