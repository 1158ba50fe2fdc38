"""Read-only views of Hubs for people and scripts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.audit import StageChange
from models.enums import Chamber, Stage, Status, SubmissionState
from models.errors import NotFound, choice
from models.hub import Contact, Hub, Submission
from models.legislature import CommitteeMembership, District, Legislator
from models.review import ReviewTask
from models.staff import StaffMember


def _optional(enum: Any, value: str | None, field: str) -> Any:
    return None if value is None else choice(enum, value, field)


@dataclass
class HubDetail:
    hub: Hub
    submissions: list[Submission]
    history: list[StageChange]
    reviews: list[ReviewTask]


def get_hub(session: Session, hub_id: int) -> Hub:
    """The Hub with its contacts and district, or NotFound."""
    hub = session.scalar(
        select(Hub)
        .where(Hub.id == hub_id)
        .options(selectinload(Hub.contacts), selectinload(Hub.district))
    )
    if hub is None:
        raise NotFound("Hub", hub_id)
    return hub


def hub_tasks(session: Session, hub_id: int) -> list[ReviewTask]:
    """The Hub's review tasks, oldest first, with their owners."""
    return list(
        session.scalars(
            select(ReviewTask)
            .where(ReviewTask.hub_id == hub_id)
            .options(selectinload(ReviewTask.owner))
            .order_by(ReviewTask.id)
        )
    )


def hub_detail(session: Session, hub_id: int) -> HubDetail:
    hub = get_hub(session, hub_id)
    return HubDetail(
        hub=hub,
        submissions=list(
            session.scalars(
                select(Submission).where(Submission.hub_id == hub_id).order_by(Submission.id)
            )
        ),
        history=list(
            session.scalars(
                select(StageChange).where(StageChange.hub_id == hub_id).order_by(StageChange.id)
            )
        ),
        reviews=list(
            session.scalars(
                select(ReviewTask).where(ReviewTask.hub_id == hub_id).order_by(ReviewTask.id)
            )
        ),
    )


def list_districts(session: Session, *, chamber: str | None = None) -> list[District]:
    stmt = select(District).options(selectinload(District.legislators))
    if (ch := _optional(Chamber, chamber, "chamber")) is not None:
        stmt = stmt.where(District.chamber == ch)
    return list(session.scalars(stmt.order_by(District.chamber, District.name)))


def covered_districts(session: Session) -> list[str]:
    """The names of the districts a Hub can be in (the covered chamber's), in natural order."""
    from models.geography import natural_key

    names = session.scalars(select(District.name).where(District.chamber == Chamber.HOUSE))
    return sorted(names, key=natural_key)


def parse_chamber(chamber: str | None) -> Chamber | None:
    result: Chamber | None = _optional(Chamber, chamber, "chamber")
    return result


def get_legislator(session: Session, legislator_id: int) -> Legislator:
    leg = session.scalar(
        select(Legislator)
        .where(Legislator.id == legislator_id)
        .options(
            selectinload(Legislator.district),
            selectinload(Legislator.memberships).selectinload(CommitteeMembership.committee),
        )
    )
    if leg is None:
        raise NotFound("legislator", legislator_id)
    return leg


def review_task(session: Session, task_id: int) -> ReviewTask | None:
    return session.get(ReviewTask, task_id)


def staff_member(session: Session, staff_id: int | None) -> StaffMember | None:
    return session.get(StaffMember, staff_id) if staff_id is not None else None


def find_hub(session: Session, hub_id: int) -> Hub | None:
    return session.get(Hub, hub_id)


def interest_form_of(session: Session, hub_id: int) -> Submission | None:
    """The Hub's latest interest form."""
    return session.scalars(
        select(Submission)
        .where(Submission.hub_id == hub_id, Submission.stage == Stage.INTEREST)
        .order_by(Submission.id.desc())
    ).first()


def hub_with_contacts(session: Session, hub_id: int) -> Hub | None:
    """The Hub with its district and contacts loaded (its own page shows them)."""
    return session.scalar(
        select(Hub)
        .where(Hub.id == hub_id)
        .options(selectinload(Hub.district), selectinload(Hub.contacts))
    )


def find_legislator(session: Session, legislator_id: int) -> Legislator | None:
    return session.get(Legislator, legislator_id)


def submission(session: Session, submission_id: int) -> Submission | None:
    return session.get(Submission, submission_id)


def contact(session: Session, contact_id: int) -> Contact | None:
    return session.get(Contact, contact_id)


def pending_submissions(session: Session) -> list[Submission]:
    """Submissions waiting for a decision, oldest first."""
    return list(
        session.scalars(
            select(Submission)
            .join(Hub)
            .where(
                Submission.state == SubmissionState.PENDING,
                Hub.status.in_([Status.ACTIVE, Status.STALLED]),
            )
            .order_by(Submission.submitted_at, Submission.id)
        )
    )
