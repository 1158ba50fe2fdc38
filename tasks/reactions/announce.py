"""Queuing an announcement: one email per person, a chunk per transaction, each keyed by
the announcement and the address, so a run killed halfway and run again sends each person
exactly one (tests/integration/test_announcements.py); the test sent to a staff member, and
the reactions that have Prefect run it at its time or cancel that run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.announcement import Announcement, AnnouncementHub, AnnouncementState
from models.email import Email, MessageKind
from models.services.announcements import load, record_flow_run, schedule
from models.services.audience import Audience
from models.services.common import transaction
from models.services.privacy import address_hash, legacy_hash
from models.services.reach import Person, Reach, reach
from models.staff import StaffMember
from plumbing.email.announce import Written, merge_values, written
from plumbing.email.outbox import (
    Recipient,
    email_row,
    insert_emails,
    insert_ignoring_duplicates,
    queue_email,
)
from plumbing.geography import geography
from plumbing.settings import Settings
from tasks.reactions.contexts import staff_url
from tasks.reactions.reaction import Reaction

# A run that starts this much before its time (clocks differ a little) sends all the same.
EARLY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Delivered:
    announcement_id: int
    outcome: str  # "sent", "cancelled", "superseded", "already sent", "not yet"
    queued: int = 0  # emails this run added to the outbox
    people: int = 0  # emails the announcement has in all

    def __str__(self) -> str:
        if self.outcome == "sent":
            return (
                f"announcement {self.announcement_id}: {self.queued} emails queued, "
                f"{self.people} in all"
            )
        return f"announcement {self.announcement_id}: {self.outcome}, nothing queued"


def hashes(settings: Settings) -> Callable[[str], list[str]]:
    key = settings.key()
    return lambda address: [address_hash(address, key), legacy_hash(address)]


def audience_reach(session: Session, found: Announcement, settings: Settings) -> Reach:
    return reach(session, Audience.from_dict(found.audience), geography(), hashes=hashes(settings))


def email_for(
    found: Announcement,
    person: Person,
    *,
    settings: Settings,
    now: datetime,
    text: Written | None = None,
    to: Recipient | None = None,
    key: str | None = None,
    test_of: Person | None = None,
) -> dict[str, Any]:
    """The outbox row of `found` to `person` (or, for a test, filled in for `person` and
    sent `to` a staff member)."""
    text = text or written(found.subject, found.body)
    subject, body_html, body_text = text.fill(merge_values(person, settings))
    if to is not None:
        subject = f"[Test] {subject}"
        of = f" of {person.hub_name}" if person.hub_name else ""
        note = (
            f"A test: this is how {person.name}{of} would read it."
            if test_of
            else "A test: no one is in the audience yet, so the merge fields are examples."
        )
        body_html = Markup('<p class="due">{}</p>').format(note) + body_html
        body_text = f"({note})\n\n{body_text}"
    row = email_row(
        key=key or f"announcement-{found.id}",
        kind=MessageKind.ANNOUNCEMENT,
        to=to or Recipient(person.email, person.name),
        context={
            "announcement_subject": subject,
            "body_html": body_html,
            "body_text": body_text,
            "hub_name": person.hub_name,
        },
        hub_id=person.hub_id,
        now=now,
        suppressed=False,  # reach() left out who must not get it; dispatch looks again
    )
    return {**row, "announcement_id": found.id}


def _start(session: Session, announcement_id: int, version: int, now: datetime) -> str | None:
    """Mark it sending; the outcome instead when this run must queue nothing."""
    found = load(session, announcement_id, lock=True)
    if found.state is AnnouncementState.CANCELLED:
        return "cancelled"
    if found.schedule_version != version:
        return "superseded"  # scheduled again since this run was made
    if found.state is AnnouncementState.SENT:
        return "already sent"
    if found.state is AnnouncementState.SCHEDULED:
        if found.send_at is not None and found.send_at > now + EARLY:
            return "not yet"
        found.state, found.started_at = AnnouncementState.SENDING, now
    return None if found.state is AnnouncementState.SENDING else found.state.value


def deliver(
    sessions: sessionmaker[Session],
    announcement_id: int,
    version: int,
    *,
    settings: Settings,
    now: datetime,
    chunk: int = 1000,
    phase: Callable[[int], None] | None = None,
) -> Delivered:
    """Queue the announcement's emails (what its scheduled flow run does)."""
    with sessions() as session, transaction(session):
        stop = _start(session, announcement_id, version, now)
    if stop:
        return Delivered(announcement_id, stop)
    queued = 0
    with sessions() as session:
        found = load(session, announcement_id)
        who = audience_reach(session, found, settings)
        text = written(found.subject, found.body)
        for start in range(0, len(who.people), chunk):
            rows = [
                email_for(found, p, settings=settings, now=now, text=text)
                for p in who.people[start : start + chunk]
            ]
            with transaction(session):
                queued += insert_emails(session, rows)
            if phase is not None:
                phase(start + len(rows))
    with sessions() as session, transaction(session):
        people = _finish(session, announcement_id, who, now)
    return Delivered(announcement_id, "sent", queued=queued, people=people)


