"""Who on staff owns which Hub (SPEC §9): reassigned one by one or many at once, and
everything of a staff member handed to another before they are deactivated. A Hub's open
review tasks follow it to its new owner, who is emailed about each (review.reassigned)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.enums import ReviewState, Term
from models.errors import InvalidInput, NotFound
from models.events import EventType
from models.hub import Hub
from models.review import ReviewTask
from models.services.common import Actor, clock, emit, load_staff, staff_by_email, transaction
from models.services.corrections import record_correction
from models.services.staff import end_member_sessions
from models.staff import StaffMember

MAX_AT_ONCE = 1000


@dataclass(frozen=True, slots=True)
class Handed:
    hubs: int  # Hubs whose owner changed
    tasks: int  # open review tasks that changed hands


def assign(
    session: Session,
    hub_ids: Sequence[int],
    *,
    staff_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> Handed:
    """Make `staff_id` the owner of these Hubs and of their open review tasks, in one
    transaction; each change of owner is in the Hub's history."""
    now = clock(now)
    wanted = list(dict.fromkeys(hub_ids))
    if not wanted:
        raise InvalidInput.one("hubs", "choose at least one Hub")
    if len(wanted) > MAX_AT_ONCE:
        raise InvalidInput.one("hubs", f"choose at most {MAX_AT_ONCE:,} Hubs at once")
    with transaction(session):
        member = load_staff(session, staff_id)
        hubs = list(
            session.scalars(
                select(Hub)
                .where(Hub.id.in_(wanted))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
        missing = set(wanted) - {h.id for h in hubs}
        if missing:
            raise NotFound("Hub", min(missing))
        return _hand(session, hubs, [], member, actor=actor, now=now)


def open_work(session: Session, staff_id: int) -> Handed:
    """How many Hubs a staff member owns that are still open, and their open review tasks."""
    hubs = session.scalar(select(func.count(Hub.id)).where(Hub.owner_id == staff_id)) or 0
    tasks = session.scalar(
        select(func.count(ReviewTask.id)).where(
            ReviewTask.owner_id == staff_id, ReviewTask.state == ReviewState.OPEN
        )
    )
    return Handed(hubs, tasks or 0)


def deactivate(
    session: Session,
    email: str,
    *,
    hand_to: str | None = None,
    actor: Actor,
    now: datetime | None = None,
) -> tuple[StaffMember, Handed]:
    """Someone leaves the staff: their Hubs and open tasks go to `hand_to` (required when
    they have any, so no task is left with nobody), then no more logins, sessions or work."""
    now = clock(now)
    with transaction(session):
        member = staff_by_email(session, email)
        work = open_work(session, member.id)
        if (work.hubs or work.tasks) and not hand_to:
            raise InvalidInput.one(
                "hand_to",
                f"{member.name} has {work.tasks} open tasks and owns {work.hubs} Hubs: "
                f"choose who on the {Term.TEAM.label} takes them",
            )
        handed = Handed(0, 0)
        if hand_to:
            heir = staff_by_email(session, hand_to)
            if heir.id == member.id:
                raise InvalidInput.one("hand_to", "choose someone else to take the work")
            hubs = list(
                session.scalars(
                    select(Hub)
                    .where(Hub.owner_id == member.id)
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
            )
            stray = list(
                session.scalars(
                    select(ReviewTask).where(
                        ReviewTask.owner_id == member.id, ReviewTask.state == ReviewState.OPEN
                    )
                )
            )
            handed = _hand(session, hubs, stray, heir, actor=actor, now=now)
        member.active = False
        end_member_sessions(session, member)
        return member, handed


def _hand(
    session: Session,
    hubs: list[Hub],
    tasks: list[ReviewTask],
    member: StaffMember,
    *,
    actor: Actor,
    now: datetime,
) -> Handed:
    names = dict(session.execute(select(StaffMember.id, StaffMember.name)).tuples().all())
    changed = 0
    for hub in hubs:
        if hub.owner_id == member.id:
            continue
        before = names.get(hub.owner_id, "") if hub.owner_id else ""
        record_correction(session, hub, "owner", before, member.name, actor=actor, now=now)
        hub.owner_id = member.id
        changed += 1
    ids = [h.id for h in hubs]
    moving = list(
        session.scalars(
            select(ReviewTask).where(
                ReviewTask.state == ReviewState.OPEN,
                or_(ReviewTask.owner_id.is_(None), ReviewTask.owner_id != member.id),
                ReviewTask.hub_id.in_(ids),
            )
        )
    )
    moving += [t for t in tasks if t.owner_id != member.id and t not in moving]
    by_hub = {h.id: h for h in hubs}
    for task in moving:
        previous, task.owner_id = task.owner_id, member.id
        emit(
            session,
            EventType.REVIEW_REASSIGNED,
            by_hub.get(task.hub_id) or session.get(Hub, task.hub_id),
            now,
            task_id=task.id,
            owner_id=member.id,
            previous_owner_id=previous,
            by=actor.label,
        )
    session.flush()
    return Handed(changed, len(moving))
