"""Which reminders went out: one row per Hub phase and per review-task nudge, so a
reminder is sent once however often the sweep runs (SPEC §3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.columns import enum_type
from models.enums import Stage


class HubReminder(Base):
    __tablename__ = "hub_reminders"
    __table_args__ = (UniqueConstraint("hub_id", "stage", "due_date", "kind", "n"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage))
    due_date: Mapped[date]
    kind: Mapped[str] = mapped_column(String(40))
    n: Mapped[int] = mapped_column(default=1)
    sent_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewReminder(Base):
    __tablename__ = "review_reminders"
    __table_args__ = (UniqueConstraint("task_id", "n"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("review_tasks.id"), index=True)
    n: Mapped[int]
    sent_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
