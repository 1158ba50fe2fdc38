"""`hubflow contacts forget`: a person's address nowhere in the database afterwards but
as the suppression's hash; the Hub keeps its history (SPEC §8)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import StageChange
from models.base import Base
from models.email import Email, Suppression
from models.enums import Stage
from models.hub import Contact, Hub, Submission
from models.services.privacy import address_hash
from models.services.timeline import timeline
from plumbing.email.outbox import is_suppressed
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
        session, Stage.STRATEGIC_PLAN, reviewer=ann, now=NOW, email=BO, contact_name="Bo Forget"
    )
    other = factories.hub_in(session, Stage.ONBOARDING, reviewer=ann, now=NOW)
    assert hubflow("process")[0] == 0  # the emails to Bo queued and sent, the events done
    assert _everywhere(session, BO)  # in contacts, emails, submissions, events, …
    changes = session.scalar(select(func.count(StageChange.id)).where(StageChange.hub_id == hub.id))
    sent = session.scalar(select(func.count(Submission.id)).where(Submission.hub_id == hub.id))
    session.commit()

    code, out = hubflow("contacts", "forget", BO.upper(), "--staff", ann.email, "--yes")
    assert code == 0, out
    assert "Forgot BO.FORGET@EXAMPLE.ORG: 1 contact entry removed (Hubs: #" in out
    assert "The address is kept only as a hash." in out
    with sessions() as after:  # a new snapshot: what the command committed
        assert _everywhere(after, BO) == []
        hashed = after.scalar(
            select(Suppression.email).where(Suppression.email == address_hash(BO))
        )
        assert hashed and is_suppressed(after, BO) and is_suppressed(after, BO, asked_for=True)
        # The Hub keeps its history; the other Hub is untouched.
        kept = after.get(Hub, hub.id)
        assert kept is not None and kept.stage is Stage.STRATEGIC_PLAN
        assert (
            after.scalar(select(func.count(StageChange.id)).where(StageChange.hub_id == hub.id))
            == changes
        )
        assert (
            after.scalar(select(func.count(Submission.id)).where(Submission.hub_id == hub.id))
            == sent
        )
        assert after.scalars(select(Contact).where(Contact.hub_id == other.id)).all()
        payloads = after.scalars(select(Submission.payload).where(Submission.hub_id == hub.id))
        assert "Bo Forget" not in " ".join(str(p) for p in payloads)
        words = [e.text for e in timeline(after, kept, today=NOW.date())]
        assert f"{ann.name} removed a contact's details, at the person's request." in words
        mails = after.scalars(
            select(Email).where(Email.hub_id == hub.id, Email.to_email.startswith("forgotten-"))
        ).all()
        assert len(mails) >= 3  # the emails to Bo: kept as a record, emptied
        assert all(m.text.startswith("(removed") and m.to_name == "" for m in mails)


def test_forget_asks_first_and_names_a_wrong_staff_flag(session: Session) -> None:
    code, out = hubflow(
        "contacts", "forget", "x@example.org", "--staff", "nobody@masscare.org", "--yes"
    )
    assert code == 2 and "--staff" in out
