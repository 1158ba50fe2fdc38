"""Read side of announcements: how each went (what SendGrid's webhook said of its emails),
and who got it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from models.announcement import Announcement
from models.email import (
    DELIVERY_WORDS,
    Email,
    EmailState,
    OptOut,
    Suppression,
    SuppressionReason,
    Topic,
)
from models.hub import Hub
from models.services.audience import Audience, describe
from models.staff import StaffMember

BOUNCES = ("bounce", "dropped")
UNSUBSCRIBES = ("unsubscribe", "group_unsubscribe", "spamreport")


@dataclass(frozen=True, slots=True)
class Figures:
    queued: int = 0  # emails in the outbox for it (tests to staff aside)
    waiting: int = 0  # not yet handed to SendGrid
    sent: int = 0  # accepted by SendGrid
    delivered: int = 0
    bounced: int = 0
    unsubscribed: int = 0  # by the email's link, the mail client's button or a spam report
    not_sent: int = 0  # set aside (unsubscribed or bounced since it was queued) or failed


def _recipients(announcement_id: int) -> Any:
    return Email.announcement_id == announcement_id, Email.to_staff.is_(False)


def figures(session: Session, found: Announcement) -> Figures:
    """How its emails went, counted in the database."""
    where = _recipients(found.id)

    def n(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            func.count(Email.id),
            n(Email.state.in_([EmailState.PENDING, EmailState.SENDING])),
            n(Email.state == EmailState.SENT),
            n(Email.delivery.in_(["delivered", "open", "click"])),
            n(Email.delivery.in_(BOUNCES)),
            n(Email.state.in_([EmailState.SUPPRESSED, EmailState.FAILED])),
        ).where(*where)
    ).one()
    return Figures(
        queued=row[0],
        waiting=row[1],
        sent=row[2],
        delivered=row[3],
        bounced=row[4],
        unsubscribed=unsubscribed(session, found),
        not_sent=row[5],
    )


def unsubscribed(session: Session, found: Announcement) -> int:
    """Its recipients who stopped announcements (or everything) since it went, or whose
    email SendGrid says was unsubscribed from or reported as spam."""
    if found.sent_at is None:
        return 0
    stopped = or_(
        Email.delivery.in_(UNSUBSCRIBES),
        Email.to_email.in_(
            select(OptOut.email).where(
                OptOut.topic == Topic.ANNOUNCEMENTS, OptOut.created_at >= found.sent_at
            )
        ),
        Email.to_email.in_(
            select(Suppression.email).where(
                Suppression.reason == SuppressionReason.UNSUBSCRIBE,
                Suppression.created_at >= found.sent_at,
            )
        ),
    )
    counted = select(func.count(Email.id)).where(*_recipients(found.id), stopped)
    return session.scalar(counted) or 0


@dataclass(frozen=True, slots=True)
class Received:
    name: str
    email: str
    hub_id: int | None
    hub_name: str
    how: str  # in words: "delivered", "waiting to be sent", ...


def received(
    session: Session, found: Announcement, *, limit: int, offset: int = 0
) -> list[Received]:
    """Who it went to, a page at a time, in the order they were queued."""
    rows = session.execute(
        select(Email.to_name, Email.to_email, Email.hub_id, Hub.name, Email.state, Email.delivery)
        .outerjoin(Hub, Hub.id == Email.hub_id)
        .where(*_recipients(found.id))
        .order_by(Email.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        Received(name, email, hub_id, hub_name or "", _how(state, delivery))
        for name, email, hub_id, hub_name, state, delivery in rows
    ]


def _how(state: EmailState, delivery: str | None) -> str:
    if delivery:
        return DELIVERY_WORDS.get(delivery, delivery)
    return {
        EmailState.PENDING: "waiting to be sent",
        EmailState.SENDING: "being sent",
        EmailState.SENT: "sent",
        EmailState.FAILED: "could not be sent",
        EmailState.SUPPRESSED: "not sent: unsubscribed or bounced since",
    }[state]


def export_rows(session: Session, tz: tzinfo) -> list[dict[str, str]]:
    """One row per announcement: what, by whom, to whom, when, and how it went."""
    team = list(session.scalars(select(StaffMember)))
    rows = []
    for a in session.scalars(select(Announcement).order_by(Announcement.id)):
        counted = figures(session, a)
        rows.append(
            {
                "id": str(a.id),
                "subject": a.subject,
                "author": a.author.name,
                "approved_by": a.approved_by.name if a.approved_by else "",
                "state": a.state.label,
                "audience": "; ".join(describe(Audience.from_dict(a.audience), team)),
                "send_at": a.send_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if a.send_at else "",
                "sent": a.sent_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if a.sent_at else "",
                "hubs": str(a.hubs),
                "people": str(counted.queued),
                "delivered": str(counted.delivered),
                "bounced": str(counted.bounced),
                "unsubscribed": str(counted.unsubscribed),
                "body": a.body,
            }
        )
    return rows
