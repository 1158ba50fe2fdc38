"""A Hub, its contacts, and what it hands in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, JSONType, utcnow
from models.columns import enum_type
from models.enums import ContactRole, HubKind, Stage, Status, SubmissionState
from models.legislature import District
from models.lifecycle import HubState


class Hub(Base):
    __tablename__ = "hubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[HubKind] = mapped_column(enum_type(HubKind))
    towns: Mapped[list[str]] = mapped_column(JSONType)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), default=Stage.INTEREST, index=True)
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.ACTIVE, index=True)
    stage_due_date: Mapped[date | None] = mapped_column(default=None, index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Days left on the clock when paused; resume gives them back.
    paused_days_left: Mapped[int | None] = mapped_column(default=None)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    first_action_idea: Mapped[str] = mapped_column(Text, default="")
    # Normalised group name + contact email: a double-submitted form finds its Hub.
    dedup_key: Mapped[str] = mapped_column(String(400), unique=True)
    # Its id in the spreadsheet it was imported from (`hubflow hubs import`), if any.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    # Bumped to revoke every private link issued before.
    token_version: Mapped[int] = mapped_column(default=1)
    listed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    district: Mapped[District] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="hub", order_by="Contact.id", cascade="all, delete-orphan"
    )
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="hub", order_by="Submission.id"
    )

    def state(self, *, waiting_for_staff: bool = False) -> HubState:
        return HubState(self.stage, self.status, waiting_for_staff)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("hub_id", "role", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[ContactRole] = mapped_column(enum_type(ContactRole))
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(default=None)
    bounced_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    hub: Mapped[Hub] = relationship(back_populates="contacts")


class Submission(Base):
    """What a Hub hands in to leave a stage; every version is kept."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("hub_id", "stage", "version"),
        # The submissions in a state (the queue), of a stage (each Hub's latest plan:
        # coverage.current_plans) and of given Hubs, each read from this index alone.
        Index("ix_submissions_latest", "state", "stage", "hub_id", "id"),
        # The queue's first page: those waiting, oldest first, without sorting them all.
        Index("ix_submissions_waiting", "state", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage))
    version: Mapped[int] = mapped_column(default=1)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[SubmissionState] = mapped_column(
        enum_type(SubmissionState), default=SubmissionState.PENDING
    )
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    comment: Mapped[str] = mapped_column(Text, default="")

    hub: Mapped[Hub] = relationship(back_populates="submissions")
