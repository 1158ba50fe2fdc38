"""A Hub's story, continued: what its people and staff did beside its stages (the
announcements it got, its new people, staff's notes and corrections, its progress reports
and the moves they claimed), as timeline entries (models/services/timeline.py), with the
Entry and the Names both modules write with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.announcement import Announcement, AnnouncementHub
from models.enums import ClaimState, NoteKind
from models.hub import Hub
from models.newcomer import Newcomer
from models.notes import Correction, Note
from models.presenters import Change, Document
from models.progress import ProgressReport
from models.services.staff import staff_names
from models.words import longday, plural


@dataclass
class Entry:
    at: datetime
    text: str
    quote: str = ""  # a comment or reason, in the person's own words
    document: Document | None = None
    changes: list[Change] = field(default_factory=list)
    # Orders what happened at the same moment: sent, decided, moved, task, email.
    rank: int = 0


class Names:
    """Who an audit label ('staff:ann@…', 'hub:4', 'applicant:bo@…') is, in words."""

    def __init__(self, session: Session, hub: Hub) -> None:
        self.staff = staff_names(session)
        self.contacts = {f"applicant:{c.email}": c.name for c in hub.contacts}

    def __call__(self, actor: str | None) -> str:
        actor = actor or ""
        if actor in self.staff:
            return self.staff[actor]
        if actor in self.contacts:
            return self.contacts[actor]
        kind, _, who = actor.partition(":")
        if kind == "hub":
            return "The Hub"
        if kind in ("staff", "applicant"):
            return who
        return "hubflow"


def announced(session: Session, hub: Hub) -> list[Entry]:
    """The announcements that went to the Hub's people (each person's email and its delivery
    are on the announcement's page)."""
    sent = (
        select(Announcement, AnnouncementHub.people, AnnouncementHub.at)
        .join(AnnouncementHub, AnnouncementHub.announcement_id == Announcement.id)
        .where(AnnouncementHub.hub_id == hub.id)
        .order_by(AnnouncementHub.id)
    )
    return [
        Entry(
            at,
            f"{a.author.name}'s announcement “{a.subject}” went to "
            f"{plural(n, 'person', 'people')} of the Hub.",
            rank=4,
        )
        for a, n, at in session.execute(sent)
    ]


def newcomers_of(session: Session, hub: Hub) -> list[Entry]:
    """Neighbours introduced to the Hub, and its word that it reached them (#31)."""
    out = []
    for n in session.scalars(select(Newcomer).where(Newcomer.hub_id == hub.id)):
        if n.introduced_at:
            out.append(
                Entry(
                    n.introduced_at, f"{n.name} ({n.email}) was introduced as a new person.", rank=4
                )
            )
        if n.followed_up_at:
            out.append(
                Entry(
                    n.followed_up_at, f"The Hub marked {n.name}: {n.state.label.lower()}.", rank=4
                )
            )
    return out


def staff_work(session: Session, hub: Hub, names: Names, *, today: date) -> list[Entry]:
    """Staff's notes on the Hub, and their corrections of it (never shown to the Hub)."""
    out = []
    for n in session.scalars(select(Note).where(Note.hub_id == hub.id).order_by(Note.id)):
        follow = f" Follow-up on {longday(n.follow_up, today=today)}." if n.follow_up else ""
        out.append(Entry(n.created_at, f"{n.author.name} {NOTED[n.kind]}.{follow}", n.text))
    fixes = select(Correction).where(Correction.hub_id == hub.id).order_by(Correction.id)
    for c in session.scalars(fixes):
        out.append(Entry(c.at, f"{names(c.actor)} {_correction_text(c)}", rank=2))
    return out


NOTED = {
    NoteKind.INTRO_CALL: "noted an intro call",
    NoteKind.PHONE: "noted a phone call",
    NoteKind.MEETING: "noted a meeting",
    NoteKind.OTHER: "wrote a note",
}


def _correction_text(c: Correction) -> str:
    if not c.before:
        return f"added the {c.field} {c.after}."
    if not c.after:
        return f"removed the {c.field} {c.before}."
    return f"changed the {c.field} from {c.before} to {c.after}."


def progress_of(session: Session, hub: Hub, names: Names) -> list[Entry]:
    """The Hub's progress reports, and staff's word on each move one claimed (#32)."""
    out = []
    reports = session.scalars(
        select(ProgressReport)
        .where(ProgressReport.hub_id == hub.id)
        .options(selectinload(ProgressReport.actions))
        .order_by(ProgressReport.id)
    )
    for r in reports:
        who = sorted({a.legislator_name for a in r.actions})
        on = f" on {', '.join(who)}" if who else ""
        out.append(
            Entry(
                r.submitted_at,
                f"{names(r.submitted_by)} sent progress report {r.version}{on}.",
                r.note,
            )
        )
        for a in r.actions:
            if a.claimed_stance is None or a.decided_at is None:
                continue
            stance = a.claimed_stance.label
            verb = "confirmed" if a.claim_state is ClaimState.CONFIRMED else "did not confirm"
            out.append(
                Entry(
                    a.decided_at,
                    f"{names(a.decided_by)} {verb} that {a.legislator_name} is now “{stance}”.",
                    a.decision_comment,
                    rank=1,
                )
            )
    return out
