"""The GO! Team's decisions on submissions: approve, request changes, decline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.enums import ContactRole, Decision, ReviewState, Stage, SubmissionState
from models.errors import AlreadyDecided, InvalidInput, NotFound, choice
from models.events import EventType
from models.forms import OnboardingSetup
from models.hub import Contact, Hub, Submission
from models.lifecycle import Action, check
from models.policy import Policy
from models.review import ReviewTask
from models.services import revisions
from models.services.common import (
    Actor,
    clock,
    current_policy,
    emit,
    load_hub,
    load_staff,
    move,
    transaction,
)

_EVENT = {
    Decision.APPROVE: EventType.SUBMISSION_APPROVED,
    Decision.REQUEST_CHANGES: EventType.CHANGES_REQUESTED,
    Decision.DECLINE: EventType.SUBMISSION_DECLINED,
}


def decide(
    session: Session,
    submission_id: int,
    decision: Decision | str,
    *,
    staff_id: int,
    comment: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Submission:
    """Decide a waiting submission; the first decision wins, later ones get AlreadyDecided."""
    decision = choice(Decision, decision, "decision")
    comment = (comment or "").strip()
    if decision.needs_comment() and not comment:
        raise InvalidInput.one("comment", "tell the Hub what to change or why it was declined")
    if len(comment) > 5000:
        raise InvalidInput.one("comment", "keep the comment under 5000 characters")
    now, policy = clock(now), current_policy(policy)
    with transaction(session):
        actor = Actor.staff(load_staff(session, staff_id))
        _claim(session, submission_id, decision, actor=actor, comment=comment, now=now)
        submission = session.get(Submission, submission_id, populate_existing=True)
        assert submission is not None
        hub = load_hub(session, submission.hub_id)
        if revisions.is_revision(hub, submission):  # a listed Hub's new plan: it stays listed
            _close_review_tasks(
                session, submission, decision, actor=actor, comment=comment, now=now
            )
            revisions.decided(session, hub, submission, decision, comment=comment, now=now)
            return submission
        outcome = check(Action.for_decision(decision), hub.state(), stage=submission.stage)
        _close_review_tasks(session, submission, decision, actor=actor, comment=comment, now=now)
        emit(
            session,
            _EVENT[decision],
            hub,
            now,
            submission_id=submission.id,
            stage=submission.stage.value,
            version=submission.version,
            comment=comment,
        )
        if decision is Decision.APPROVE and submission.stage is Stage.ONBOARDING:
            _publishable_contacts(
                session, hub, OnboardingSetup.model_validate(submission.payload), now
            )
        if decision is Decision.REQUEST_CHANGES:
            hub.stage_due_date = policy.changes_due(
                hub.stage_due_date, submitted=submission.submitted_at, now=now
            )
        if decision is Decision.DECLINE:
            hub.stage_due_date = None
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason=comment or f"{submission.stage.label.lower()} approved",
            now=now,
            policy=policy,
        )
        return submission


def _claim(
    session: Session,
    submission_id: int,
    decision: Decision,
    *,
    actor: Actor,
    comment: str,
    now: datetime,
) -> None:
    """Mark the submission decided only if it is still pending: one decision wins."""
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.state == SubmissionState.PENDING)
        .values(
            state=decision.resulting_state,
            decided_by_id=actor.staff_id,
            decided_by=actor.label,
            decided_at=now,
            comment=comment,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return
    current = session.get(Submission, submission_id, populate_existing=True)
    if current is None:
        raise NotFound("submission", submission_id)
    raise AlreadyDecided(
        submission_id=submission_id,
        state=current.state.value,
        by=current.decided_by or "the Hub",
        at=current.decided_at,
    )


def _close_review_tasks(
    session: Session,
    submission: Submission,
    decision: Decision,
    *,
    actor: Actor,
    comment: str,
    now: datetime,
) -> None:
    session.execute(
        update(ReviewTask)
        .where(ReviewTask.submission_id == submission.id, ReviewTask.state == ReviewState.OPEN)
        .values(
            state=ReviewState.DONE,
            decision=decision,
            comment=comment,
            decided_by_id=actor.staff_id,
            decided_at=now,
        )
        .execution_options(synchronize_session=False)
    )


def _publishable_contacts(
    session: Session, hub: Hub, setup: OnboardingSetup, now: datetime
) -> None:
    """The approved on-boarding contacts become the Hub's contacts for new people."""
    for old in [c for c in hub.contacts if c.role is ContactRole.ONBOARDING]:
        hub.contacts.remove(old)
    session.flush()  # delete the old rows before inserting the same addresses again
    for person in setup.contacts:
        hub.contacts.append(
            Contact(
                name=person.name,
                email=str(person.email).lower(),
                phone=person.phone,
                role=ContactRole.ONBOARDING,
                consent_to_publish=setup.consent_to_publish,
                created_at=now,
            )
        )
