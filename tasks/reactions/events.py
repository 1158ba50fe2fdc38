"""What follows each domain event (the table is tasks/reactions/__init__.py): emails to a
Hub's contacts and to staff, review tasks, the directory to publish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from models.email import MessageKind
from models.enums import ReviewKind, Stage, Status, SubmissionState
from models.hub import Contact, Submission
from models.review import ReviewTask
from models.services.review_tasks import ensure_review_task, review_due
from models.services.working_on import circles
from plumbing.email.outbox import Recipient, is_forgotten, queue_email
from plumbing.geography import geography
from plumbing.tokens import confirm_url
from tasks.reactions.contexts import (
    hub_context,
    staff_url,
    stage_label,
    submission_context,
    task_context,
)
from tasks.reactions.reaction import Reaction


def email_interest_received(r: Reaction) -> None:
    """What happens next, to each contact; an address its owner once asked hubflow to
    forget is first asked to confirm it (nothing else is sent to it until then)."""
    hub = r.require_hub()
    forgotten = {c.email for c in hub.contacts if is_forgotten(r.session, c.email)}
    for contact in hub.contacts:
        if contact.email in forgotten:
            r.emails_queued += queue_email(
                r.session,
                key=r.key(MessageKind.CONFIRM_ADDRESS),
                kind=MessageKind.CONFIRM_ADDRESS,
                to=Recipient(contact.email, contact.name),
                context={
                    "hub": hub_context(hub, r.settings),
                    "confirm_url": confirm_url(contact.email, hub.id, settings=r.settings),
                },
                hub_id=hub.id,
                now=r.now,
            )
    r.email_hub(
        MessageKind.INTEREST_RECEIVED,
        skip=forgotten,
        intro_days=r.settings.policy.review_due_days,
    )


def email_address_confirmed(r: Reaction) -> None:
    """An address brought back: its owner is emailed as any new contact is."""
    contact = r.session.get(Contact, r.payload["contact_id"])
    if contact is None or contact.hub_id != r.event.hub_id:
        return
    r.email_hub(
        MessageKind.INTEREST_RECEIVED,
        only={contact.email},
        intro_days=r.settings.policy.review_due_days,
    )


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
        # The first few of each by name: in a large campaign hundreds share a Senator.
        others = circles(r.session, geography(), hub)
        r.email_hub(
            MessageKind.LISTED_WELCOME,
            directory_url=f"{r.settings.base_url.rstrip('/')}/hubs",
            neighbours=[{"hub": n.hub, "legislator": n.legislator} for n in others.neighbours],
            more_neighbours=others.more_neighbours,
            nearby=[
                {"hub": n.hub, "district": n.district, "shared": n.shared_words}
                for n in others.nearby
            ],
            more_nearby=others.more_nearby,
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
    tell_owner(
        r,
        task,
        MessageKind.REVIEW_ASSIGNED,
        key=f"review-{task.id}/assigned/{task.owner_id}/{r.event.uid}",
        task=task_context(task, r.settings),
    )


def tell_owner(
    r: Reaction, review: ReviewTask, kind: MessageKind, /, *, key: str, **extra: Any
) -> None:
    """Email the review task's owner, if it has one."""
    if review.owner is None and review.owner_id is not None:
        r.session.refresh(review, ["owner"])
    if review.owner is not None:
        r.email_staff(kind, review.owner, key=key, **extra)


def open_intro_call(r: Reaction) -> None:
    _open_review(r, kind=ReviewKind.INTRO_CALL, title=f"Intro call with {r.require_hub().name}")


def open_submission_review(r: Reaction) -> None:
    version = r.payload["version"]
    what = "revised plan" if r.payload.get("revision") else stage_label(r.payload["stage"]).lower()
    title = f"Review {r.require_hub().name}'s {what}" + (
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


def escalate_stall(r: Reaction) -> None:
    """A Hub stalled: its owner on staff gets a check-in task and an email saying so. Not
    if it moved on, or was paused or withdrawn, before this event was processed."""
    hub = r.require_hub()
    stage = Stage(r.payload["stage"])
    if hub.status is not Status.STALLED or hub.stage is not stage:
        return
    due_date = r.payload["due_date"]
    task, opened = ensure_review_task(
        r.session,
        key=f"check-in:{hub.id}:{stage}:{due_date}",
        hub=hub,
        kind=ReviewKind.CHECK_IN,
        stage=stage,
        title=f"Check in with {hub.name}",
        due=review_due(r.settings.policy.today(r.now), r.settings.policy.review_due_days),
        now=r.now,
    )
    if not opened:
        return
    r.tasks_opened.append(task.id)
    tell_owner(
        r,
        task,
        MessageKind.STALLED_ESCALATION,
        key=f"hub-{hub.id}/stalled_escalation/{stage}/{date.fromisoformat(due_date)}",
        days_overdue=r.payload["days_overdue"],
        task={"title": task.title, "url": staff_url(r.settings, f"reviews/{task.id}")},
    )


ENDED = (Status.WITHDRAWN, Status.DECLINED)


def email_fresh_link(r: Reaction) -> None:
    """A contact asked for a fresh link to their Hub's page: one email an hour at most (it
    goes even to an address that unsubscribed from reminders: they asked for it)."""
    hub = r.require_hub()
    contact = r.session.get(Contact, r.payload["contact_id"])
    if contact is None or contact.hub_id != hub.id or hub.status in ENDED:
        return
    r.emails_queued += queue_email(
        r.session,
        key=f"hub-{hub.id}/hub_link/{r.payload['hour']}",
        kind=MessageKind.HUB_LINK,
        to=Recipient(contact.email, contact.name),
        context={
            "hub": hub_context(hub, r.settings),
            "contacts_changed": r.payload.get("why") == "contacts",
        },
        hub_id=hub.id,
        now=r.now,
    )


def email_reopened(r: Reaction) -> None:
    """A declined Hub reopened: its contacts are told, with why and what is next."""
    r.email_hub(MessageKind.HUB_REOPENED, reason=r.payload["reason"])
    if r.require_hub().stage is Stage.LISTED:
        r.publish_directory = True


def publish_if_listed(r: Reaction) -> None:
    """A listed Hub corrected (its name, towns, contacts): the directory shows the change."""
    if r.hub is not None and r.hub.stage is Stage.LISTED:
        r.publish_directory = True
