"""An announcement under Prefect (#30): scheduling it makes a Prefect flow run of
`announce/<instance>` at its time; cancelling it before then cancels that run and queues
nothing; a run that goes sends each person once, and a second run nothing more."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from prefect import get_client
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.announce import announce
from flows.process_events import process_events
from models.announcement import Announcement, AnnouncementState
from models.base import utcnow
from models.email import Email, EmailState, MessageKind
from models.enums import Stage
from models.services import announcements
from models.services.audience import Audience
from plumbing.settings import get_settings
from tests import factories


@pytest.fixture
def deployment(session: Session) -> str:
    """`announce/<instance>`, as `serve` or `prefect deploy` makes it (the instance is named
    after the test database, which each test's settings name)."""
    instance = get_settings().instance_name
    announce.to_deployment(name=instance).apply()
    return f"announce/{instance}"


def _scheduled(session: Session, *, at_hours: float) -> Announcement:
    ann = factories.staff(session)
    for i in range(3):
        factories.hub_in(session, Stage.LISTED, reviewer=ann, email=f"lead{i}@example.org")
    found = announcements.write(
        session,
        author=ann,
        subject="The hearing moved",
        body="Hi {{ first_name }}: the hearing is on **Thursday** now.",
        audience=Audience(stages=("listed",)),
    )
    now = utcnow()
    at = None if at_hours == 0 else now + timedelta(hours=at_hours)
    announcements.schedule(session, found.id, by=ann, at=at, people=3, approval_over=0, now=now)
    session.commit()
    return found


def _run_of(found: Announcement) -> object:
    assert found.flow_run_id, "the reaction recorded no flow run"
    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(found.flow_run_id))


def _announcements(session: Session) -> int:
    return (
        session.scalar(select(func.count(Email.id)).where(Email.kind == MessageKind.ANNOUNCEMENT))
        or 0
    )


def test_a_scheduled_announcement_cancelled_before_its_time_queues_nothing(
    deployment: str, session: Session, sessions: sessionmaker[Session]
) -> None:
    found = _scheduled(session, at_hours=24)
    process_events()  # the reaction: a Prefect run at its time
    session.refresh(found)
    run = _run_of(found)
    assert run.state.is_scheduled()  # type: ignore[attr-defined]
    assert abs(run.next_scheduled_start_time - found.send_at) < timedelta(seconds=1)  # type: ignore[attr-defined,operator]
    assert run.parameters == {  # type: ignore[attr-defined]
        "announcement_id": found.id,
        "version": 1,
        "instance": get_settings().instance_name,
    }
    announcements.cancel(session, found.id, by=found.author, now=utcnow())
    session.commit()
    process_events()  # the reaction: that run cancelled
    assert _run_of(found).state.is_cancelled()  # type: ignore[attr-defined]
    # Had the run started anyway (a race with the cancel), it would queue nothing.
    assert announce(found.id, 1) == f"announcement {found.id}: cancelled, nothing queued"
    assert _announcements(session) == 0


def test_an_announcement_sent_now_goes_once_to_each_person(
    deployment: str, session: Session, sessions: sessionmaker[Session]
) -> None:
    found = _scheduled(session, at_hours=0)
    process_events()
    session.refresh(found)
    assert _run_of(found).state.is_scheduled()  # type: ignore[attr-defined]
    assert announce(found.id, 1) == f"announcement {found.id}: 3 emails queued, 3 in all"
    assert announce(found.id, 1) == f"announcement {found.id}: already sent, nothing queued"
    session.commit()  # a fresh look: the flow committed in its own sessions
    emails = session.scalars(select(Email).where(Email.kind == MessageKind.ANNOUNCEMENT)).all()
    assert sorted(e.to_email for e in emails) == [f"lead{i}@example.org" for i in range(3)]
    assert {e.state for e in emails} == {EmailState.SENT}
    session.refresh(found)
    assert found.state is AnnouncementState.SENT and (found.people, found.hubs) == (3, 3)
