"""What the GO! Team works from: the review queue and the Hubs list, searched and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from models.enums import ReviewState, Stage, Status, SubmissionState
from models.errors import InvalidInput, choice
from models.hub import Hub, Submission
from models.legislature import District
from models.review import ReviewTask

QUEUE_SORTS = {"submitted": "Oldest submitted first", "due": "Review due soonest"}
HUB_SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "name": "Name",
    "due": "Due soonest",
}


def _sort(value: str, options: dict[str, str], default: str) -> str:
    value = value or default
    if value not in options:
        raise InvalidInput.one("sort", f"choose one of: {', '.join(options.values())}")
    return value


def _matching(stmt: Select[Any], search: str) -> Select[Any]:
    """Hubs whose name, towns or district contain `search` (any case)."""
    term = search.strip().lower()
    if not term:
        return stmt
    return stmt.where(
        or_(
            func.lower(Hub.name).contains(term, autoescape=True),
            func.lower(cast(Hub.towns, String)).contains(term, autoescape=True),
            func.lower(District.name).contains(term, autoescape=True),
        )
    )


@dataclass
class QueueItem:
    submission: Submission
    task: ReviewTask | None
    overdue: bool


@dataclass
class Queue:
    items: list[QueueItem]
    total: int
    overdue: int  # of the total, those whose review is past its due date


def review_queue(
    session: Session,
    *,
    today: date,
    owner_id: int | None = None,
    stage: str = "",
    search: str = "",
    sort: str = "",
    limit: int = 25,
) -> Queue:
    """Submissions waiting for a decision, with their review task; oldest first by default."""
    sort = _sort(sort, QUEUE_SORTS, "submitted")
    stmt = (
        select(Submission, ReviewTask)
        .join(Submission.hub)
        .join(District, District.id == Hub.district_id)
        .outerjoin(
            ReviewTask,
            and_(ReviewTask.submission_id == Submission.id, ReviewTask.state == ReviewState.OPEN),
        )
        .where(
            Submission.state == SubmissionState.PENDING,
            Hub.status.in_([Status.ACTIVE, Status.STALLED]),
        )
    )
    if stage:
        stmt = stmt.where(Submission.stage == choice(Stage, stage, "stage"))
    if owner_id is not None:
        stmt = stmt.where(ReviewTask.owner_id == owner_id)
    stmt = _matching(stmt, search)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    late = stmt.where(ReviewTask.due_date < today).subquery()
    overdue = session.scalar(select(func.count()).select_from(late)) or 0
    order: list[Any] = [Submission.submitted_at, Submission.id]
    if sort == "due":
        order = [ReviewTask.due_date.is_(None), ReviewTask.due_date, *order]
    rows = session.execute(
        stmt.options(
            contains_eager(Submission.hub).contains_eager(Hub.district),
            selectinload(ReviewTask.owner),
        )
        .order_by(*order)
        .limit(limit)
    ).all()
    items = [QueueItem(sub, task, bool(task and task.due_date < today)) for sub, task in rows]
    return Queue(items, total, overdue)


def hubs_page(
    session: Session,
    *,
    stage: str = "",
    status: str = "",
    q: str = "",
    sort: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Hub], int]:
    """A page of Hubs matching the filters, and how many match in all."""
    sort = _sort(sort, HUB_SORTS, "oldest")
    stmt = select(Hub).join(District, District.id == Hub.district_id)
    if stage:
        stmt = stmt.where(Hub.stage == choice(Stage, stage, "stage"))
    if status:
        stmt = stmt.where(Hub.status == choice(Status, status, "status"))
    stmt = _matching(stmt, q)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    orders: dict[str, list[Any]] = {
        "oldest": [Hub.id],
        "newest": [Hub.id.desc()],
        "name": [func.lower(Hub.name), Hub.id],
        "due": [Hub.stage_due_date.is_(None), Hub.stage_due_date, Hub.id],
    }
    order = orders[sort]
    hubs = session.scalars(
        stmt.options(contains_eager(Hub.district)).order_by(*order).limit(limit).offset(offset)
    )
    return list(hubs), total
