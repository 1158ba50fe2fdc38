"""What staff do to a Hub's standing: move it back a stage, pause, resume, withdraw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.enums import ReviewState, Status, SubmissionState
from models.errors import InvalidInput
from models.events import EventType
from models.hub import Hub, Submission
from models.lifecycle import Action, check
from models.policy import Policy
from models.review import ReviewTask
from models.services.common import (
    Actor,
    clock,
    current_policy,
    emit,
    load_hub,
    move,
    transaction,
)
from models.staff import StaffMember


def _close_open_work(session: Session, hub: Hub, *, now: datetime, why: str) -> None:
    """Withdraw what waits for staff and cancel the open review tasks, e.g. on withdrawal."""
    session.execute(
        update(Submission)
        .where(Submission.hub_id == hub.id, Submission.state == SubmissionState.PENDING)
        .values(state=SubmissionState.WITHDRAWN, decided_at=now, comment=why)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ReviewTask)
        .where(ReviewTask.hub_id == hub.id, ReviewTask.state == ReviewState.OPEN)
        .values(state=ReviewState.CANCELLED, decided_at=now, comment=why)
        .execution_options(synchronize_session=False)
    )


def _require_reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.one(field, "say why, so the Hub's history explains it")
    if len(reason) > 2000:
        raise InvalidInput.one(field, "keep it under 2000 characters")
    return reason


def move_back(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Staff send a Hub back one stage (e.g. to redo its plan), with a reason."""
    reason = _require_reason(reason)
    now, policy = clock(now), current_policy(policy)
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(Action.MOVE_BACK, hub.state())
        _close_open_work(session, hub, now=now, why=f"moved back: {reason}")
        was_paused = hub.status is Status.PAUSED
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason=reason,
            now=now,
            policy=policy,
        )
        if was_paused:  # the clock of the stage re-entered stays stopped until resume
            hub.paused_days_left = policy.stage_days(outcome.stage)
            hub.stage_due_date = None
        emit(session, EventType.MOVED_BACK, hub, now, stage=outcome.stage.value, reason=reason)
        return hub


ClockChange = Callable[[Session, Hub, datetime, Policy], None]


def _change_status(
    session: Session,
    hub_id: int,
    action: Action,
    event: EventType,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None,
    policy: Policy | None,
    clock_change: ClockChange,
) -> Hub:
    """Pause, resume and withdraw: the rule, the clock, the audit row and the event."""
    now, policy = clock(now), current_policy(policy)
    reason = reason.strip()
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(action, hub.state())
        clock_change(session, hub, now, policy)
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason=reason,
            now=now,
            policy=policy,
        )
        emit(session, event, hub, now, reason=reason)
        return hub


def _stop_clock(session: Session, hub: Hub, now: datetime, policy: Policy) -> None:
    if hub.stage_due_date is not None:
        # Negative when already overdue: a paused clock stops, it does not rewind.
        hub.paused_days_left = (hub.stage_due_date - policy.today(now)).days
    hub.stage_due_date = None


def _restart_clock(session: Session, hub: Hub, now: datetime, policy: Policy) -> None:
    if hub.paused_days_left is not None:
        hub.stage_due_date = policy.today(now) + timedelta(days=hub.paused_days_left)
    hub.paused_days_left = None


def _end_clock(session: Session, hub: Hub, now: datetime, policy: Policy) -> None:
    _close_open_work(session, hub, now=now, why="the Hub withdrew")
    hub.stage_due_date, hub.paused_days_left = None, None


def pause(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Staff pause a Hub: its clock stops with the days it had left."""
    return _change_status(
        session,
        hub_id,
        Action.PAUSE,
        EventType.PAUSED,
        actor=actor,
        reason=reason,
        now=now,
        policy=policy,
        clock_change=_stop_clock,
    )


def resume(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Restart a paused Hub's clock with the days it had left."""
    return _change_status(
        session,
        hub_id,
        Action.RESUME,
        EventType.RESUMED,
        actor=actor,
        reason=reason,
        now=now,
        policy=policy,
        clock_change=_restart_clock,
    )


def withdraw(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """The Hub steps away (or staff record that it did); nothing more is sent to it."""
    return _change_status(
        session,
        hub_id,
        Action.WITHDRAW,
        EventType.WITHDRAWN,
        actor=actor,
        reason=reason,
        now=now,
        policy=policy,
        clock_change=_end_clock,
    )


def reopen(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Undo a decline: the Hub is active again at the stage it was declined in, with that
    stage's full time from today; its contacts are told (the event's reaction)."""
    now, policy = clock(now), current_policy(policy)
    reason = _require_reason(reason)
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(Action.REOPEN, hub.state())
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason=reason,
            now=now,
            policy=policy,
        )
        hub.stage_due_date = policy.due_date(hub.stage, now)
        hub.paused_days_left = None
        emit(session, EventType.REOPENED, hub, now, stage=hub.stage.value, reason=reason)
        return hub


def record_stall(
    session: Session,
    hub: Hub,
    *,
    days_overdue: int,
    due_date: date,
    owner_id: int | None,
    now: datetime,
    policy: Policy,
) -> bool:
    """The Hub is past its escalation point: stalled, with its audit row and `hub.stalled`
    (whose reactions open the owner's check-in task and email them). `owner_id` is the
    staff member to own a Hub that has none. In the caller's transaction (the sweep
    records many at once); False if the Hub is no longer active."""
    if hub.status is not Status.ACTIVE:
        return False
    if owner_id is not None:
        hub.owner_id = owner_id
        session.execute(
            update(StaffMember)
            .where(StaffMember.id == owner_id)
            .values(last_assigned_at=now)
            .execution_options(synchronize_session=False)
        )
    move(
        session,
        hub,
        stage=hub.stage,
        status=Status.STALLED,
        actor=Actor.system("sweep"),
        reason=f"{days_overdue} days past the {hub.stage.label.lower()} due date",
        now=now,
        policy=policy,
    )
    emit(
        session,
        EventType.STALLED,
        hub,
        now,
        stage=hub.stage.value,
        days_overdue=days_overdue,
        due_date=due_date.isoformat(),
    )
    return True
