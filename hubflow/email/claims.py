"""Claiming due emails for one dispatcher: a few at a time, leased, suppressed addresses
set aside (see hubflow.email.dispatch)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from hubflow.email.backends import Outgoing
from models.base import utcnow
from models.email import ASKED_FOR, Email, EmailState, Suppression, SuppressionReason
from models.services.common import transaction


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def release_stale(sessions: sessionmaker[Session], *, lease: timedelta, now: datetime) -> int:
    """Claims older than the lease belong to a dispatcher that died: make them due again."""
    with sessions() as session, transaction(session):
        result = session.execute(
            update(Email)
            .where(Email.state == EmailState.SENDING, Email.claimed_at < now - lease)
            .values(state=EmailState.PENDING, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Waiting to be sent, and not waiting for a retry's time."""
    return (
        Email.state == EmailState.PENDING,
        or_(Email.next_attempt_at.is_(None), Email.next_attempt_at <= now),
    )


def due_count(sessions: sessionmaker[Session], *, now: datetime | None = None) -> int:
    """How many emails a dispatch would send now."""
    with sessions() as session:
        return session.scalar(select(func.count()).where(*_due(now or utcnow()))) or 0


def claim(
    sessions: sessionmaker[Session], *, worker: str, limit: int, now: datetime
) -> list[Outgoing]:
    """Take up to `limit` due emails for this worker, in one transaction."""
    with sessions() as session, transaction(session):
        ids = list(
            session.scalars(
                select(Email.id)
                .where(*_due(now))
                .order_by(Email.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        # An address may have unsubscribed or bounced since the email was queued.
        suppressed = set(
            session.scalars(
                select(Email.id).where(
                    Email.id.in_(ids),
                    Email.to_staff.is_(False),
                    or_(
                        and_(
                            Email.kind.not_in(ASKED_FOR),
                            Email.to_email.in_(select(Suppression.email)),
                        ),
                        Email.to_email.in_(
                            select(Suppression.email).where(
                                Suppression.reason != SuppressionReason.UNSUBSCRIBE
                            )
                        ),
                    ),
                )
            )
        )
        if suppressed:
            session.execute(
                update(Email)
                .where(Email.id.in_(suppressed))
                .values(
                    state=EmailState.SUPPRESSED, last_error="the address unsubscribed or bounced"
                )
                .execution_options(synchronize_session=False)
            )
        ids = [i for i in ids if i not in suppressed]
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
