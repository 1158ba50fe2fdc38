"""A listed Hub revises its strategic plan (#32): the revision is reviewed like the first
plan (approve, request changes, decline), and until it is approved the plan staff last
approved stays the Hub's plan. Each function is one transaction's work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Decision, Stage, SubmissionState
from models.errors import TransitionNotAllowed
from models.events import EventType
from models.forms import StrategicPlan, parse_evidence
from models.hub import Hub, Submission
from models.policy import Policy
from models.services.common import Actor, clock, current_policy, emit, load_hub, transaction
from models.services.hubs import hand_in, plan_targets


def is_revision(hub: Hub, submission: Submission) -> bool:
    """A plan handed in by a Hub that is already listed."""
    return hub.stage is Stage.LISTED and submission.stage is Stage.STRATEGIC_PLAN


def pending_revision(session: Session, hub_id: int) -> Submission | None:
    """The Hub's plan revision waiting for a decision, if there is one."""
    return session.scalar(
        select(Submission)
        .join(Hub, Hub.id == Submission.hub_id)
        .where(
            Submission.hub_id == hub_id,
            Hub.stage == Stage.LISTED,
            Submission.stage == Stage.STRATEGIC_PLAN,
            Submission.state == SubmissionState.PENDING,
        )
    )


def revise_plan(
    session: Session,
    hub_id: int,
    payload: dict[str, Any],
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Submission:
    """Hand in a new version of a listed Hub's plan, for staff to review."""
    now, policy = clock(now), current_policy(policy)
    plan = parse_evidence(Stage.STRATEGIC_PLAN, payload, today=policy.today(now))
    assert isinstance(plan, StrategicPlan)
    with transaction(session):
        hub = load_hub(session, hub_id)
        if hub.stage is not Stage.LISTED or not hub.status.is_open():
            raise TransitionNotAllowed(
                f"{hub.name} is not a listed, active Hub: its plan cannot be revised now"
            )
        if pending_revision(session, hub.id) is not None:
            raise TransitionNotAllowed(
                "a revision of this plan is already with the team: wait for their answer"
            )
        targets = plan_targets(session, plan, seats=hub.district.seats)
        submission = hand_in(
            session,
            hub,
            Stage.STRATEGIC_PLAN,
            plan.model_dump(mode="json"),
            targets,
            actor=actor or Actor.hub(hub.id),
            now=now,
        )
        emit(
            session,
            EventType.SUBMISSION_RECEIVED,
            hub,
            now,
            submission_id=submission.id,
            stage=Stage.STRATEGIC_PLAN.value,
            version=submission.version,
            revision=True,
        )
        return submission


def decided(
    session: Session,
    hub: Hub,
    submission: Submission,
    decision: Decision,
    *,
    comment: str,
    now: datetime,
) -> None:
    """A revision decided (in reviews.decide's transaction): the Hub stays listed; approved,
    the revision is its plan; sent back or declined, the approved plan stays."""
    emit(
        session,
        EventType.REVISION_DECIDED,
        hub,
        now,
        submission_id=submission.id,
        stage=Stage.STRATEGIC_PLAN.value,
        version=submission.version,
        decision=decision.value,
        comment=comment,
    )
