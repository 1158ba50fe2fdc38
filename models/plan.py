"""The legislators a Hub's strategic plan targets, one row each, for neighbours and coverage."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.columns import enum_type
from models.enums import Goal, Stance, TargetRole


class PlanTarget(Base):
    __tablename__ = "plan_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    role: Mapped[TargetRole] = mapped_column(enum_type(TargetRole))
    legislator_id: Mapped[int | None] = mapped_column(
        ForeignKey("legislators.id"), default=None, index=True
    )
    legislator_name: Mapped[str] = mapped_column(String(200))
    # For Members of Congress (not in the legislature tables): who, by normalised name.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    stance: Mapped[Stance] = mapped_column(enum_type(Stance))
    goal: Mapped[Goal] = mapped_column(enum_type(Goal))
    target_date: Mapped[date]
