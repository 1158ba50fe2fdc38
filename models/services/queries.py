"""Read-only views of Hubs for people and scripts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from models.audit import StageChange
from models.enums import Chamber, Stage, Status
from models.errors import NotFound, choice
from models.hub import Hub, Submission
from models.legislature import CommitteeMembership, District, Legislator
from models.review import ReviewTask


def _optional(enum: Any, value: str | None, field: str) -> Any:
    return None if value is None else choice(enum, value, field)


def list_hubs(
    session: Session,
    *,
    stage: str | None = None,
    status: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Hub]:
    """Hubs in the order they came, optionally by stage and status, a page at a time."""
    stmt = _hubs_where(select(Hub), stage, status).options(selectinload(Hub.district))
    return list(session.scalars(stmt.order_by(Hub.id).limit(limit).offset(offset)))


def count_hubs(session: Session, *, stage: str | None = None, status: str | None = None) -> int:
    return session.scalar(_hubs_where(select(func.count(Hub.id)), stage, status)) or 0


def _hubs_where(stmt: Select[Any], stage: str | None, status: str | None) -> Select[Any]:
    if (st := _optional(Stage, stage, "stage")) is not None:
        stmt = stmt.where(Hub.stage == st)
    if (stat := _optional(Status, status, "status")) is not None:
        stmt = stmt.where(Hub.status == stat)
    return stmt


@dataclass
class HubDetail:
    hub: Hub
    submissions: list[Submission]
    history: list[StageChange]
    reviews: list[ReviewTask]


def hub_detail(session: Session, hub_id: int) -> HubDetail:
    hub = session.scalar(
        select(Hub)
        .where(Hub.id == hub_id)
        .options(selectinload(Hub.contacts), selectinload(Hub.district))
    )
    if hub is None:
        raise NotFound("Hub", hub_id)
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
