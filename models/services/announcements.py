"""What staff do with an announcement: write it, send it now or at a time (with a second
staff member's approval when it reaches many people), cancel it until it starts (#30).

Each function is one transaction's work; scheduling and cancelling record the domain
event whose reaction creates or cancels the Prefect flow run (tasks/reactions)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.announcement import Announcement, AnnouncementState
from models.errors import HubflowError, InvalidInput, NotFound
from models.events import EventType
from models.parsing import unreadable
from models.services.audience import Audience
from models.services.common import emit, one_transaction
from models.staff import StaffMember

# What an announcement may fill in for each recipient, and what a person reads for each.
MERGE_FIELDS = {
    "first_name": "the person's first name",
    "hub.name": "their Hub's name",
    "hub.district": "their Hub's district",
    "hub.link": "the private link to their Hub's page",
}
MERGE = re.compile(r"\{\{\s*([A-Za-z_.]+)\s*\}\}")
SUBJECT_MAX, BODY_MAX = 200, 20_000


class NotNow(HubflowError):
    """An announcement in a state that does not allow what was asked (sent, cancelled...)."""


def _merge_errors(text: str) -> str | None:
    unknown = sorted({m for m in MERGE.findall(text) if m not in MERGE_FIELDS})
    leftover = MERGE.sub("", text)
    if unknown or "{{" in leftover or "}}" in leftover or "{%" in text:
        names = ", ".join("{{ " + f + " }}" for f in MERGE_FIELDS)
        what = f"{{{{ {unknown[0]} }}}} is not a field we know" if unknown else "a field is open"
        return f"{what}; the fields are {names}"
    return None


def check_text(subject: str, body: str) -> tuple[str, str]:
    """The subject and body, tidied; every problem at once, each naming its field."""
    subject, body = subject.strip(), body.strip().replace("\r\n", "\n")
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = "Give the email a subject."
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = f"Keep the subject to {SUBJECT_MAX} characters ({len(subject)} now)."
    elif unreadable(subject, multiline=False):
        # A file given to the CLI has not passed the web's input boundary: the same rule.
        errors["subject"] = "Keep the subject to one line, without special characters."
    elif problem := _merge_errors(subject):
        errors["subject"] = problem
    if unreadable(body):
        errors["body"] = "Remove the special (control) characters from the text."
    elif not body:
        errors["body"] = "Write what the email says."
    elif len(body) > BODY_MAX:
        errors["body"] = f"Keep it to {BODY_MAX:,} characters ({len(body):,} now)."
    elif problem := _merge_errors(body):
        errors["body"] = problem
    if errors:
        raise InvalidInput(errors)
    return subject, body


def check_for(audience: Audience, subject: str, body: str) -> None:
    """The people waiting for a Hub have none: its name and link are not theirs to fill."""
    if not audience.newcomers:
        return
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        used = {m for m in MERGE.findall(text) if m in ("hub.name", "hub.link")}
        if used:
            fields = ", ".join("{{ " + f + " }}" for f in sorted(used))
            errors[field] = (
                f"the people waiting for a Hub have none yet: {fields} cannot be filled in"
            )
    if errors:
        raise InvalidInput(errors)


def load(session: Session, announcement_id: int, *, lock: bool = False) -> Announcement:
    found = session.get(Announcement, announcement_id, with_for_update=lock)
    if found is None:
        raise NotFound("announcement", announcement_id)
    return found


@one_transaction
def write(
    session: Session,
    *,
    author: StaffMember,
    subject: str,
    body: str,
    audience: Audience,
    announcement_id: int | None = None,
) -> Announcement:
    """A new draft, or the draft `announcement_id` rewritten (which asks again for any
    approval it had); one transaction, as each service here."""
    subject, body = check_text(subject, body)
    check_for(audience, subject, body)
    if announcement_id is None:
        found = Announcement(subject=subject, body=body, audience={}, author_id=author.id)
        session.add(found)
    else:
        found = load(session, announcement_id, lock=True)
        if not found.state.editable:
            raise NotNow(f"this announcement is {found.state.label.lower()}: it can't be changed")
        found.subject, found.body = subject, body
        found.state, found.approved_by_id = AnnouncementState.DRAFT, None
    found.audience = audience.as_dict()
    session.flush()
    return found


@one_transaction
def schedule(
    session: Session,
    announcement_id: int,
    *,
    by: StaffMember,
    at: datetime | None,
    people: int,
    approval_over: int,
    now: datetime,
) -> Announcement:
    """Send it at `at` (now if None), or wait for a second staff member's approval first
    when it reaches more than `approval_over` people (0: never ask)."""
    found = load(session, announcement_id, lock=True)
    if found.state is not AnnouncementState.DRAFT:
        raise NotNow(f"this announcement is {found.state.label.lower()}: it can't be sent again")
    if people == 0:
        raise InvalidInput.one(
            "audience", "No one would get this: choose Hubs with people to write to."
        )
    if at is not None and at < now:
        raise InvalidInput.one("send_at", "That time has passed: choose a later one, or send now.")
    found.send_at, found.people = at, people
    if approval_over and people > approval_over and found.approved_by_id is None:
        found.state = AnnouncementState.AWAITING_APPROVAL
        emit(
            session,
            EventType.ANNOUNCEMENT_AWAITING,
            None,
            now,
            announcement_id=found.id,
            people=people,
            asked_by=by.id,
        )
        return found
    return _scheduled(session, found, now)


@one_transaction
def approve(
    session: Session, announcement_id: int, *, by: StaffMember, now: datetime
) -> Announcement:
    found = load(session, announcement_id, lock=True)
    if found.state is not AnnouncementState.AWAITING_APPROVAL:
        raise NotNow(f"this announcement is {found.state.label.lower()}: nothing to approve")
    if by.id == found.author_id:
        raise NotNow("another staff member approves it: not the person who wrote it")
    found.approved_by_id = by.id
    if found.send_at is not None and found.send_at < now:
        found.send_at = None  # its time passed while it waited: it goes now
    return _scheduled(session, found, now)


def _scheduled(session: Session, found: Announcement, now: datetime) -> Announcement:
    found.state = AnnouncementState.SCHEDULED
    found.schedule_version += 1
    found.send_at = found.send_at or now
    found.flow_run_id = None
    emit(
        session,
        EventType.ANNOUNCEMENT_SCHEDULED,
        None,
        now,
        announcement_id=found.id,
        version=found.schedule_version,
        send_at=found.send_at.isoformat(),
    )
    return found


@one_transaction
def cancel(
    session: Session, announcement_id: int, *, by: StaffMember, now: datetime
) -> Announcement:
    found = load(session, announcement_id, lock=True)
    if not found.state.cancellable:
        raise NotNow(f"this announcement is {found.state.label.lower()}: too late to cancel it")
    was_scheduled = found.state is AnnouncementState.SCHEDULED
    found.state, found.cancelled_at = AnnouncementState.CANCELLED, now
    if was_scheduled:
        emit(
            session,
            EventType.ANNOUNCEMENT_CANCELLED,
            None,
            now,
            announcement_id=found.id,
            flow_run_id=found.flow_run_id,
        )
    return found


@one_transaction
def request_test(session: Session, announcement_id: int, *, by: StaffMember, now: datetime) -> None:
    """Send the announcement as it stands to `by` (asked twice for the same text: once)."""
    found = load(session, announcement_id)
    text = hashlib.sha256(
        json.dumps([found.subject, found.body, found.audience], sort_keys=True).encode()
    ).hexdigest()[:16]
    emit(
        session,
        EventType.ANNOUNCEMENT_TEST,
        None,
        now,
        announcement_id=found.id,
        staff_id=by.id,
        text=text,
    )


def record_flow_run(session: Session, announcement_id: int, version: int, run_id: str) -> None:
    """The Prefect flow run that will send this schedule of it."""
    found = load(session, announcement_id, lock=True)
    if found.schedule_version == version:
        found.flow_run_id = run_id


def list_announcements(session: Session, *, limit: int = 200) -> list[Announcement]:
    return list(session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit)))
