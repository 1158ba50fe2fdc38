"""Queue emails in the outbox table: rendered once, keyed deterministically, never twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.base import utcnow
from models.email import (
    Email,
    EmailState,
    MessageKind,
    OptOut,
    Suppression,
    SuppressionReason,
    Topic,
    topic_of,
)
from models.services.privacy import address_hash, legacy_hash
from plumbing.email.render import render
from plumbing.settings import get_settings
from plumbing.tokens import unsubscribe_url


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    name: str
    staff: bool = False


def email_key(base: str, recipient: Recipient) -> str:
    """The identity of one email: the event-derived `base` plus the recipient."""
    return f"{base}/to:{recipient.email.lower()}"


def is_suppressed(
    session: Session, address: str, *, asked_for: bool = False, topic: Topic | None = None
) -> bool:
    """Whether `address` gets no email (or none of `topic`, which it may have stopped on its
    own); one it `asked_for` is stopped only by a bounce."""
    forms = [address.lower(), address_hash(address, get_settings().key()), legacy_hash(address)]
    where: list[ColumnElement[bool]] = [Suppression.email.in_(forms)]
    if asked_for:
        where.append(Suppression.reason != SuppressionReason.UNSUBSCRIBE)
    if topic is not None and session.scalar(
        select(exists().where(OptOut.email == address.lower(), OptOut.topic == topic))
    ):
        return True
    return bool(session.scalar(select(exists().where(*where))))


def is_forgotten(session: Session, address: str) -> bool:
    """Whether the owner of `address` asked hubflow to forget it (its keyed hash is kept)."""
    forms = [address_hash(address, get_settings().key()), legacy_hash(address)]
    return bool(
        session.scalar(
            select(
                exists().where(
                    Suppression.email.in_(forms), Suppression.reason == SuppressionReason.FORGOTTEN
                )
            )
        )
    )


def email_row(
    *,
    key: str,
    kind: MessageKind,
    to: Recipient,
    context: dict[str, Any],
    hub_id: int | None,
    now: datetime,
    suppressed: bool,
) -> dict[str, Any]:
    """One rendered email, as a row of the outbox table."""
    # The link (and List-Unsubscribe) of a reminder stops reminders; of news, everything.
    unsubscribe = unsubscribe_url(to.email, topic=topic_of(kind))
    subject, html, text = render(
        kind, {**context, "recipient_name": to.name, "unsubscribe_url": unsubscribe}
    )
    return {
        "key": email_key(key, to),
        "kind": kind,
        "hub_id": hub_id,
        "to_email": to.email.lower(),
        "to_name": to.name,
        "to_staff": to.staff,
        "subject": subject,
        "html": html,
        "text": text,
        "unsubscribe_url": unsubscribe,
        "state": EmailState.SUPPRESSED if suppressed else EmailState.PENDING,
        "last_error": "the address unsubscribed or bounced" if suppressed else "",
        "created_at": now,
    }


def insert_emails(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert rendered emails; a key already queued is skipped. Returns how many were new."""
    return insert_ignoring_duplicates(session, Email.__table__, rows)


def insert_ignoring_duplicates(session: Session, table: Any, rows: list[dict[str, Any]]) -> int:
    """One executemany of `INSERT … ON CONFLICT DO NOTHING`; returns the rows inserted."""
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).on_conflict_do_nothing().returning(table.c.id)
    return len(session.execute(stmt, rows).all())


def suppressed_among(
    session: Session, addresses: set[str], *, topic: Topic | None = None
) -> set[str]:
    """The addresses that get no email, or none of `topic`."""
    if not addresses:
        return set()
    lowered = [a.lower() for a in addresses]
    found: set[str] = set()
    for start in range(0, len(lowered), 500):
        some = lowered[start : start + 500]
        found.update(session.scalars(select(Suppression.email).where(Suppression.email.in_(some))))
        if topic is not None:
            found.update(
                session.scalars(
                    select(OptOut.email).where(OptOut.email.in_(some), OptOut.topic == topic)
                )
            )
    return found


def queue_email(
    session: Session,
    *,
    key: str,
    kind: MessageKind,
    to: Recipient,
    context: dict[str, Any],
    hub_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Render and queue one email in the caller's transaction; False if `key` was queued before.

    An unsubscribed or bounced address gets a row in state `suppressed` (visible to staff),
    except for messages to staff (and a fresh link it asked for, unless it bounced).
    """
    if session.scalar(select(exists().where(Email.key == email_key(key, to)))):
        return False
    row = email_row(
        key=key,
        kind=kind,
        to=to,
        context=context,
        hub_id=hub_id,
        now=now or utcnow(),
        suppressed=not to.staff
        and kind is not MessageKind.CONFIRM_ADDRESS  # its owner just gave it again
        and is_suppressed(session, to.email, asked_for=kind.asked_for, topic=topic_of(kind)),
    )
    return insert_emails(session, [row]) == 1
