"""Staff notes on a Hub (SPEC §9): what an intro call, a phone call or a meeting said, with
an optional follow-up date that becomes a task for the note's author. Never shown to the Hub."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import NoteKind, ReviewKind
from models.errors import InvalidInput
from models.forms import parse
from models.notes import Note
from models.policy import Policy
from models.review import ReviewTask
from models.services.common import clock, current_policy, load_hub, load_staff, transaction

# Lines and tabs are a note's own; other control characters are refused.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(value: str) -> str:
    if _CONTROLS.search(value):
        raise ValueError("remove the special (control) characters")
    return value


class NoteForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    text: Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_printable)]
    kind: NoteKind = NoteKind.OTHER
    follow_up: date | None = None


def add_note(
    session: Session,
    hub_id: int,
    *,
    author_id: int,
    text: str,
    kind: NoteKind | str = NoteKind.OTHER,
    follow_up: date | str | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Note:
    """Record a note; a follow-up date opens a follow-up task for its author on that day."""
    now, policy = clock(now), current_policy(policy)
    form = parse(
        NoteForm, {"text": text, "kind": kind or NoteKind.OTHER, "follow_up": follow_up or None}
    )
    if form.follow_up is not None and form.follow_up < policy.today(now):
        raise InvalidInput.one("follow_up", "choose today or a day to come")
    with transaction(session):
        author = load_staff(session, author_id)
        hub = load_hub(session, hub_id)
        note = Note(
            hub_id=hub.id,
            author_id=author.id,
            kind=form.kind,
            text=form.text,
            follow_up=form.follow_up,
            created_at=now,
        )
        session.add(note)
        session.flush()
        if form.follow_up is not None:
            task = ReviewTask(
                key=f"note:{note.id}",
                hub_id=hub.id,
                kind=ReviewKind.FOLLOW_UP,
                stage=hub.stage,
                title=f"Follow up with {hub.name}: {_gist(form.text)}",
                owner_id=author.id,
                due_date=form.follow_up,
                created_at=now,
            )
            session.add(task)
            session.flush()
            note.task_id = task.id
        return note


def _gist(text: str) -> str:
    """The note's first line, short enough for a task's title."""
    first = text.strip().splitlines()[0]
    return first if len(first) <= 80 else first[:79] + "…"


def hub_notes(session: Session, hub_id: int) -> list[Note]:
    return list(session.scalars(select(Note).where(Note.hub_id == hub_id).order_by(Note.id)))
