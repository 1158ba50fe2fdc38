"""Claiming due emails for one dispatcher: a few at a time, leased, suppressed addresses
set aside (see plumbing.email.dispatch)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import (
    ASKED_FOR,
    TOPIC_KINDS,
    Email,
    EmailState,
    OptOut,
    Suppression,
    SuppressionReason,
)
from models.services.common import transaction
from plumbing.email.backends import Outgoing


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


# A dispatcher's own claims, locked in order and skipping any its recorder holds (that
# one is being recorded, so it leaves `sending`): the renewal never waits for a row lock,
# so it cannot deadlock with the recorder's batch (PostgreSQL; SQLite locks the file).
_RENEWABLE = (
    select(Email.id)
    .where(Email.state == EmailState.SENDING, Email.claimed_by == bindparam("worker"))
    .order_by(Email.id)
    .with_for_update(skip_locked=True)
)


def renew(sessions: sessionmaker[Session], *, worker: str, now: datetime) -> int:
    """A live dispatcher's claims start their lease again: they are never taken from it."""
    with sessions() as session, transaction(session):
        ids = list(session.scalars(_RENEWABLE, {"worker": worker}))
        if ids:
            session.execute(
                update(Email)
                .where(Email.id.in_(ids), Email.state == EmailState.SENDING)
                .values(claimed_at=now)
                .execution_options(synchronize_session=False)
            )
    return len(ids)


def left_behind(sessions: sessionmaker[Session], *, lease: timedelta, now: datetime) -> int:
    """How many emails no live dispatcher will send: claims that outlived their lease (their
    dispatcher died) and due emails queued a lease ago or more (one died before claiming
    them, or none ran since)."""
    with sessions() as session:
        stale = and_(Email.state == EmailState.SENDING, Email.claimed_at < now - lease)
        waiting = and_(*_due(now), Email.created_at < now - lease)
        return session.scalar(select(func.count()).where(or_(stale, waiting))) or 0


def _due(now: datetime | ColumnElement[datetime]) -> tuple[ColumnElement[bool], ...]:
    """Waiting to be sent, and not waiting for a retry's time."""
    return (
        Email.state == EmailState.PENDING,
        or_(Email.next_attempt_at.is_(None), Email.next_attempt_at <= now),
    )


def due_count(sessions: sessionmaker[Session], *, now: datetime | None = None) -> int:
    """How many emails a dispatch would send now."""
    with sessions() as session:
        return session.scalar(select(func.count()).where(*_due(now or utcnow()))) or 0


# Built once: a dispatcher claims a few emails at a time, many times a second.
_SUPPRESSED = and_(
    Email.to_staff.is_(False),
    or_(
        and_(Email.kind.not_in(ASKED_FOR), Email.to_email.in_(select(Suppression.email))),
        Email.to_email.in_(
            select(Suppression.email).where(Suppression.reason != SuppressionReason.UNSUBSCRIBE)
        ),
        # A topic the address stopped since the email was queued (reminders, announcements).
        *(
            and_(
                Email.kind.in_(kinds),
                Email.to_email.in_(select(OptOut.email).where(OptOut.topic == topic)),
            )
            for topic, kinds in TOPIC_KINDS.items()
            if kinds
        ),
    ),
)
_NOW: BindParameter[datetime] = bindparam("now", type_=Email.__table__.c.created_at.type)
# The due emails to take, each with whether its address has unsubscribed or bounced since
# it was queued.
_CLAIMABLE = (
    select(Email.id, _SUPPRESSED.label("suppressed"))
    .where(*_due(_NOW))
    .order_by(Email.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_SET_ASIDE = (
    update(Email)
    .where(Email.id.in_(_IDS))
    .values(state=EmailState.SUPPRESSED, last_error="the address unsubscribed or bounced")
    .execution_options(synchronize_session=False)
)
_TAKE = (
    update(Email)
    .where(Email.id.in_(_IDS))
    .values(
        state=EmailState.SENDING,
        claimed_by=bindparam("worker"),
        claimed_at=_NOW,
        attempts=Email.attempts + 1,
    )
    .returning(
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
    .execution_options(synchronize_session=False)
)


def claim(
    sessions: sessionmaker[Session], *, worker: str, limit: int, now: datetime
) -> list[Outgoing]:
    """Take up to `limit` due emails for this worker, in one transaction."""
    with sessions() as session, transaction(session):
        rows = session.execute(_CLAIMABLE, {"now": now, "limit": limit}).all()
        suppressed = [r.id for r in rows if r.suppressed]
        if suppressed:
            session.execute(_SET_ASIDE, {"ids": suppressed})
        ids = [r.id for r in rows if not r.suppressed]
        if not ids:
            return []
        taken = session.execute(_TAKE, {"ids": ids, "worker": worker, "now": now}).all()
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
        for r in sorted(taken, key=lambda r: r.id)
    ]
