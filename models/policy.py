"""Deadlines and reminder offsets (SPEC §7 policy section), and the campaign's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from models.enums import Stage


class Policy(BaseModel):
    """Every duration hubflow applies, in days; configurable as HUBFLOW_POLICY__<NAME>."""

    interest_days: int = Field(14, ge=1)
    first_action_days: int = Field(60, ge=1)
    onboarding_days: int = Field(30, ge=1)
    strategic_plan_days: int = Field(45, ge=1)
    # A listed Hub owes a progress report this often; its reminders follow the same rules.
    listed_days: int = Field(90, ge=1)
    changes_requested_days: int = Field(14, ge=1)
    review_due_days: int = Field(5, ge=1)
    # Reminders (days): before the due date, then nudges every `nudge_every_days` after
    # it, at most `max_nudges`; stalled (and escalated to staff) this long after it.
    due_soon_days: int = Field(7, ge=1)
    nudge_every_days: int = Field(7, ge=1)
    max_nudges: int = Field(3, ge=0)
    stalled_after_days: int = Field(14, ge=1)
    # A review task past its due date reminds its owner every `review_nudge_every_days`,
    # at most `max_review_nudges` times.
    review_nudge_every_days: int = Field(3, ge=1)
    max_review_nudges: int = Field(3, ge=0)
    timezone: str = "America/New_York"

    def stage_days(self, stage: Stage) -> int | None:
        """Days a Hub has for `stage` (for `listed`: until its next progress report)."""
        value = getattr(self, f"{stage.value}_days", None)
        return int(value) if value is not None else None

    @property
    def zone(self) -> ZoneInfo:
        """The campaign's time zone: its days are the deadlines' days."""
        return ZoneInfo(self.timezone)

    def today(self, now: datetime) -> date:
        """The campaign's date at `now`: deadlines are days in Massachusetts."""
        return now.astimezone(ZoneInfo(self.timezone)).date()

    def changes_due(self, due: date | None, *, submitted: datetime, now: datetime) -> date:
        """Sent back for changes: the days the Hub had left when it handed its work in (its
        clock stood still while staff reviewed), never fewer than `changes_requested_days`."""
        left = (due - self.today(submitted)).days if due is not None else 0
        return self.today(now) + timedelta(days=max(left, self.changes_requested_days))

    def due_date(self, stage: Stage, now: datetime) -> date | None:
        days = self.stage_days(stage)
        return self.today(now) + timedelta(days=days) if days is not None else None


# The SPEC's defaults, for callers that configure nothing (tests, scripts).
DEFAULT_POLICY = Policy()
