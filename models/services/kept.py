"""The dashboard's figures, kept between views: what they are made from is told by three
grouped counts, and they are worked out again only when those change."""

from __future__ import annotations

import threading
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.hub import Hub, Submission


class Kept:
    """One value, with the key it was made for (one slot: the latest campaign state)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slot: tuple[tuple[Any, ...], Any] | None = None

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            return self._slot[1] if self._slot is not None and self._slot[0] == key else None

    def keep(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._slot = (key, value)


LAST = Kept()


def made_from(session: Session, today: date, zone: tzinfo) -> tuple[Any, ...]:
    """What the figures depend on, in three grouped counts: every stage or status change adds
    an audit row (and moves its Hub's stage_entered_at), every hand-in a submission, every
    decision a decided_at."""
    changes = session.execute(
        select(
            StageChange.to_stage,
            StageChange.to_status,
            func.count(StageChange.id),
            func.max(StageChange.id),
            func.max(StageChange.at),
        )
        .group_by(StageChange.to_stage, StageChange.to_status)
        .order_by(StageChange.to_stage, StageChange.to_status)
    ).all()
    subs = session.execute(
        select(
            Submission.state,
            func.count(Submission.id),
            func.max(Submission.id),
            func.max(Submission.decided_at),
        )
        .group_by(Submission.state)
        .order_by(Submission.state)
    ).all()
    hubs = session.execute(
        select(Hub.stage, Hub.status, func.count(Hub.id), func.max(Hub.stage_entered_at))
        .group_by(Hub.stage, Hub.status)
        .order_by(Hub.stage, Hub.status)
    ).all()
    where = str(session.get_bind().engine.url)
    return (where, today, str(zone), *(tuple(map(tuple, rows)) for rows in (changes, subs, hubs)))
