"""Read side of newcomers (#31): a Hub's own, who waits where, how fast each Hub follows
up, and the lists for staff and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.hub import Hub
from models.legislature import District
from models.newcomer import REMIND_AFTER_DAYS, Newcomer, NewcomerState


def of_hub(session: Session, hub_id: int) -> list[Newcomer]:
    """The newcomers introduced to this Hub, newest first (the Hub sees only its own)."""
    query = select(Newcomer).where(Newcomer.hub_id == hub_id).order_by(Newcomer.id.desc())
    return list(session.scalars(query))


def waiting_by_district(session: Session) -> dict[str, int]:
    """How many newcomers wait in each district without a listed Hub, by district name."""
    rows = session.execute(
        select(District.name, func.count(Newcomer.id))
        .join(District, District.id == Newcomer.district_id)
        .where(Newcomer.state == NewcomerState.WAITING)
        .group_by(District.name)
    )
    return {name: n for name, n in rows}


@dataclass(frozen=True, slots=True)
class FollowUp:
    introduced: int
    reached_in_time: int  # marked reached within REMIND_AFTER_DAYS of the introduction

    @property
    def rate(self) -> float | None:
        return self.reached_in_time / self.introduced if self.introduced else None


def follow_up_rates(session: Session) -> dict[int, FollowUp]:
    """For each Hub that was introduced newcomers: how many, and how many it reached within
    a week (newcomers are few: counted here, from one query)."""
    week = timedelta(days=REMIND_AFTER_DAYS)
    counts: dict[int, list[int]] = {}
    rows = session.execute(
        select(
            Newcomer.hub_id, Newcomer.state, Newcomer.introduced_at, Newcomer.followed_up_at
        ).where(Newcomer.hub_id.is_not(None))
    )
    for hub_id, state, introduced, followed in rows:
        seen = counts.setdefault(hub_id, [0, 0])
        seen[0] += 1
        if (
            state is NewcomerState.REACHED
            and introduced
            and followed
            and followed - introduced <= week
        ):
            seen[1] += 1
    return {hub_id: FollowUp(n, ok) for hub_id, (n, ok) in counts.items()}


def slowest_follow_ups(session: Session, *, limit: int) -> list[tuple[Hub, FollowUp]]:
    """The Hubs with newcomers, the lowest share reached within a week first."""
    rates = follow_up_rates(session)
    hubs = session.scalars(select(Hub).where(Hub.id.in_(list(rates)))).all()
    ordered = sorted(hubs, key=lambda h: (rates[h.id].rate or 0.0, h.name))
    return [(h, rates[h.id]) for h in ordered[:limit]]


def list_newcomers(session: Session, *, state: str = "") -> list[Newcomer]:
    query = select(Newcomer).options(selectinload(Newcomer.district), selectinload(Newcomer.hub))
    if state:
        query = query.where(Newcomer.state == NewcomerState(state))
    return list(session.scalars(query.order_by(Newcomer.id)))


def rows(
    session: Session, tz: tzinfo, interests: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per newcomer, in words (for staff: people's details)."""
    words = interests or {}
    return [
        {
            "name": n.name,
            "email": n.email,
            "phone": n.phone,
            "town": n.town,
            "district": n.district.name,
            "would_like_to": "; ".join(words.get(i, i) for i in n.interests),
            "state": n.state.label,
            "hub": n.hub.name if n.hub else "",
            "signed_up": n.signed_up_at.astimezone(tz).strftime("%Y-%m-%d"),
            "introduced": n.introduced_at.astimezone(tz).strftime("%Y-%m-%d")
            if n.introduced_at
            else "",
            "followed_up": n.followed_up_at.astimezone(tz).strftime("%Y-%m-%d")
            if n.followed_up_at
            else "",
        }
        for n in list_newcomers(session)
    ]
