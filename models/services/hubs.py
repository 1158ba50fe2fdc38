"""What Hubs do, and what staff do to a Hub's status: one transaction each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.enums import (
    Chamber,
    ContactRole,
    ReviewState,
    Stage,
    Status,
    SubmissionState,
    TargetRole,
)
from models.errors import InvalidInput
from models.events import EventType
from models.forms import InterestForm, StrategicPlan, parse, parse_evidence
from models.hub import Contact, Hub, Submission
from models.legislature import District, Legislator
from models.lifecycle import Action, check
from models.names import name_key
from models.plan import PlanTarget
from models.policy import Policy
from models.review import ReviewTask
from models.services.common import (
    Actor,
    clock,
    current_policy,
    emit,
    enter,
    load_hub,
    move,
    transaction,
)
from models.services.legislators import LegislatorIndex
from models.services.review_tasks import close_check_ins


def find_house_district(session: Session, name: str) -> District:
    """The House district by its name, any case (a form's most common lookup)."""
    district = session.scalar(
        select(District).where(
            District.chamber == Chamber.HOUSE, func.lower(District.name) == name.strip().lower()
        )
    )
    if district is None:
        raise InvalidInput.one(
            "district", f"{name!r} is not a Massachusetts State Rep district (e.g. '10th Bristol')"
        )
    return district


def submit_interest(
    session: Session,
    data: dict[str, Any] | InterestForm,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Record an interest form (or one taken by phone); the same form twice gives one Hub."""
    form = data if isinstance(data, InterestForm) else parse(InterestForm, data)
    now, policy = clock(now), current_policy(policy)
    try:
        with transaction(session):
            return _create_hub(session, form, actor=actor, now=now, policy=policy)
    except IntegrityError:
        # Another request created the same Hub between our look-up and our insert.
        with transaction(session):
            existing = session.scalar(select(Hub).where(Hub.dedup_key == form.dedup_key()))
        if existing is None:
            raise
        return existing


def _create_hub(
    session: Session, form: InterestForm, *, actor: Actor | None, now: datetime, policy: Policy
) -> Hub:
    district = find_house_district(session, form.district)
    key = form.dedup_key()
    existing = session.scalar(select(Hub).where(Hub.dedup_key == key))
    if existing is not None and not existing.status.is_final():
        return existing
    if existing is not None:
        existing.dedup_key = f"{key}#{existing.id}"  # a withdrawn group may apply again
        session.flush()
    hub = Hub(
        name=form.group_name,
        kind=form.kind,
        towns=list(form.towns),
        district_id=district.id,
        stage=Stage.INTEREST,
        status=Status.ACTIVE,
        first_action_idea=form.first_action_idea,
        dedup_key=key,
        created_at=now,
    )
    hub.contacts.append(
        Contact(
            name=form.contact_name,
            email=str(form.email).lower(),
            phone=form.phone,
            role=ContactRole.PRIMARY,
            created_at=now,
        )
    )
    actor = actor or Actor(f"applicant:{str(form.email).lower()}")
    submission = Submission(
        hub=hub,
        stage=Stage.INTEREST,
        version=1,
        payload=form.model_dump(mode="json"),
        submitted_by=actor.label,
        submitted_at=now,
    )
    enter(hub, Stage.INTEREST, now=now, policy=policy)
    session.add_all([hub, submission])
    session.flush()  # one round trip for the Hub, its contact and its interest form
    move(
        session,
        hub,
        stage=Stage.INTEREST,
        status=Status.ACTIVE,
        actor=actor,
        reason="interest form submitted",
        now=now,
        policy=policy,
        initial=True,
    )
    emit(session, EventType.INTEREST_SUBMITTED, hub, now, submission_id=submission.id)
    return hub


def waiting_for_staff(session: Session, hub: Hub) -> bool:
    """Whether the Hub's work for its current stage is with the GO! Team."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Submission.hub_id == hub.id,
                    Submission.stage == hub.stage,
                    Submission.state == SubmissionState.PENDING,
                )
            )
        )
    )


def submit_stage_work(
    session: Session,
    hub_id: int,
    stage: Stage | str,
    payload: dict[str, Any],
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Submission:
    """Hand in the work that leaves `stage`; a resubmission after changes is a new version."""
    now, policy = clock(now), current_policy(policy)
    try:
        stage = Stage(stage)
    except ValueError:
        raise InvalidInput.one("stage", f"unknown stage {stage!r}") from None
    evidence = parse_evidence(stage, payload, today=policy.today(now))
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(
            Action.SUBMIT, hub.state(waiting_for_staff=waiting_for_staff(session, hub)), stage=stage
        )
        targets = _plan_targets(session, evidence) if isinstance(evidence, StrategicPlan) else []
        actor = actor or Actor.hub(hub.id)
        version = (
            session.scalar(
                select(func.max(Submission.version)).where(
                    Submission.hub_id == hub.id, Submission.stage == stage
                )
            )
            or 0
        ) + 1
        submission = Submission(
            hub_id=hub.id,
            stage=stage,
            version=version,
            payload=evidence.model_dump(mode="json"),
            submitted_by=actor.label,
            submitted_at=now,
        )
        session.add(submission)
        session.flush()
        for target in targets:
            target.submission_id, target.hub_id = submission.id, hub.id
            session.add(target)
        close_check_ins(session, hub.id, now=now, why="the Hub handed in its work")
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason="submission clears stalled",
            now=now,
            policy=policy,
        )
        emit(
            session,
            EventType.SUBMISSION_RECEIVED,
            hub,
            now,
            submission_id=submission.id,
            stage=stage.value,
            version=version,
        )
        return submission


_CHAMBER_OF = {TargetRole.STATE_REP: Chamber.HOUSE, TargetRole.STATE_SENATOR: Chamber.SENATE}


def _plan_targets(session: Session, plan: StrategicPlan) -> list[PlanTarget]:
    """One row per target; state legislators are found by id, or else by name."""
    rows, indexes = [], {}
    for i, target in enumerate(plan.targets):
        chamber = _CHAMBER_OF.get(target.role)
        legislator = None
        if target.legislator_id is not None:
            legislator = session.get(Legislator, target.legislator_id)
            if legislator is None or (chamber is not None and legislator.chamber != chamber):
                raise InvalidInput.one(
                    f"payload.targets.{i}.legislator_id",
                    f"no {target.role.value.replace('_', ' ')} with id {target.legislator_id}",
                )
        elif chamber is not None:
            if chamber not in indexes:
                indexes[chamber] = LegislatorIndex.load(session, chamber)
            legislator = indexes[chamber].find(target.legislator)
        rows.append(
            PlanTarget(
                role=target.role,
                legislator_id=legislator.id if legislator else None,
                legislator_name=legislator.name if legislator else target.legislator,
                name_key=name_key(legislator.name if legislator else target.legislator),
                stance=target.stance,
                goal=target.goal,
                target_date=target.target_date,
            )
        )
    return rows


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
        hub.paused_days_left = max(0, (hub.stage_due_date - policy.today(now)).days)
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
