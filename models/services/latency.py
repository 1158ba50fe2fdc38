"""How long things take, counted in the database for /metrics' histograms (#34): from an
event to its hand-over to a flow run, from an event to its processing, from an email's
queuing to SendGrid's answer. Every process reports the same; one query each, whatever
the size, since a bucket is a sum over the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from models.audit import DomainEvent
from models.email import Email, EmailState

# Upper bounds (seconds) of the buckets: an email within a second, a minute's bound.
BUCKETS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)


@dataclass(frozen=True)
class Histogram:
    name: str
    help: str
    buckets: list[tuple[float, int]]  # (upper bound, how many took at most that), cumulative
    count: int
    total: float  # seconds, summed


def _seconds(
    dialect: str,
    later: InstrumentedAttribute[datetime | None],
    earlier: InstrumentedAttribute[datetime],
) -> ColumnElement[float]:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier).cast(Float)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _histogram(
    session: Session,
    name: str,
    help: str,
    later: InstrumentedAttribute[datetime | None],
    earlier: InstrumentedAttribute[datetime],
    *where: ColumnElement[bool],
) -> Histogram:
    took = _seconds(session.get_bind().dialect.name, later, earlier)
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(took), 0.0),
            *(func.coalesce(func.sum(case((took <= le, 1), else_=0)), 0) for le in BUCKETS),
        ).where(later.is_not(None), *where)
    ).one()
    count, total, *within = row
    return Histogram(
        name,
        help,
        list(zip(BUCKETS, (int(n) for n in within), strict=True)),
        int(count),
        float(total),
    )


def latencies(session: Session) -> list[Histogram]:
    found = [
        _histogram(
            session,
            "hubflow_handover_seconds",
            "From a domain event to its hand-over to a flow run",
            DomainEvent.handed_over_at,
            DomainEvent.occurred_at,
        ),
        _histogram(
            session,
            "hubflow_processing_seconds",
            "From a domain event to the end of its reactions",
            DomainEvent.processed_at,
            DomainEvent.occurred_at,
        ),
        _histogram(
            session,
            "hubflow_dispatch_seconds",
            "From an email's queuing to SendGrid's acceptance",
            Email.sent_at,
            Email.created_at,
            Email.state == EmailState.SENT,
        ),
    ]
    session.commit()  # end the read
    return found
