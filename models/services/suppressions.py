"""Unsubscribes and bounces: an address hubflow writes to no more (staff mail excepted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models.email import Email, OptOut, Suppression, SuppressionReason, Topic
from models.hub import Contact
from models.services.common import clock, transaction


def suppress(
    session: Session,
    address: str,
    reason: SuppressionReason,
    *,
    detail: str = "",
    now: datetime | None = None,
) -> bool:
    """Stop emailing `address`; False if it was already suppressed."""
    address, now = address.strip().lower(), clock(now)
    with transaction(session):
        if session.scalar(select(Suppression.id).where(Suppression.email == address)):
            return False
        session.add(Suppression(email=address, reason=reason, detail=detail, created_at=now))
        column = (
            Contact.unsubscribed_at
            if reason is SuppressionReason.UNSUBSCRIBE
            else Contact.bounced_at
        )
        session.execute(
            update(Contact)
            .where(Contact.email == address)
            .values({column: now})
            .execution_options(synchronize_session=False)
        )
        return True


def resubscribe(session: Session, address: str) -> bool:
    """Email `address` again after it unsubscribed; a bounce stays (mail would not arrive).
    False if there was no unsubscribe to undo."""
    address = address.strip().lower()
    with transaction(session):
        found = session.scalar(
            select(Suppression).where(
                Suppression.email == address, Suppression.reason == SuppressionReason.UNSUBSCRIBE
            )
        )
        if found is None:
            return False
        session.delete(found)
        session.execute(
            update(Contact)
            .where(Contact.email == address)
            .values(unsubscribed_at=None)
            .execution_options(synchronize_session=False)
        )
        return True


def opted_out(session: Session, address: str) -> set[Topic]:
    """The topics `address` asked to stop (everything else still comes)."""
    address = address.strip().lower()
    return set(session.scalars(select(OptOut.topic).where(OptOut.email == address)))


def choose_topics(
    session: Session, address: str, stopped: set[Topic], *, now: datetime | None = None
) -> set[Topic]:
    """Stop exactly the topics in `stopped` for `address` and get the others again; returns
    what changed. Everything (an unsubscribe) is apart: see suppress and resubscribe."""
    address, now = address.strip().lower(), clock(now)
    with transaction(session):
        before = opted_out(session, address)
        for topic in stopped - before:
            session.add(OptOut(email=address, topic=topic, created_at=now))
        if before - stopped:
            session.execute(
                delete(OptOut).where(OptOut.email == address, OptOut.topic.in_(before - stopped))
            )
        return before ^ stopped


def stop_topic(
    session: Session, address: str, topic: Topic, *, now: datetime | None = None
) -> bool:
    """Stop one topic for `address` (a one-click unsubscribe); False if it was stopped."""
    return bool(choose_topics(session, address, opted_out(session, address) | {topic}, now=now))


# What SendGrid's Event Webhook can say of an email that hubflow keeps (opens and clicks are
# not kept: they say nothing of delivery, and they track people).
DELIVERY_EVENTS = frozenset(
    {
        "processed",
        "delivered",
        "deferred",
        "bounce",
        "dropped",
        "unsubscribe",
        "group_unsubscribe",
        "spamreport",
    }
)


def record_deliveries(session: Session, events: list[tuple[int, str, datetime]]) -> int:
    """What SendGrid said of each email (its id, the event, when): an email keeps the latest
    (an event that arrives late does not overwrite a newer one). Returns how many changed."""
    changed = 0
    with transaction(session):
        for email_id, event, at in sorted(events, key=lambda e: e[2]):
            if event not in DELIVERY_EVENTS:
                continue
            result = session.execute(
                update(Email)
                .where(
                    Email.id == email_id,
                    (Email.delivery_at.is_(None)) | (Email.delivery_at <= at),
                )
                .values(delivery=event, delivery_at=at)
                .execution_options(synchronize_session=False)
            )
            changed += result.rowcount  # type: ignore[attr-defined]
    return changed
