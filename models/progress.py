"""What a listed Hub reports of its plan's work (#32): each report kept whole, one row
per legislator it worked on, and any move it claims, which staff confirm or decline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.columns import enum_type
from models.enums import ClaimState, Stance, TargetRole


class ProgressReport(Base):
    """One report; a Hub's reports are numbered 1, 2, 3 … and none is ever changed."""

    __tablename__ = "progress_reports"
    __table_args__ = (UniqueConstraint("hub_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    version: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")  # anything else the Hub tells us
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    actions: Mapped[list[ReportAction]] = relationship(
        back_populates="report", order_by="ReportAction.id"
    )


class ReportAction(Base):
    """What the Hub did with one legislator of its plan, and what came of it."""

    __tablename__ = "report_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    role: Mapped[TargetRole] = mapped_column(enum_type(TargetRole))
    # A state legislator by id; a Member of Congress by name only (as in PlanTarget).
    legislator_id: Mapped[int | None] = mapped_column(
        ForeignKey("legislators.id"), default=None, index=True
    )
    legislator_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # a code of the campaign file's actions
    done_on: Mapped[date]
    people: Mapped[int]
    response: Mapped[str] = mapped_column(Text, default="")  # what the legislator said or did
    # "They moved": the stance the Hub says the legislator now holds, for staff to confirm.
    claimed_stance: Mapped[Stance | None] = mapped_column(enum_type(Stance), default=None)
    claim_state: Mapped[ClaimState | None] = mapped_column(
        enum_type(ClaimState), default=None, index=True
    )
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    decision_comment: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[ProgressReport] = relationship(back_populates="actions")
