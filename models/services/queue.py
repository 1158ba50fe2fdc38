"""What the GO! Team works from: the review queue, searched and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from models.enums import ReviewState, Stage, Status, SubmissionState
from models.errors import choice
from models.hub import Hub, Submission
from models.legislature import District
from models.review import ReviewTask
from models.services.hub_list import matching, sort_choice
from models.services.kept import kept

QUEUE_SORTS = {"submitted": "Oldest submitted first", "due": "Review due soonest"}


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
    sort = sort_choice(sort, QUEUE_SORTS, "submitted")
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
    stmt = matching(stmt, search)

    def counts() -> tuple[int, int]:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        late = stmt.where(ReviewTask.due_date < today).subquery()
        return total, session.scalar(select(func.count()).select_from(late)) or 0

    # Counting tens of thousands waiting takes longer than showing the first of them: the
    # counts are kept until a submission, task or Hub changes (models.services.kept). A
    # search (which reads the notes too) is counted each time.
    total, overdue = (
        counts() if search.strip() else kept(session, ("queue", today, owner_id, stage), counts)
    )
    order: list[Any] = [Submission.submitted_at, Submission.id]
    if sort == "due":
        order = [ReviewTask.due_date.is_(None), ReviewTask.due_date, *order]
    if limit == 0:  # the counts only (the dashboard)
        return Queue([], total, overdue)
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
