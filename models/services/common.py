"""What every service shares: who acts, the clock, the audit row and the event it appends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from models.audit import DomainEvent, StageChange
from models.base import utcnow
from models.enums import Stage, Status
from models.errors import InvalidInput, NotFound
from models.events import EventType
from models.hub import Hub
from models.policy import Policy
from models.staff import StaffMember


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, as the audit trail names them."""

    label: str
    staff_id: int | None = None

    @classmethod
    def staff(cls, member: StaffMember) -> Actor:
        return cls(f"staff:{member.email}", member.id)

    @classmethod
    def hub(cls, hub_id: int) -> Actor:
        return cls(f"hub:{hub_id}")

    @classmethod
    def system(cls, what: str = "hubflow") -> Actor:
        return cls(f"system:{what}")


def current_policy(policy: Policy | None) -> Policy:
    if policy is not None:
        return policy
    from hubflow.settings import get_settings  # settings live beside the domain, read late

    return get_settings().policy


def clock(now: datetime | None) -> datetime:
    return now or utcnow()


def load_hub(session: Session, hub_id: int) -> Hub:
    """The Hub, fresh and locked for this transaction where the database can lock rows."""
    cached = session.identity_map.get(identity_key(Hub, hub_id))
    if cached is not None:
        session.expire(cached)  # another process may have changed it since it was loaded
    hub = session.get(Hub, hub_id, with_for_update=True)
    if hub is None:
        raise NotFound("Hub", hub_id)
    return hub


def load_staff(session: Session, staff_id: int) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    if member is None or not member.active:
        raise InvalidInput.one("staff", f"no active GO! Team member with id {staff_id}")
    return member


def staff_by_email(session: Session, email: str) -> StaffMember:
    member = session.scalar(select(StaffMember).where(StaffMember.email == email.strip().lower()))
    if member is None or not member.active:
        raise InvalidInput.one("staff", f"no active GO! Team member with email {email!r}")
    return member


# Built once: executed with parameters, they compile once (a fresh .values() each time
# costs more than the insert).
_INSERT_EVENT = insert(DomainEvent.__table__)  # type: ignore[arg-type]
_INSERT_CHANGE = insert(StageChange.__table__)  # type: ignore[arg-type]


def emit(
    session: Session, type_: EventType, hub: Hub | None, now: datetime, **payload: Any
) -> None:
    """Append a domain event to the outbox, in the caller's transaction.

    Events and audit rows are append-only: plain INSERTs, not objects for the session
    to track (which costs more than the rest of a typical service together).
    """
    session.execute(
        _INSERT_EVENT,
        {
            "type": type_.value,
            "hub_id": hub.id if hub else None,
            "payload": payload,
            "occurred_at": now,
        },
    )


def move(
    session: Session,
    hub: Hub,
    *,
    stage: Stage,
    status: Status,
    actor: Actor,
    reason: str,
    now: datetime,
    policy: Policy,
    initial: bool = False,
) -> bool:
    """Put `hub` in `stage`/`status`, with its audit row; entering a stage starts its clock.

    `initial` records a new Hub's first stage, which `enter` already set on it before its
    first flush. The Hub must have been flushed (have an id).
    """
    if not initial and hub.stage is stage and hub.status is status:
        return False
    change = {
        "hub_id": hub.id,
        "at": now,
        "actor": actor.label,
        "staff_id": actor.staff_id,
        "from_stage": None if initial else hub.stage,
        "to_stage": stage,
        "from_status": None if initial else hub.status,
        "to_status": status,
        "reason": reason,
    }
    entered = initial or hub.stage is not stage
    if not initial:
        hub.stage, hub.status = stage, status
        if entered:
            enter(hub, stage, now=now, policy=policy)
    if entered:
        emit(session, EventType.STAGE_ENTERED, hub, now, stage=stage.value)
        if stage is Stage.LISTED:
            emit(session, EventType.LISTED, hub, now)
    session.execute(_INSERT_CHANGE, change)
    return True


def enter(hub: Hub, stage: Stage, *, now: datetime, policy: Policy) -> None:
    """The stage's clock starts: entered now, due after the policy's days."""
    hub.stage = stage
    hub.stage_entered_at = now
    hub.stage_due_date = policy.due_date(stage, now)
    hub.paused_days_left = None
    hub.listed_at = now if stage is Stage.LISTED else None


# Tells the engine this transaction will write, so SQLite opens it IMMEDIATE (taking the
# write lock up front) instead of failing to upgrade a read lock under contention.
WRITE = {"hubflow_write": True}


@contextmanager
def transaction(session: Session) -> Iterator[None]:
    """One service, one write transaction: commit at the end, roll back on any error.

    A read transaction the caller left open on this session is ended first (its objects
    stay usable), so the service's transaction starts as a writer.
    """
    if session.in_transaction():
        session.commit()
    with session.begin():
        session.connection(execution_options=WRITE)
        yield
