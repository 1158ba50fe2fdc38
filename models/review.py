"""GO! Team review tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.columns import enum_type
from models.enums import Decision, ReviewKind, ReviewState, Stage
from models.hub import Hub, Submission
from models.staff import StaffMember


class ReviewTask(Base):
    __tablename__ = "review_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deterministic identity (e.g. "submission:42"): opening the same task twice opens one.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id"), default=None, index=True
    )
    kind: Mapped[ReviewKind] = mapped_column(enum_type(ReviewKind))
    stage: Mapped[Stage] = mapped_column(enum_type(Stage))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    due_date: Mapped[date]
    state: Mapped[ReviewState] = mapped_column(
        enum_type(ReviewState), default=ReviewState.OPEN, index=True
    )
    decision: Mapped[Decision | None] = mapped_column(enum_type(Decision), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moves with every change (owner, state, due date): the kept views watch it.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    hub: Mapped[Hub] = relationship()
    submission: Mapped[Submission | None] = relationship()
    owner: Mapped[StaffMember | None] = relationship(foreign_keys=[owner_id])
