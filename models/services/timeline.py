"""A Hub's story in sentences: changes, submissions and decisions, emails, review tasks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import DomainEvent, StageChange
from models.email import DELIVERY_WORDS, Email, EmailState
from models.enums import ReviewState, Stage, Status, SubmissionState
from models.events import EventType
from models.hub import Hub, Submission
from models.legislature import Legislator
from models.presenters import Change, Document, Facts, changes, present
from models.review import ReviewTask
from models.services.queries import hub_tasks
from models.services.timeline_more import (
    Entry,
    Names,
    announced,
    newcomers_of,
    progress_of,
    staff_work,
)
from models.words import longday


@dataclass
class Version:
    """One submission with its document and what changed since the version before."""

    submission: Submission
    document: Document
    changes: list[Change]
    asked_for: str  # the staff comment that asked for this version, if any


def facts_for(session: Session, hub: Hub, *, today: date) -> Facts:
    """The presenters' facts for `hub`: its district's Rep."""
    rep = session.scalar(
        select(Legislator.name).where(Legislator.district_id == hub.district_id, Legislator.active)
    )
    return Facts(today=today, rep_of={hub.district.name: rep} if rep else {})


def versions(submissions: Iterable[Submission], facts: Facts) -> list[Version]:
    """Each submission presented, with its changes against the previous one of its stage."""
    out: list[Version] = []
    previous: dict[str, Version] = {}
    for sub in submissions:
        doc = present(sub.stage, sub.payload, facts)
        before = previous.get(sub.stage.value)
        asked = (
            before.submission.comment
            if before and before.submission.state is SubmissionState.CHANGES_REQUESTED
            else ""
        )
        out.append(Version(sub, doc, changes(before.document, doc) if before else [], asked))
        previous[sub.stage.value] = out[-1]
    return out


def _change_text(c: StageChange, who: str) -> str:
    if c.from_stage is None or c.from_status is None:
        return f"The Hub started at the {c.to_stage.label.lower()} stage."
    if c.to_stage.order > c.from_stage.order:
        return f"The Hub moved on to {c.to_stage.label.lower()}."
    if c.to_stage.order < c.from_stage.order:
        return f"{who} moved the Hub back to {c.to_stage.label.lower()}."
    status = {
        Status.PAUSED: f"{who} paused the Hub.",
        Status.WITHDRAWN: f"{who} recorded that the Hub withdrew.",
        Status.DECLINED: "The Hub was declined.",
        Status.STALLED: "The Hub stalled: it is well past its deadline.",
    }
    if c.to_status in status:
        return status[c.to_status]
    if c.from_status is Status.PAUSED:
        return f"{who} resumed the Hub."
    if c.from_status is Status.DECLINED:
        return f"{who} reopened the Hub."  # the reason is quoted beneath
    return "The Hub is active again: its work came in."


# The reasons hubflow writes itself (an approval's, in words and in its older code form).
_AUTO_REASONS = frozenset(
    {"interest form submitted", "submission clears stalled"}
    | {f"{s.label.lower()} approved" for s in Stage}
    | {f"{s.value} approved" for s in Stage}
)


def _reason(c: StageChange) -> str:
    """The reason someone gave; none for the ones hubflow writes itself, nor on a move
    forward, whose decision already quotes its comment."""
    if c.reason in _AUTO_REASONS:
        return ""
    forward = c.from_stage is not None and c.to_stage.order > c.from_stage.order
    if forward or (c.to_status is Status.ACTIVE and c.from_status is Status.STALLED):
        return ""
    return c.reason


_DECIDED = {
    SubmissionState.APPROVED: "approved the {what}",
    SubmissionState.CHANGES_REQUESTED: "asked for changes to the {what}",
    SubmissionState.DECLINED: "declined the {what}",
    SubmissionState.WITHDRAWN: "closed the {what}",
}


def _email_text(e: Email) -> str:
    subject, to = f"“{e.subject}”", e.to_email
    return {
        EmailState.PENDING: f"Email {subject} queued for {to}.",
        EmailState.SENDING: f"Email {subject} being sent to {to}.",
        EmailState.SENT: f"Email {subject} sent to {to}" + _delivery(e),
        EmailState.FAILED: f"Email {subject} to {to} could not be sent: {e.last_error}",
        EmailState.SUPPRESSED: f"Email {subject} not sent to {to}: the address unsubscribed "
        "or bounced.",
    }[e.state]


def _delivery(e: Email) -> str:
    """'; delivered.' (what SendGrid last said), or '.'."""
    if not e.delivery:
        return "."
    return f"; {DELIVERY_WORDS.get(e.delivery, e.delivery)}."


def hub_versions(session: Session, hub: Hub, *, today: date) -> list[Version]:
    """Every submission of `hub`, oldest first, presented, with its changes."""
    subs = session.scalars(
        select(Submission).where(Submission.hub_id == hub.id).order_by(Submission.id)
    )
    return versions(subs, facts_for(session, hub, today=today))


def timeline(
    session: Session,
    hub: Hub,
    *,
    today: date,
    for_staff: bool = True,
    known: list[Version] | None = None,
    tasks: list[ReviewTask] | None = None,
) -> list[Entry]:
    """Everything that happened to `hub`, oldest first; for the Hub itself, its changes,
    what it sent and the decisions (not the GO! Team's tasks and emails). `known` and
    `tasks`: its submissions presented and its review tasks, when the page has them."""
    names = Names(session, hub)
    entries: list[Entry] = []
    for c in session.scalars(
        select(StageChange).where(StageChange.hub_id == hub.id).order_by(StageChange.id)
    ):
        if c.from_stage is None and entries:
            continue
        entries.append(Entry(c.at, _change_text(c, names(c.actor)), _reason(c), rank=2))
    for v in known if known is not None else hub_versions(session, hub, today=today):
        s = v.submission
        what = v.document.title.lower()
        version = f" (version {s.version})" if s.version > 1 else ""
        sent = f"{names(s.submitted_by)} sent the {what}{version}."
        entries.append(Entry(s.submitted_at, sent, "", v.document, v.changes))
        if s.decided_at is not None and s.state in _DECIDED:
            verb = _DECIDED[s.state].format(what=what + version)
            entries.append(Entry(s.decided_at, f"{names(s.decided_by)} {verb}.", s.comment, rank=1))
    if not for_staff:
        return _in_order(entries + progress_of(session, hub, names))
    for t in tasks if tasks is not None else hub_tasks(session, hub.id):
        owner = t.owner.name if t.owner else "nobody yet"
        due = longday(t.due_date, today=today)
        opened = f"Task “{t.title}” opened for {owner}, due {due}."
        entries.append(Entry(t.created_at, opened, rank=3))
        if t.decided_at is not None and t.state is not ReviewState.OPEN:
            closed = "done" if t.state is ReviewState.DONE else "cancelled"
            entries.append(Entry(t.decided_at, f"Task “{t.title}” {closed}.", t.comment, rank=3))
    own = select(Email).where(Email.hub_id == hub.id, Email.announcement_id.is_(None))
    for e in session.scalars(own.order_by(Email.id)):
        entries.append(Entry(e.sent_at or e.created_at, _email_text(e), rank=4))
    entries += announced(session, hub)
    entries += newcomers_of(session, hub)
    entries += staff_work(session, hub, names, today=today)
    entries += progress_of(session, hub, names)
    forgotten = select(DomainEvent).where(
        DomainEvent.hub_id == hub.id, DomainEvent.type == EventType.CONTACT_FORGOTTEN.value
    )
    for event in session.scalars(forgotten.order_by(DomainEvent.id)):
        who = names(str(event.payload.get("actor", "")))
        words = f"{who} removed a contact's details, at the person's request."
        entries.append(Entry(event.occurred_at, words, rank=2))
    return _in_order(entries)


def _in_order(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: (entry.at, entry.rank))
