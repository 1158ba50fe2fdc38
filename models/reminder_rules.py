"""When reminders are due (SPEC §3): each is a window of due dates, as seen from today.

Pure date arithmetic. A Hub's due date falls in at most one window on any day, so after a
gap in sweeps a Hub gets the one reminder that applies now, never the missed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.policy import Policy

DUE_SOON, DUE_TODAY, OVERDUE = "due_soon", "due_today", "overdue_nudge"


@dataclass(frozen=True, slots=True)
class Window:
    kind: str
    n: int
    due_from: date  # inclusive
    due_to: date  # inclusive

    def contains(self, due: date) -> bool:
        return self.due_from <= due <= self.due_to


def hub_windows(today: date, policy: Policy) -> list[Window]:
    """Due soon (the days before), due today, and each weekly overdue nudge."""
    day = timedelta(days=1)
    windows = [
        Window(DUE_SOON, 1, today + day, today + policy.due_soon_days * day),
        Window(DUE_TODAY, 1, today, today),
    ]
    every = policy.nudge_every_days
    for n in range(1, policy.max_nudges + 1):
        first, last = n * every, (n + 1) * every - 1  # days overdue this nudge covers
        windows.append(Window(OVERDUE, n, today - last * day, today - first * day))
    return windows


def stall_due_before(today: date, policy: Policy) -> date:
    """A Hub whose due date is on or before this is stalled."""
    return today - timedelta(days=policy.stalled_after_days)


def review_windows(today: date, policy: Policy) -> list[Window]:
    """A review task past its due date: its owner is reminded every few days, a few times."""
    every, day = policy.review_nudge_every_days, timedelta(days=1)
    return [
        Window("review_overdue", n, today - (n * every) * day, today - ((n - 1) * every + 1) * day)
        for n in range(1, policy.max_review_nudges + 1)
    ]
