"""What every service shares: who acts, the clock, the audit row and the event it appends."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from models.audit import DomainEvent, StageChange
from models.base import utcnow
from models.enums import Stage, Status, Term
from models.errors import InvalidInput, NotFound
from models.events import EventType
from models.hub import Hub
from models.policy import DEFAULT_POLICY, Policy
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
    """The caller's policy, or the SPEC's defaults (tests, scripts): the domain reads no
    settings; the surfaces pass the configured policy (tests/unit/test_floors.py checks)."""
    return policy if policy is not None else DEFAULT_POLICY


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
        raise InvalidInput.one("staff", f"no active {Term.TEAM.label} member with id {staff_id}")
    return member


def staff_by_email(session: Session, email: str) -> StaffMember:
    member = session.scalar(select(StaffMember).where(StaffMember.email == email.strip().lower()))
    if member is None or not member.active:
        raise InvalidInput.one("staff", f"no active {Term.TEAM.label} member with email {email!r}")
    return member


# Built once: executed with parameters, they compile once (a fresh .values() each time
# costs more than the insert).
_INSERT_EVENT = insert(DomainEvent.__table__)  # type: ignore[arg-type]
_INSERT_CHANGE = insert(StageChange.__table__)  # type: ignore[arg-type]


def event_row(
    type_: EventType, hub_id: int | None, now: datetime, **payload: Any
) -> dict[str, Any]:
    """The domain_events row for one event (see `emit`)."""
    return {"type": type_.value, "hub_id": hub_id, "payload": payload, "occurred_at": now}


def change_row(
    hub_id: int,
    *,
    actor: Actor,
    now: datetime,
    to: tuple[Stage, Status],
    from_: tuple[Stage, Status] | None,
    reason: str,
) -> dict[str, Any]:
    """The stage_changes row for one change of stage or status (see `move`)."""
    return {
        "hub_id": hub_id,
        "at": now,
        "actor": actor.label,
        "staff_id": actor.staff_id,
        "from_stage": from_[0] if from_ else None,
        "to_stage": to[0],
        "from_status": from_[1] if from_ else None,
        "to_status": to[1],
        "reason": reason,
    }


def emit(
    session: Session, type_: EventType, hub: Hub | None, now: datetime, **payload: Any
) -> None:
    """Append a domain event to the outbox, in the caller's transaction.

    Events and audit rows are append-only: plain INSERTs, not objects for the session
    to track (which costs more than the rest of a typical service together).
    """
    session.execute(_INSERT_EVENT, event_row(type_, hub.id if hub else None, now, **payload))


def append_audit(
    session: Session, *, changes: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    """Many audit rows and events at once (rows from `change_row` and `event_row`)."""
    if changes:
        session.execute(_INSERT_CHANGE, changes)
    if events:
        session.execute(_INSERT_EVENT, events)


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
    change = change_row(
        hub.id,
        actor=actor,
        now=now,
        to=(stage, status),
        from_=None if initial else (hub.stage, hub.status),
        reason=reason,
    )
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


def stage_entry(stage: Stage, *, now: datetime, policy: Policy) -> dict[str, Any]:
    """A Hub's clock columns on entering `stage`: entered now, due after the policy's days."""
    return {
        "stage": stage,
        "stage_entered_at": now,
        "stage_due_date": policy.due_date(stage, now),
        "paused_days_left": None,
        "listed_at": now if stage is Stage.LISTED else None,
    }


def enter(hub: Hub, stage: Stage, *, now: datetime, policy: Policy) -> None:
    """The stage's clock starts (see `stage_entry`)."""
    for column, value in stage_entry(stage, now=now, policy=policy).items():
        setattr(hub, column, value)


# Tells the engine this transaction will write, so SQLite opens it IMMEDIATE (taking the
# write lock up front) instead of failing to upgrade a read lock under contention.
WRITE = {"hubflow_write": True}


P = ParamSpec("P")
R = TypeVar("R")


def one_transaction(
    fn: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """A service whose whole work is one `transaction` (see below), typed as written."""

    @functools.wraps(fn)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(session):
            return fn(session, *args, **kwargs)

    return run


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
