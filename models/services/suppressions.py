"""Unsubscribes and bounces: an address hubflow writes to no more (staff mail excepted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.email import Email, Suppression, SuppressionReason
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
