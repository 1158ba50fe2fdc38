"""Reminders (SPEC §3), in one place: which kinds there are, when each is due, and the
record of those sent.

When: each reminder is a window of due dates, as seen from today (pure date arithmetic).
A Hub's due date falls in at most one window on any day, so after a gap in sweeps a Hub
gets the one reminder that applies now, never the missed ones. Sent: one row per Hub
phase and per review-task nudge, so a reminder is sent once however often the sweep runs.
A kind is its email's MessageKind; its email is built in tasks/reactions/clock.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.columns import enum_type
from models.email import MessageKind
from models.enums import Stage
from models.policy import Policy

# The reminders a Hub's contacts get about its stage's due date (at most one a day).
HUB_REMINDER_KINDS = (MessageKind.DUE_SOON, MessageKind.DUE_TODAY, MessageKind.OVERDUE_NUDGE)


@dataclass(frozen=True, slots=True)
class Window:
    kind: MessageKind
    n: int
    due_from: date  # inclusive
    due_to: date  # inclusive

    def contains(self, due: date) -> bool:
        return self.due_from <= due <= self.due_to


def hub_windows(today: date, policy: Policy) -> list[Window]:
    """Due soon (the days before), due today, and each weekly overdue nudge."""
    day = timedelta(days=1)
    windows = [
        Window(MessageKind.DUE_SOON, 1, today + day, today + policy.due_soon_days * day),
        Window(MessageKind.DUE_TODAY, 1, today, today),
    ]
    every = policy.nudge_every_days
    for n in range(1, policy.max_nudges + 1):
        first, last = n * every, (n + 1) * every - 1  # days overdue this nudge covers
        windows.append(
            Window(MessageKind.OVERDUE_NUDGE, n, today - last * day, today - first * day)
        )
    return windows


def stall_due_before(today: date, policy: Policy) -> date:
    """A Hub whose due date is on or before this is stalled."""
    return today - timedelta(days=policy.stalled_after_days)


def review_windows(today: date, policy: Policy) -> list[Window]:
    """A review task past its due date: its owner is reminded every few days, a few times."""
    every, day = policy.review_nudge_every_days, timedelta(days=1)
    return [
        Window(
            MessageKind.REVIEW_OVERDUE,
            n,
            today - (n * every) * day,
            today - ((n - 1) * every + 1) * day,
        )
        for n in range(1, policy.max_review_nudges + 1)
    ]


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
