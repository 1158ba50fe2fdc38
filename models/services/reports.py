"""What the GO! Team looks at: the funnel, reviews waiting, stalled Hubs (SPEC §3, §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.enums import ContactRole, ReviewState, Stage, Status
from models.hub import Contact, Hub
from models.review import ReviewTask
from models.services import clocks
from models.staff import StaffMember


def funnel(session: Session) -> list[dict[str, object]]:
    """Hubs per stage, split by status; every stage and status appears, zeros included."""
    counts = dict(
        ((stage, status), n)
        for stage, status, n in session.execute(
            select(Hub.stage, Hub.status, func.count()).group_by(Hub.stage, Hub.status)
        ).tuples()
    )
    rows: list[dict[str, object]] = []
    for stage in Stage:
        row: dict[str, object] = {"stage": stage.value}
        for status in Status:
            row[status.value] = counts.get((stage, status), 0)
        row["total"] = sum(counts.get((stage, s), 0) for s in Status)
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class WaitingReview:
    id: int
    title: str
    hub_id: int
    owner: str
    due_date: date
    overdue: bool


def waiting_reviews(session: Session, today: date) -> list[WaitingReview]:
    rows = session.execute(
        select(ReviewTask, StaffMember.name)
        .outerjoin(StaffMember, StaffMember.id == ReviewTask.owner_id)
        .where(ReviewTask.state == ReviewState.OPEN)
        .order_by(ReviewTask.due_date, ReviewTask.id)
    ).all()
    return [
        WaitingReview(
            t.id, t.title, t.hub_id, owner or "unassigned", t.due_date, t.due_date < today
        )
        for t, owner in rows
    ]


def stalled_hubs(session: Session) -> list[Hub]:
    return list(
        session.scalars(
            select(Hub)
            .where(Hub.status == Status.STALLED)
            .options(selectinload(Hub.district))
            .order_by(Hub.stage_due_date, Hub.id)
        )
    )


def new_interest(session: Session, *, since: datetime) -> list[Hub]:
    return list(
        session.scalars(
            select(Hub)
            .where(Hub.created_at >= since)
            .options(selectinload(Hub.district))
            .order_by(Hub.id)
        )
    )


def day_before(now: datetime) -> datetime:
    return now - timedelta(days=1)


def hub_count(session: Session) -> int:
    return session.scalar(select(func.count(Hub.id))) or 0


def move_counts(session: Session, today: date) -> dict[str, int]:
    """Whose move it is, counted by the sweep's own rules: Hubs past their deadline on
    their own clock, stalled ones, and those waiting on staff."""
    late = select(func.count(Hub.id)).where(clocks.hubs_move(), Hub.stage_due_date < today)
    return {
        "hubs_past_deadline": session.scalar(late) or 0,
        "hubs_stalled": session.scalar(
            select(func.count(Hub.id)).where(Hub.status == Status.STALLED)
        )
        or 0,
        "hubs_waiting_on_team": session.scalar(
            select(func.count(Hub.id)).where(clocks.teams_move())
        )
        or 0,
    }


def longest_waiting(session: Session, *, limit: int = 5) -> list[Hub]:
    """The Hubs waiting longest on staff, longest first."""
    return list(
        session.scalars(
            select(Hub)
            .where(clocks.teams_move())
            .options(selectinload(Hub.district))
            .order_by(clocks.waiting_since(), Hub.id)
            .limit(limit)
        )
    )


def bouncing_hubs(session: Session) -> int:
    """Open Hubs whose primary contact's address bounces: staff should correct it."""
    return (
        session.scalar(
            select(func.count(func.distinct(Contact.hub_id)))
            .join(Hub, Hub.id == Contact.hub_id)
            .where(
                Contact.role == ContactRole.PRIMARY,
                Contact.bounced_at.is_not(None),
                Hub.status.not_in([Status.WITHDRAWN, Status.DECLINED]),
            )
        )
        or 0
    )
