"""Counting what a test left in the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Base


def row_counts(session: Session) -> dict[str, int]:
    counts = {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }
    session.commit()  # end the read; unlike rollback, keeps loaded objects usable
    return counts


def event_types(session: Session, hub_id: int) -> list[str]:
    from models.audit import DomainEvent

    types = list(
        session.scalars(
            select(DomainEvent.type).where(DomainEvent.hub_id == hub_id).order_by(DomainEvent.id)
        )
    )
    session.commit()  # end the read; unlike rollback, keeps loaded objects usable
    return types
