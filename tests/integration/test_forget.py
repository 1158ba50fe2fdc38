"""`hubflow contacts forget`: a person's address nowhere in the database afterwards but
as the suppression's hash; the Hub keeps its history (SPEC §8)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import StageChange
from models.base import Base
from models.email import Email, Suppression, Topic
from models.enums import Stage
from models.hub import Contact, Hub, Submission
from models.services.notes import add_note, hub_notes
from models.services.privacy import address_hash
from models.services.suppressions import stop_topic
from models.services.timeline import timeline
from plumbing.email.outbox import is_suppressed
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_cli import hubflow

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
BO = "Bo.Forget@Example.org"  # as they typed it


def _everywhere(session: Session, needle: str) -> list[str]:
    """Every table.column holding `needle` (any case), in any text or JSON column."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            value = func.lower(func.cast(column, Text))
            hits = session.scalar(
                select(func.count()).select_from(table).where(value.contains(needle.lower()))
            )
            if hits:
                found.append(f"{table.name}.{column.name}")
    session.commit()
    return found


def test_forget_leaves_the_address_only_as_a_hash_and_the_hub_its_history(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(
        session,
        Stage.STRATEGIC_PLAN,
        reviewer=ann,
        now=NOW,
        email=BO,
        contact_name="Bo Forget",
        phone="(617) 555-0199",
    )
    other = factories.hub_in(session, Stage.ONBOARDING, reviewer=ann, now=NOW)
    # Staff notes of calls: the phone as a caller writes it, the name alone.
    add_note(session, hub.id, author_id=ann.id, text="Left a message on 617.555.0199", now=NOW)
    add_note(session, hub.id, author_id=ann.id, text="bo forget will host in March", now=NOW)
    stop_topic(session, BO, Topic.REMINDERS, now=NOW)  # their choice of emails goes with them
    assert hubflow("process")[0] == 0  # the emails to Bo queued and sent, the events done
    assert _everywhere(session, BO)  # in contacts, emails, submissions, events, …
    changes = session.scalar(select(func.count(StageChange.id)).where(StageChange.hub_id == hub.id))
    sent = session.scalar(select(func.count(Submission.id)).where(Submission.hub_id == hub.id))
    staff_email, staff_name, hub_id, other_id = ann.email, ann.name, hub.id, other.id
    session.close()  # no snapshot held open: forget empties SQLite's journal

    code, out = hubflow("contacts", "forget", BO.upper(), "--staff", staff_email, "--yes")
    assert code == 0, out
    assert "Forgot BO.FORGET@EXAMPLE.ORG: 1 contact entry removed (Hubs: #" in out
    assert "The address is kept only as a keyed hash." in out
    with sessions() as after:  # a new snapshot: what the command committed
        for needle in (BO, "Bo Forget", "(617) 555-0199", "617-555-0199", "617.555.0199"):
            assert _everywhere(after, needle) == [], needle
        # The suppression is a keyed hash: no list of addresses confirms who it was.
        assert (
            after.scalar(
                select(func.count(Suppression.id)).where(Suppression.email.contains("sha256"))
            )
            == 0
        )
        hashed = after.scalar(
            select(Suppression.email).where(
                Suppression.email == address_hash(BO, get_settings().key())
            )
        )
        assert hashed and is_suppressed(after, BO) and is_suppressed(after, BO, asked_for=True)
        # The Hub keeps its history; the other Hub is untouched.
        kept = after.get(Hub, hub_id)
        assert kept is not None and kept.stage is Stage.STRATEGIC_PLAN
        assert (
            after.scalar(select(func.count(StageChange.id)).where(StageChange.hub_id == hub_id))
            == changes
        )
        assert (
            after.scalar(select(func.count(Submission.id)).where(Submission.hub_id == hub_id))
            == sent
        )
        assert after.scalars(select(Contact).where(Contact.hub_id == other_id)).all()
        payloads = after.scalars(select(Submission.payload).where(Submission.hub_id == hub_id))
        assert "Bo Forget" not in " ".join(str(p) for p in payloads)
        notes = [n.text for n in hub_notes(after, hub_id)]
        assert sorted(notes) == ["(forgotten) will host in March", "Left a message on (forgotten)"]
        words = [e.text for e in timeline(after, kept, today=NOW.date())]
        assert f"{staff_name} removed a contact's details, at the person's request." in words
        mails = after.scalars(
            select(Email).where(Email.hub_id == hub_id, Email.to_email == "(forgotten)")
        ).all()
        assert len(mails) >= 3  # the emails to Bo: kept as a record, emptied
        assert all(m.text.startswith("(removed") and m.to_name == "" for m in mails)
        # No marker derived from the address: the same words for every person forgotten.
        keys = [m.key for m in mails]
        assert all(k.endswith(")") and "to:(forgotten emails " in k for k in keys), keys


def test_forget_asks_first_and_names_a_wrong_staff_flag(session: Session) -> None:
    code, out = hubflow(
        "contacts", "forget", "x@example.org", "--staff", "nobody@masscare.org", "--yes"
    )
    assert code == 2 and "--staff" in out


def test_after_forget_no_byte_of_the_database_outbox_or_directory_holds_the_person(
    session: Session, database_url: str
) -> None:
    """Cy Park is a listed Hub's contact for new people (in the public directory); after
    forget, a byte search of the SQLite file and its journal, the outbox's email files and
    the published directory finds Cy's address, name and phone in no case or spelling."""
    import os
    import subprocess
    from pathlib import Path

    from sqlalchemy.engine import make_url

    ann = factories.staff(session)
    staff_email = ann.email
    factories.hub_in(session, Stage.LISTED, reviewer=ann, now=NOW)
    assert hubflow("process")[0] == 0  # emails written as files, the directory published
    needles = [b"cy@example.org", b"cy park", b"617 555 0199", b"617-555-0199", b"6175550199"]
    settings = get_settings()
    outbox = Path(settings.outbox_dir)
    directory = Path(settings.public_dir) / "hubs.json"

    def places() -> dict[str, bytes]:
        found = {str(p): p.read_bytes().lower() for p in outbox.glob("*.eml")}
        found[str(directory)] = directory.read_bytes().lower()
        file = make_url(database_url).database
        if make_url(database_url).drivername.startswith("sqlite") and file:
            for part in (file, f"{file}-wal"):
                if os.path.exists(part):
                    found[part] = outside(part).lower()
        return found

    def outside(path: str) -> bytes:
        """Read by another process: closing a file this process has open through SQLite
        would drop SQLite's locks on it (POSIX locks are per process) and corrupt it."""
        return subprocess.run(["cat", path], capture_output=True, check=True).stdout

    before = places()
    assert any(b"cy@example.org" in data for data in before.values())
    assert b"cy park" in before[str(directory)]
    session.close()  # this test holds no snapshot of the database open
    code, out = hubflow("contacts", "forget", "Cy@Example.org", "--staff", staff_email, "--yes")
    assert code == 0, out
    left = {where: [n.decode() for n in needles if n in data] for where, data in places().items()}
    assert {where: found for where, found in left.items() if found} == {}
