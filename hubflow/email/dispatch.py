"""Send pending emails with bounded concurrency, safe with several dispatchers at once.

A dispatcher claims a small batch (pending -> sending, `FOR UPDATE SKIP LOCKED` on
PostgreSQL, an IMMEDIATE transaction on SQLite), sends each email, and records each
result at once. If it dies, its claimed rows go back to pending once their lease
expires. The only email that can go out twice is one whose request was in flight when
the dispatcher died: at most `dispatch_concurrency` of them.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from hubflow.email.backends import (
    EmailBackend,
    Failed,
    Outgoing,
    Retry,
    SendResult,
    Sent,
    get_backend,
)
from hubflow.settings import Settings, get_settings
from models.base import utcnow
from models.email import Email, EmailState, Suppression

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    counts: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        return (
            ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())) or "nothing to send"
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim(
    sessions: sessionmaker[Session],
    *,
    worker: str,
    limit: int,
    lease: timedelta,
    now: datetime,
) -> list[Outgoing]:
    """Take up to `limit` due emails for this worker, in one transaction."""
    with sessions() as session, session.begin():
        # A claim older than the lease belongs to a dispatcher that died: send it again.
        session.execute(
            update(Email)
            .where(Email.state == EmailState.SENDING, Email.claimed_at < now - lease)
            .values(state=EmailState.PENDING, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        # An address may have unsubscribed or bounced since the email was queued.
        session.execute(
            update(Email)
            .where(
                Email.state == EmailState.PENDING,
                Email.to_staff.is_(False),
                Email.to_email.in_(select(Suppression.email)),
            )
            .values(state=EmailState.SUPPRESSED, last_error="the address unsubscribed or bounced")
            .execution_options(synchronize_session=False)
        )
        ids = list(
            session.scalars(
                select(Email.id)
                .where(
                    Email.state == EmailState.PENDING,
                    or_(Email.next_attempt_at.is_(None), Email.next_attempt_at <= now),
                )
                .order_by(Email.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        session.execute(
            update(Email)
            .where(Email.id.in_(ids))
            .values(
                state=EmailState.SENDING,
                claimed_by=worker,
                claimed_at=now,
                attempts=Email.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(
                Email.id,
                Email.key,
                Email.kind,
                Email.hub_id,
                Email.to_email,
                Email.to_name,
                Email.subject,
                Email.html,
                Email.text,
                Email.unsubscribe_url,
                Email.attempts,
            )
            .where(Email.id.in_(ids))
            .order_by(Email.id)
        ).all()
    return [
        Outgoing(
            id=r.id,
            key=r.key,
            kind=r.kind.value,
            hub_id=r.hub_id,
            to_email=r.to_email,
            to_name=r.to_name,
            subject=r.subject,
            html=r.html,
            text=r.text,
            unsubscribe_url=r.unsubscribe_url,
        )
        for r in rows
    ]


def backoff(attempt: int, base: float, *, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter around it: base * 2^(attempt-1) * [0.5, 1.5)."""
    return base * (2 ** (attempt - 1)) * (0.5 + rng())


def record(
    sessions: sessionmaker[Session],
    email_id: int,
    result: SendResult,
    *,
    worker: str,
    settings: Settings,
    now: datetime,
) -> str:
    """Store what the backend said; only the worker holding the claim may."""
    mine = (Email.id == email_id, Email.state == EmailState.SENDING, Email.claimed_by == worker)
    with sessions() as session, session.begin():
        if isinstance(result, Sent):
            values: dict[str, object] = {
                "state": EmailState.SENT,
                "sent_at": now,
                "provider_message_id": result.provider_id,
                "last_error": "",
            }
            outcome = "sent"
        elif isinstance(result, Failed):
            values, outcome = {"state": EmailState.FAILED, "last_error": result.reason}, "failed"
        else:
            attempts = session.scalar(select(Email.attempts).where(Email.id == email_id)) or 1
            if attempts >= settings.email_max_attempts:
                values = {
                    "state": EmailState.FAILED,
                    "last_error": f"gave up after {attempts} attempts: {result.reason}",
                }
                outcome = "failed"
            else:
                delay = max(
                    result.after_seconds or 0.0,
                    backoff(attempts, settings.email_retry_base_seconds),
                )
                values = {
                    "state": EmailState.PENDING,
                    "last_error": result.reason,
                    "claimed_by": None,
                    "next_attempt_at": now + timedelta(seconds=delay),
                }
                outcome = "retrying"
        session.execute(
            update(Email).where(*mine).values(**values).execution_options(synchronize_session=False)
        )
    return outcome


def dispatch(
    sessions: sessionmaker[Session],
    *,
    backend: EmailBackend | None = None,
    settings: Settings | None = None,
    limit: int | None = None,
    concurrency: int | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> DispatchReport:
    """Send every email due now (or `limit` of them); retries wait for their time."""
    settings = settings or get_settings()
    backend = backend or get_backend(settings)
    concurrency = concurrency or settings.dispatch_concurrency
    worker, report = worker_name(), DispatchReport()
    lease = timedelta(seconds=settings.dispatch_lease_seconds)

    def deliver(message: Outgoing) -> str:
        try:
            result = backend.send(message)
        except Exception as exc:  # a bug or an unexpected fault: keep it, retry it later
            log.exception("email %s: backend raised", message.id)
            result = Retry(f"unexpected error: {exc!r}")
        return record(sessions, message.id, result, worker=worker, settings=settings, now=clock())

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="dispatch") as pool:
        while limit is None or report.counts.total() < limit:
            room = (
                concurrency * 4
                if limit is None
                else min(concurrency * 4, limit - report.counts.total())
            )
            batch = claim(sessions, worker=worker, limit=room, lease=lease, now=clock())
            if not batch:
                break
            for outcome in pool.map(deliver, batch):
                report.counts[outcome] += 1
    return report
