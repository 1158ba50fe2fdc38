"""What happens when: every consequence of every domain event, in one table (SPEC §3).

Each reaction runs inside the transaction that marks its event processed, and every
side effect it has carries a deterministic identity derived from the event, so running
the same event twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models.audit import DomainEvent
from models.email import MessageKind
from models.enums import ReviewKind, Stage, SubmissionState
from models.events import EventType
from models.hub import Hub, Submission
from models.review import ReviewTask
from models.services.coverage import neighbours
from models.services.delegation import nearby_hubs
from models.services.review_tasks import ensure_review_task, review_due
from models.staff import StaffMember
from plumbing.email.outbox import Recipient, queue_email
from plumbing.geography import geography
from plumbing.settings import Settings
from tasks.contexts import hub_context, stage_label, submission_context, task_context


@dataclass
class Reaction:
    """One event being reacted to, and what the reactions asked for afterwards."""

    session: Session
    event: DomainEvent
    hub: Hub | None
    settings: Settings
    now: datetime
    publish_directory: bool = False
    emails_queued: int = 0
    tasks_opened: list[int] = field(default_factory=list)

    @property
    def payload(self) -> dict[str, Any]:
        return self.event.payload

    def key(self, kind: MessageKind | str) -> str:
        """Hub, message, stage, event: the identity of what this event sends."""
        stage = self.payload.get("stage") or (self.hub.stage.value if self.hub else "-")
        return f"hub-{self.event.hub_id}/{kind}/{stage}/{self.event.uid}"

    def email_hub(self, kind: MessageKind, **extra: Any) -> None:
        hub = self.require_hub()
        context = {"hub": hub_context(hub, self.settings), **extra}
        seen = set()
        for contact in hub.contacts:
            if contact.email in seen:
                continue
            seen.add(contact.email)
            self.emails_queued += queue_email(
                self.session,
                key=self.key(kind),
                kind=kind,
                to=Recipient(contact.email, contact.name),
                context=context,
                hub_id=hub.id,
                now=self.now,
            )

    def email_staff(
        self, kind: MessageKind, member: StaffMember, *, key: str, **extra: Any
    ) -> None:
        hub = self.require_hub()
        self.emails_queued += queue_email(
            self.session,
            key=key,
            kind=kind,
            to=Recipient(member.email, member.name, staff=True),
            context={"hub": hub_context(hub, self.settings), **extra},
            hub_id=hub.id,
            now=self.now,
        )

    def require_hub(self) -> Hub:
        if self.hub is None:
            raise ValueError(f"event {self.event.uid} ({self.event.type}) names no Hub")
        return self.hub


def email_interest_received(r: Reaction) -> None:
    r.email_hub(MessageKind.INTEREST_RECEIVED, intro_days=r.settings.policy.review_due_days)


def email_submission_received(r: Reaction) -> None:
    submission = r.session.get(Submission, r.payload["submission_id"])
    if submission is None:
        raise ValueError(f"event {r.event.uid} names a submission that does not exist")
    r.email_hub(
        MessageKind.SUBMISSION_RECEIVED,
        submission=submission_context(r.session, submission, today=r.settings.policy.today(r.now)),
        review_days=r.settings.policy.review_due_days,
    )


def email_stage_approved(r: Reaction) -> None:
    approved = Stage(r.payload["stage"])
    entered = approved.next()
    hub = r.require_hub()
    if entered is Stage.LISTED:
        working_with = neighbours(r.session, hub.id)
        r.email_hub(
            MessageKind.LISTED_WELCOME,
            directory_url=f"{r.settings.base_url.rstrip('/')}/hubs",
            neighbours=[{"hub": n.hub, "legislator": n.legislator} for n in working_with],
            nearby=[
                {"hub": n.hub, "district": n.district, "shared": n.shared_words}
                for n in nearby_hubs(r.session, geography(), hub)
                if n.hub_id not in {w.hub_id for w in working_with}
            ],
        )
    elif hub.stage is entered:  # not moved on, or back, since: its due date is current
        r.email_hub(MessageKind.STAGE_APPROVED, approved_stage_label=approved.label)


def _email_decision(kind: MessageKind) -> Callable[[Reaction], None]:
    """Tell the Hub a submission was sent back or declined, with the staff comment."""

    def email(r: Reaction) -> None:
        r.email_hub(
            kind,
            comment=r.payload["comment"],
            submission={
                "stage_label": stage_label(r.payload["stage"]),
                "version": r.payload["version"],
            },
        )

    return email


email_changes_requested = _email_decision(MessageKind.CHANGES_REQUESTED)
email_declined = _email_decision(MessageKind.DECLINED)


def _open_review(r: Reaction, *, kind: ReviewKind, title: str) -> None:
    hub = r.require_hub()
    submission_id = r.payload["submission_id"]
    submission = r.session.get(Submission, submission_id)
    if submission is None or submission.state is not SubmissionState.PENDING:
        return  # decided (or withdrawn) before this event was processed: nothing to review
    task, opened = ensure_review_task(
        r.session,
        key=f"submission:{submission_id}",
        hub=hub,
        kind=kind,
        stage=Stage(r.payload.get("stage", hub.stage.value)),
        title=title,
        due=review_due(r.settings.policy.today(r.now), r.settings.policy.review_due_days),
        now=r.now,
        submission_id=submission_id,
    )
    if opened:
        r.tasks_opened.append(task.id)
        _email_owner(r, task)


def _email_owner(r: Reaction, task: ReviewTask) -> None:
    if task.owner is None and task.owner_id is not None:
        r.session.refresh(task, ["owner"])
    if task.owner is not None:
        r.email_staff(
            MessageKind.REVIEW_ASSIGNED,
            task.owner,
            key=f"review-{task.id}/assigned/{task.owner_id}/{r.event.uid}",
            task=task_context(task, r.settings),
        )


def open_intro_call(r: Reaction) -> None:
    _open_review(r, kind=ReviewKind.INTRO_CALL, title=f"Intro call with {r.require_hub().name}")


def open_submission_review(r: Reaction) -> None:
    version = r.payload["version"]
    title = f"Review {r.require_hub().name}'s {stage_label(r.payload['stage']).lower()}" + (
        f" (version {version})" if version > 1 else ""
    )
    _open_review(r, kind=ReviewKind.SUBMISSION, title=title)


def email_new_owner(r: Reaction) -> None:
    task = r.session.get(ReviewTask, r.payload["task_id"])
    if task is not None and task.owner_id == r.payload["owner_id"]:
        _email_owner(r, task)


def publish_directory(r: Reaction) -> None:
    r.publish_directory = True


def publish_if_it_was_listed(r: Reaction) -> None:
    """A listed Hub that is withdrawn, declined or moved back leaves the public directory."""
    was_listed = r.payload.get("stage") == Stage.STRATEGIC_PLAN.value  # moved back from listed
    if r.hub is not None and (r.hub.stage is Stage.LISTED or was_listed):
        r.publish_directory = True


def imported(r: Reaction) -> None:
    """An imported Hub: in the directory if listed; its intro call opened if it came in
    waiting at the interest stage; its contacts told of its page only when the import
    said so (`--notify`)."""
    hub = r.require_hub()
    if hub.stage is Stage.LISTED:
        r.publish_directory = True
    if r.payload.get("submission_id"):
        open_intro_call(r)
    if r.payload.get("notify"):
        r.email_hub(MessageKind.HUB_IMPORTED)


ReactionFn = Callable[[Reaction], None]

# The stage's due date is not here: the domain sets it in the same transaction as the
# stage change itself (models/services/common.py: move), so it is never stale.
REACTIONS: dict[EventType, tuple[ReactionFn, ...]] = {
    EventType.INTEREST_SUBMITTED: (email_interest_received, open_intro_call),
    EventType.SUBMISSION_RECEIVED: (email_submission_received, open_submission_review),
    EventType.SUBMISSION_APPROVED: (email_stage_approved,),
    EventType.CHANGES_REQUESTED: (email_changes_requested,),
    EventType.SUBMISSION_DECLINED: (email_declined, publish_if_it_was_listed),
    EventType.STAGE_ENTERED: (),
    EventType.LISTED: (publish_directory,),
    EventType.MOVED_BACK: (publish_if_it_was_listed,),
    EventType.WITHDRAWN: (publish_if_it_was_listed,),
    EventType.PAUSED: (),
    EventType.RESUMED: (),
    # The sweep that decides a Hub is stalled also opens its check-in task and emails
    # the owner, in the same transaction (tasks/sweep.py), so a dry run can list it.
    EventType.STALLED: (),
    EventType.REVIEW_REASSIGNED: (email_new_owner,),
    EventType.STANCE_CHANGED: (),
    EventType.HUB_IMPORTED: (imported,),
    EventType.CONTACT_FORGOTTEN: (),
    EventType.CONTACTS_EXPORTED: (),
}
