"""GO! Team review tasks: opened once per submission, owned round-robin, reassignable."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.enums import ReviewKind, ReviewState, Stage
from models.errors import InvalidInput, NotFound, TransitionNotAllowed
from models.events import EventType
from models.hub import Hub
from models.review import ReviewTask
from models.services.common import Actor, clock, emit, load_staff, transaction
from models.staff import StaffMember


def next_owner(session: Session, now: datetime) -> StaffMember | None:
    """The active staff member whose last assignment is oldest (never assigned first)."""
    member = session.scalar(
        select(StaffMember)
        .where(StaffMember.active)
        .order_by(StaffMember.last_assigned_at.asc().nulls_first(), StaffMember.id)
        .limit(1)
        .with_for_update()
    )
    if member is not None:
        member.last_assigned_at = now
    return member


def ensure_review_task(
    session: Session,
    *,
    key: str,
    hub: Hub,
    kind: ReviewKind,
    stage: Stage,
    title: str,
    due: date,
    now: datetime,
    submission_id: int | None = None,
) -> tuple[ReviewTask, bool]:
    """Open the task with this identity unless it exists, in the caller's transaction.

    Its owner is the Hub's owner on staff if it has an active one, else the next staff
    member in the round; the first owner becomes the Hub's owner. Returns (task, opened).
    """
    existing = session.scalar(select(ReviewTask).where(ReviewTask.key == key))
    if existing is not None:
        return existing, False
    owner = session.get(StaffMember, hub.owner_id) if hub.owner_id else None
    if owner is None or not owner.active:
        owner = next_owner(session, now)
        if owner is not None:
            hub.owner_id = owner.id
    task = ReviewTask(
        key=key,
        hub_id=hub.id,
        submission_id=submission_id,
        kind=kind,
        stage=stage,
        title=title,
        owner_id=owner.id if owner else None,
        due_date=due,
        created_at=now,
    )
    session.add(task)
    session.flush()
    return task, True


def reassign(
    session: Session, task_id: int, *, staff_id: int, actor: Actor, now: datetime | None = None
) -> ReviewTask:
    """Give an open review task to another staff member, who is told by email."""
    now = clock(now)
    with transaction(session):
        member = load_staff(session, staff_id)
        task = _load_task(session, task_id)
        if task.state is not ReviewState.OPEN:
            raise TransitionNotAllowed(f"review task {task_id} is {task.state.value}")
        if task.owner_id == member.id:
            raise InvalidInput.one("staff", f"{member.name} already owns this task")
        previous, task.owner_id = task.owner_id, member.id
        hub = session.get(Hub, task.hub_id)
        emit(
            session,
            EventType.REVIEW_REASSIGNED,
            hub,
            now,
            task_id=task.id,
            owner_id=member.id,
            previous_owner_id=previous,
            by=actor.label,
        )
        return task


def _load_task(session: Session, task_id: int) -> ReviewTask:
    """The task, locked for this transaction where the database can lock rows."""
    task = session.get(ReviewTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound("review task", task_id)
    return task


def review_due(today: date, days: int) -> date:
    return today + timedelta(days=days)


def close_task(
    session: Session,
    task_id: int,
    *,
    staff_id: int,
    comment: str = "",
    now: datetime | None = None,
) -> ReviewTask:
    """Mark a check-in done (submission reviews close when the submission is decided)."""
    now = clock(now)
    with transaction(session):
        member = load_staff(session, staff_id)
        task = _load_task(session, task_id)
        if task.submission_id is not None:
            raise TransitionNotAllowed(
                f"review task {task_id} closes when its submission is decided: "
                f"approve, request changes or decline submission {task.submission_id}"
            )
        if task.state is not ReviewState.OPEN:
            raise TransitionNotAllowed(f"review task {task_id} is already {task.state.value}")
        task.state, task.comment = ReviewState.DONE, comment.strip()
        task.decided_by_id, task.decided_at = member.id, now
        return task


def close_check_ins(session: Session, hub_id: int, *, now: datetime, why: str) -> None:
    """The Hub acted: its open check-in tasks are done (in the caller's transaction)."""
    session.execute(
        update(ReviewTask)
        .where(
            ReviewTask.hub_id == hub_id,
            ReviewTask.kind == ReviewKind.CHECK_IN,
            ReviewTask.state == ReviewState.OPEN,
        )
        .values(state=ReviewState.DONE, decided_at=now, comment=why)
        .execution_options(synchronize_session=False)
    )


def open_tasks(session: Session) -> list[ReviewTask]:
    """Every open review task, most overdue first."""
    return list(
        session.scalars(
            select(ReviewTask)
            .where(ReviewTask.state == ReviewState.OPEN)
            .order_by(ReviewTask.due_date, ReviewTask.id)
        )
    )
