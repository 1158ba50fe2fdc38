"""The events waiting to be reacted to (the outbox of domain events): what a run takes,
what the relay hands over, and which runs hold events still unprocessed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from models.audit import DomainEvent


def waiting_events(
    session: Session, *, limit: int, uids: list[str] | None = None
) -> list[DomainEvent]:
    """Unprocessed events, oldest first (or those of `uids` still unprocessed)."""
    stmt = select(DomainEvent).where(DomainEvent.processed_at.is_(None))
    if uids is not None:
        stmt = stmt.where(DomainEvent.uid.in_(uids))
    events = list(session.scalars(stmt.order_by(DomainEvent.id).limit(limit)))
    session.commit()
    return events


def unhanded(session: Session, *, limit: int, again: Collection[str] = ()) -> list[DomainEvent]:
    """Events not yet handed to Prefect, or handed to one of the runs `again` (runs that
    ended without processing them), oldest first."""
    waiting: ColumnElement[bool] = DomainEvent.handed_over_at.is_(None)
    if again:
        waiting = or_(waiting, DomainEvent.handed_to.in_(list(again)))
    events = list(
        session.scalars(
            select(DomainEvent)
            .where(DomainEvent.processed_at.is_(None), waiting)
            .order_by(DomainEvent.id)
            .limit(limit)
        )
    )
    session.commit()
    return events


def holding_runs(session: Session, *, handed_before: datetime) -> list[str]:
    """The flow runs that hold events handed over before `handed_before` and still
    unprocessed: the ones whose state is worth a look."""
    runs = list(
        session.scalars(
            select(DomainEvent.handed_to)
            .where(
                DomainEvent.processed_at.is_(None),
                DomainEvent.handed_over_at < handed_before,
                DomainEvent.handed_to.is_not(None),
            )
            .distinct()
        )
    )
    session.commit()
    return [r for r in runs if r is not None]
