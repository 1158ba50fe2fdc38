"""The last run of each scheduled job (the sweep, the daily report, dispatch), for an
operator: one row per job, updated by each run (`hubflow status`, the System page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

JOBS = ("sweep", "daily report", "dispatch")


class JobRun(Base):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str] = mapped_column(String(20))  # running, completed, failed
    detail: Mapped[str] = mapped_column(Text, default="")  # what it did, or why it failed
    runs: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_failure: Mapped[str] = mapped_column(Text, default="")
