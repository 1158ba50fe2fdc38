"""The email outbox: every message hubflow sends, with its deterministic identity (SPEC §4)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.columns import enum_type


class MessageKind(StrEnum):
    INTEREST_RECEIVED = "interest_received"
    REVIEW_ASSIGNED = "review_assigned"
    SUBMISSION_RECEIVED = "submission_received"
    STAGE_APPROVED = "stage_approved"
    CHANGES_REQUESTED = "changes_requested"
    DECLINED = "declined"
    LISTED_WELCOME = "listed_welcome"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE_NUDGE = "overdue_nudge"
    STALLED_ESCALATION = "stalled_escalation"
    REVIEW_OVERDUE = "review_overdue"
    DAILY_DIGEST = "daily_digest"
    HUB_LINK = "hub_link"
    HUB_IMPORTED = "hub_imported"
    HUB_REOPENED = "hub_reopened"
    CONFIRM_ADDRESS = "confirm_address"
    ANNOUNCEMENT = "announcement"  # written by staff, to many Hubs (models/announcement.py)
    APPROVAL_ASKED = "approval_asked"  # to staff: an announcement waits for their approval
    NEWCOMER_WELCOME = "newcomer_welcome"  # to a newcomer: their Hub and its contact
    NEWCOMER_WAITING = "newcomer_waiting"  # to a newcomer: no Hub yet, you are on the list
    NEWCOMER_TO_HUB = "newcomer_to_hub"  # to a Hub's contact for new people: one newcomer
    NEWCOMER_LIST = "newcomer_list"  # ... : the people who waited for it
    NEWCOMER_REMINDER = "newcomer_reminder"  # ... : not yet reached after 7 days
    PROGRESS_RECEIVED = "progress_received"  # to a Hub: its progress report, thank you
    LEGISLATOR_MOVED = "legislator_moved"  # to a Hub: a legislator of its plan moved
    MOVE_DECLINED = "move_declined"  # to a Hub: the move it claimed is not confirmed
    REVISION_DECIDED = "revision_decided"  # to a listed Hub: its revised plan, decided

    @property
    def asked_for(self) -> bool:
        """Sent because the recipient asked for it just now (a fresh link): it goes out even
        to an address that unsubscribed, though never to one that bounced."""
        return self is MessageKind.HUB_LINK


ASKED_FOR = [kind for kind in MessageKind if kind.asked_for]


class Topic(StrEnum):
    """Emails a person may stop without stopping everything (the unsubscribe page): news
    about their own Hub (approvals, changes asked for, its listing) stops only with
    everything."""

    REMINDERS = "reminders"  # before and after a deadline
    ANNOUNCEMENTS = "announcements"  # from staff to many Hubs


# The kinds of email each topic stops.
TOPIC_KINDS: dict[Topic, list[MessageKind]] = {
    Topic.REMINDERS: [
        MessageKind.DUE_SOON,
        MessageKind.DUE_TODAY,
        MessageKind.OVERDUE_NUDGE,
        MessageKind.NEWCOMER_REMINDER,
    ],
    Topic.ANNOUNCEMENTS: [MessageKind.ANNOUNCEMENT],
}


def topic_of(kind: MessageKind) -> Topic | None:
    """The topic whose unsubscribe stops `kind`, or None: only "everything" stops it."""
    return next((topic for topic, kinds in TOPIC_KINDS.items() if kind in kinds), None)


class OptOut(Base):
    """An address that asked for no more emails of one topic (everything else still comes)."""

    __tablename__ = "email_opt_outs"
    __table_args__ = (UniqueConstraint("email", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    topic: Mapped[Topic] = mapped_column(enum_type(Topic))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class Email(Base):
    __tablename__ = "emails"
    __table_args__ = (
        Index("ix_emails_due", "state", "id"),
        # What `hubflow status` asks of the few waiting or being sent, from the index alone.
        Index("ix_emails_state_times", "state", "claimed_at", "next_attempt_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (Hub, event, stage, sequence, recipient): queuing the same key twice queues one email.
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind), index=True)
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"), default=None, index=True)
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id"), default=None, index=True
    )
    to_email: Mapped[str] = mapped_column(String(254), index=True)
    to_name: Mapped[str] = mapped_column(String(200), default="")
    # Staff messages are operational: they go out even to an address that unsubscribed.
    to_staff: Mapped[bool] = mapped_column(default=False)
    subject: Mapped[str] = mapped_column(String(300))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[EmailState] = mapped_column(enum_type(EmailState), default=EmailState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # What SendGrid's Event Webhook last said of it (delivered, bounce, ...), and when.
    delivery: Mapped[str | None] = mapped_column(String(32), default=None)
    delivery_at: Mapped[datetime | None] = mapped_column(default=None)


# What SendGrid's Event Webhook says of an email, in words.
DELIVERY_WORDS = {
    "processed": "accepted by SendGrid",
    "delivered": "delivered",
    "deferred": "delayed by the receiving server",
    "bounce": "bounced",
    "dropped": "dropped by SendGrid",
    "unsubscribe": "the person unsubscribed",
    "group_unsubscribe": "the person unsubscribed",
    "spamreport": "reported as spam",
    "open": "opened",
    "click": "a link in it was clicked",
}


class SuppressionReason(StrEnum):
    UNSUBSCRIBE = "unsubscribe"
    BOUNCE = "bounce"
    DROPPED = "dropped"
    SPAMREPORT = "spamreport"
    FORGOTTEN = "forgotten"  # kept as a hash of the address (models/services/privacy.py)


class Suppression(Base):
    """An address that gets no more email from hubflow (staff messages excepted)."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    reason: Mapped[SuppressionReason] = mapped_column(enum_type(SuppressionReason))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
