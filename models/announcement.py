"""Announcements: what staff write to many Hubs at once, to whom, and when it goes (#30)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, JSONType, utcnow
from models.columns import enum_type
from models.staff import StaffMember


class AnnouncementState(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"  # more people than one staff member may send to
    SCHEDULED = "scheduled"  # a flow run waits for its time
    SENDING = "sending"  # its emails are being queued
    SENT = "sent"  # every email is in the outbox
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATE_WORDS[self]

    @property
    def editable(self) -> bool:
        return self in (AnnouncementState.DRAFT, AnnouncementState.AWAITING_APPROVAL)

    @property
    def cancellable(self) -> bool:
        return self in (
            AnnouncementState.DRAFT,
            AnnouncementState.AWAITING_APPROVAL,
            AnnouncementState.SCHEDULED,
        )


_STATE_WORDS = {
    AnnouncementState.DRAFT: "Draft",
    AnnouncementState.AWAITING_APPROVAL: "Waiting for a second staff member's approval",
    AnnouncementState.SCHEDULED: "Scheduled",
    AnnouncementState.SENDING: "Sending",
    AnnouncementState.SENT: "Sent",
    AnnouncementState.CANCELLED: "Cancelled",
}


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown, with merge fields
    # Who it goes to (models/services/audience.py: Audience.as_dict).
    audience: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[AnnouncementState] = mapped_column(
        enum_type(AnnouncementState), default=AnnouncementState.DRAFT, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    send_at: Mapped[datetime | None] = mapped_column(default=None)
    # Bumped by each schedule: a flow run for an earlier one finds it stale and does nothing.
    schedule_version: Mapped[int] = mapped_column(default=0)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), default=None)
    people: Mapped[int] = mapped_column(default=0)  # emails queued
    hubs: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[StaffMember] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[StaffMember | None] = relationship(foreign_keys=[approved_by_id])


class AnnouncementHub(Base):
    """A Hub an announcement went to, and to how many of its people (its timeline)."""

    __tablename__ = "announcement_hubs"
    __table_args__ = (UniqueConstraint("announcement_id", "hub_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    people: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow)
