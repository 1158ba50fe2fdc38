"""Newcomers: neighbours who want to help, routed to a listed Hub in their district or
waiting for one (#31)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, JSONType, utcnow
from models.columns import enum_type
from models.hub import Hub
from models.legislature import District

# A newcomer not marked reached this many days after the introduction: a reminder to the
# Hub's contact for new people; then a task for the Hub's owner on staff.
REMIND_AFTER_DAYS = 7
TASK_AFTER_DAYS = 14


class NewcomerState(StrEnum):
    WAITING = "waiting"  # no listed Hub in the district yet
    INTRODUCED = "introduced"  # to a Hub's contact for new people, not yet followed up
    REACHED = "reached"
    UNREACHABLE = "unreachable"  # the Hub tried and could not reach them

    @property
    def label(self) -> str:
        return {
            NewcomerState.WAITING: "Waiting for a Hub",
            NewcomerState.INTRODUCED: "Introduced, not yet reached",
            NewcomerState.REACHED: "Reached",
            NewcomerState.UNREACHABLE: "Could not be reached",
        }[self]


class Newcomer(Base):
    __tablename__ = "newcomers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # One row per address: signing up again updates it.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    interests: Mapped[list[str]] = mapped_column(JSONType, default=list)
    state: Mapped[NewcomerState] = mapped_column(
        enum_type(NewcomerState), default=NewcomerState.WAITING, index=True
    )
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"), default=None, index=True)
    token_version: Mapped[int] = mapped_column(default=1)
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    introduced_at: Mapped[datetime | None] = mapped_column(default=None)
    followed_up_at: Mapped[datetime | None] = mapped_column(default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)  # the day-7 reminder
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)  # the day-14 task
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    district: Mapped[District] = relationship()
    hub: Mapped[Hub | None] = relationship()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else "there"
