"""What Hubs do, and what staff do to a Hub's status: one transaction each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from models.enums import (
    Chamber,
    Stage,
    SubmissionState,
    TargetRole,
)
from models.errors import InvalidInput
from models.events import EventType
from models.forms import StrategicPlan, parse_evidence
from models.hub import Hub, Submission
from models.legislature import Legislator
from models.lifecycle import Action, check
from models.names import name_key
from models.plan import PlanTarget
from models.policy import Policy
from models.services.common import (
    Actor,
    clock,
    current_policy,
    emit,
    load_hub,
    move,
    transaction,
)
from models.services.interest import Interest, record_interests, submit_interest
from models.services.legislators import LegislatorIndex
from models.services.review_tasks import close_check_ins
from models.services.status import move_back, pause, reopen, resume, withdraw

# The interest form and status changes have modules of their own; they are Hub services
# all the same.
__all__ = [
    "Interest",
    "move_back",
    "pause",
    "record_interests",
    "reopen",
    "resume",
    "submit_interest",
    "withdraw",
]


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
        targets = (
            plan_targets(session, evidence, seats=hub.district.seats)
            if isinstance(evidence, StrategicPlan)
            else []
        )
        actor = actor or Actor.hub(hub.id)
        submission = hand_in(
            session, hub, stage, evidence.model_dump(mode="json"), targets, actor=actor, now=now
        )
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
            version=submission.version,
        )
        return submission


def hand_in(
    session: Session,
    hub: Hub,
    stage: Stage,
    payload: dict[str, Any],
    targets: list[PlanTarget],
    *,
    actor: Actor,
    now: datetime,
) -> Submission:
    """The next version of the Hub's work for `stage`, kept with its plan's targets (in the
    caller's transaction): a first submission, a resubmission, a listed Hub's revision."""
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
        payload=payload,
        submitted_by=actor.label,
        submitted_at=now,
    )
    session.add(submission)
    session.flush()
    for target in targets:
        target.submission_id, target.hub_id = submission.id, hub.id
        session.add(target)
    return submission


_CHAMBERS_OF = {
    TargetRole.STATE_REP: (Chamber.HOUSE,),
    TargetRole.STATE_SENATOR: (Chamber.SENATE,),
    TargetRole.MEMBER_OF_CONGRESS: (Chamber.US_HOUSE, Chamber.US_SENATE),
}


def plan_targets(session: Session, plan: StrategicPlan, *, seats: int = 1) -> list[PlanTarget]:
    """One row per target; legislators are found by id, or else by name. A plan names as
    many State Reps as the Hub's district has seats, at most."""
    reps = sum(1 for t in plan.targets if t.role is TargetRole.STATE_REP)
    if reps > seats:
        raise InvalidInput.one(
            "payload.targets",
            f"the plan names {reps} State Reps, but the district elects "
            f"{'one' if seats == 1 else seats}",
        )
    rows, indexes = [], {}
    for i, target in enumerate(plan.targets):
        chambers = _CHAMBERS_OF[target.role]
        legislator = None
        if target.legislator_id is not None:
            legislator = session.get(Legislator, target.legislator_id)
            if legislator is None or legislator.chamber not in chambers:
                raise InvalidInput.one(
                    f"payload.targets.{i}.legislator_id",
                    f"no {target.role.label.lower()} with id {target.legislator_id}",
                )
        else:
            for chamber in chambers:
                if chamber not in indexes:
                    indexes[chamber] = LegislatorIndex.load(session, chamber)
                legislator = indexes[chamber].find(target.legislator)
                if legislator is not None:
                    break
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