def _finish(session: Session, announcement_id: int, who: Reach, now: datetime) -> int:
    """The Hubs it went to (their timelines) and its figures; it is sent."""
    hubs = [
        {"announcement_id": announcement_id, "hub_id": hub_id, "people": n, "at": now}
        for hub_id, n in who.hub_people.items()
    ]
    for start in range(0, len(hubs), 1000):
        insert_ignoring_duplicates(session, AnnouncementHub.__table__, hubs[start : start + 1000])
    people = session.scalar(
        select(func.count()).where(Email.announcement_id == announcement_id, ~Email.to_staff)
    )
    session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id)
        .values(state=AnnouncementState.SENT, sent_at=now, people=people, hubs=len(hubs))
    )
    return int(people or 0)


def schedule_run(r: Reaction) -> None:
    """Have Prefect run `announce/<instance>` at the announcement's time. Without Prefect
    (`hubflow process`), `hubflow process` sends it once its time has come."""
    payload = r.payload
    found = r.session.get(Announcement, payload["announcement_id"])
    if r.runs is None or found is None:
        return
    if (
        found.state is not AnnouncementState.SCHEDULED
        or found.schedule_version != payload["version"]
    ):
        return  # cancelled (or scheduled again) before Prefect was told
    run_id = r.runs.schedule(
        "announce",
        {"announcement_id": found.id, "version": payload["version"]},
        at=datetime.fromisoformat(payload["send_at"]),
        key=f"announcement-{found.id}/{payload['version']}/{r.event.uid}",  # once per event
    )
    record_flow_run(r.session, found.id, payload["version"], run_id)


def cancel_run(r: Reaction) -> None:
    """The cancelled announcement's run, if it has not started (it would send nothing)."""
    found = r.session.get(Announcement, r.payload["announcement_id"])
    run_id = (found.flow_run_id if found else None) or r.payload.get("flow_run_id")
    if r.runs is not None and run_id:
        r.runs.cancel(run_id)


def email_test(r: Reaction) -> None:
    """The announcement as it stands, filled in for the first person it would reach, to the
    staff member who asked; the same text asked for twice is one email."""
    payload = r.payload
    found = r.session.get(Announcement, payload["announcement_id"])
    member = r.session.get(StaffMember, payload["staff_id"])
    if found is None or member is None:
        return
    who = audience_reach(r.session, found, r.settings)
    person = who.people[0] if who.people else None
    row = email_for(
        found,
        person or Person(member.email, member.name, 0, "your Hub", "your district", 0),
        settings=r.settings,
        now=r.now,
        to=Recipient(member.email, member.name, staff=True),
        key=f"announcement-{found.id}/test-{payload['text']}",
        test_of=person,
    )
    r.emails_queued += insert_emails(r.session, [row])


def deliver_due(
    sessions: sessionmaker[Session], *, settings: Settings, now: datetime
) -> list[Delivered]:
    """Every announcement whose time has come and that is not sent yet (or stopped halfway):
    how `hubflow process` sends them without Prefect."""
    with sessions() as session:
        due = session.execute(
            select(Announcement.id, Announcement.schedule_version).where(
                Announcement.state.in_([AnnouncementState.SCHEDULED, AnnouncementState.SENDING]),
                Announcement.send_at <= now + EARLY,
            )
        ).all()
    return [deliver(sessions, i, v, settings=settings, now=now) for i, v in due]


def send(
    session: Session,
    announcement_id: int,
    *,
    by: StaffMember,
    at: datetime | None,
    settings: Settings,
    now: datetime,
) -> tuple[Announcement, int]:
    """Send it now or at `at`, as many people as it reaches now counted for the campaign's
    approval rule (the console's Send and `hubflow announce send`); and that count."""
    found = load(session, announcement_id)
    people = len(audience_reach(session, found, settings).people)
    done = schedule(
        session,
        announcement_id,
        by=by,
        at=at,
        people=people,
        approval_over=settings.campaign.announcements.approval_over,
        now=now,
    )
    return done, people


def ask_approval(r: Reaction) -> None:
    """Every other active staff member is asked to approve it (one email each, once)."""
    found = r.session.get(Announcement, r.payload["announcement_id"])
    if found is None or found.state is not AnnouncementState.AWAITING_APPROVAL:
        return  # approved or cancelled before this was processed
    author = r.session.get(StaffMember, found.author_id)
    others = r.session.scalars(
        select(StaffMember).where(StaffMember.active, StaffMember.id != found.author_id)
    )
    for member in others:
        r.emails_queued += queue_email(
            r.session,
            key=f"announcement-{found.id}/approval/{r.event.uid}",
            kind=MessageKind.APPROVAL_ASKED,
            to=Recipient(member.email, member.name, staff=True),
            context={
                "announcement": {
                    "subject": found.subject,
                    "author": author.name if author else "",
                    "people": r.payload["people"],
                    "url": staff_url(r.settings, f"announcements/{found.id}"),
                }
            },
            now=r.now,
        )
