"""What staff write and change on a Hub: notes of their calls and meetings, and the record
of every correction (a name, the towns, a contact, the owner), who made it and when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.columns import enum_type
from models.enums import NoteKind
from models.staff import StaffMember


class Note(Base):
    """A staff member's note on a Hub; never shown to the Hub."""

    __tablename__ = "hub_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    kind: Mapped[NoteKind] = mapped_column(enum_type(NoteKind), default=NoteKind.OTHER)
    text: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[date | None] = mapped_column(default=None)
    # The author's follow-up task, when the note asked for one.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("review_tasks.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[StaffMember] = relationship()


class Correction(Base):
    """One field of a Hub or of a contact changed by staff: what it was, what it is."""

    __tablename__ = "hub_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    field: Mapped[str] = mapped_column(String(80))  # "name", "contact", "owner", ...
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
