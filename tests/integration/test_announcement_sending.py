"""Announcements (#30) sent: one email per person even when the run is killed halfway,
the approval a large one waits for, and `hubflow process` sending it without Prefect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.announcement import Announcement, AnnouncementHub, AnnouncementState
from models.base import utcnow
from models.email import Email, MessageKind
from models.services import announcements
from models.services.audience import Audience
from models.staff import StaffMember
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tasks.reactions.announce import audience_reach, deliver
from tests import factories
from tests.integration.test_announcements import ROOT, Seeded, campaign

__all__ = ["campaign"]  # the fixture, for pytest


def _drafted(session: Session, author: StaffMember, audience: Audience) -> Announcement:
    found = announcements.write(
        session,
        author=author,
        subject="Training Tuesday, {{ first_name }}",
        body="Hi {{ first_name }} of **{{ hub.name }}**, see [your page]({{ hub.link }}).",
        audience=audience,
    )
    session.commit()
    return found


KILL_HALFWAY = """
import os, signal, sys
from datetime import datetime
from plumbing.db import session_factory
from plumbing.settings import get_settings
from tasks.reactions.announce import deliver

def phase(done):
    if done >= int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

deliver(session_factory(), int(sys.argv[1]), int(sys.argv[2]), settings=get_settings(),
        now=datetime.fromisoformat(sys.argv[4]), chunk=50, phase=phase)
"""


def test_an_announcement_killed_halfway_and_run_again_sends_each_person_one_email(
    sessions: sessionmaker[Session], session: Session, campaign: Seeded, database_url: str
) -> None:
    found = _drafted(session, campaign.owner, Audience(contacts="all"))
    reached = audience_reach(session, found, get_settings())
    now = utcnow()
    announcements.schedule(
        session,
        found.id,
        by=campaign.owner,
        at=None,
        people=len(reached.people),
        approval_over=0,
        now=now,
    )
    session.commit()
    half = len(reached.people) // 2
    env = {**os.environ, "HUBFLOW_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_HALFWAY, str(found.id), "1", str(half), now.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with sessions() as s:
        assert s.get(Announcement, found.id).state is AnnouncementState.SENDING  # type: ignore[union-attr]
        assert half <= s.scalar(select(func.count(Email.id))) < len(reached.people)
    again = deliver(sessions, found.id, 1, settings=get_settings(), now=utcnow())
    assert again.outcome == "sent" and again.people == len(reached.people)
    with sessions() as s:
        per_person = Counter(
            s.scalars(select(Email.to_email).where(Email.kind == MessageKind.ANNOUNCEMENT))
        )
        assert set(per_person.values()) == {1} and len(per_person) == len(reached.people)
        done = s.get(Announcement, found.id)
        assert (
            done is not None and done.state is AnnouncementState.SENT and done.hubs == reached.hubs
        )
        assert s.scalar(select(func.count(AnnouncementHub.id))) == reached.hubs
        one = s.scalars(select(Email).where(Email.hub_id == campaign.hubs[2]["id"])).first()
        assert (
            one is not None and one.subject == "Training Tuesday, Oli"
        ) or one.subject == "Training Tuesday, Pat"
        assert "of <strong>Hub 002</strong>" in one.html and "/hub/" in one.html
        assert "unsubscribe" in one.unsubscribe_url and "Stop announcements" in one.html
    assert (
        deliver(sessions, found.id, 1, settings=get_settings(), now=utcnow()).outcome
        == "already sent"
    )


def test_many_people_wait_for_a_second_staff_members_approval(
    session: Session, campaign: Seeded
) -> None:
    found = _drafted(session, campaign.owner, Audience())
    now = utcnow()
    later = now + timedelta(days=1)
    announcements.schedule(
        session, found.id, by=campaign.owner, at=later, people=201, approval_over=200, now=now
    )
    session.commit()
    assert found.state is AnnouncementState.AWAITING_APPROVAL
    with pytest.raises(announcements.NotNow, match="not the person who wrote it"):
        announcements.approve(session, found.id, by=campaign.owner, now=now)
    other = factories.staff(session, name="Bea Cruz", email="bea@masscare.org")
    announcements.approve(session, found.id, by=other, now=now)
    session.commit()
    assert found.state is AnnouncementState.SCHEDULED and found.send_at == later
    # Exactly 200 people: no approval asked.
    second = _drafted(session, campaign.owner, Audience())
    announcements.schedule(
        session, second.id, by=campaign.owner, at=None, people=200, approval_over=200, now=now
    )
    assert second.state is AnnouncementState.SCHEDULED


def test_without_prefect_hubflow_process_sends_it_when_its_time_comes(
    sessions: sessionmaker[Session], session: Session, campaign: Seeded
) -> None:
    from tasks.reactions.announce import deliver_due

    found = _drafted(session, campaign.owner, Audience(stages=("listed",)))
    now = utcnow()
    announcements.schedule(
        session,
        found.id,
        by=campaign.owner,
        at=now + timedelta(hours=2),
        people=5,
        approval_over=0,
        now=now,
    )
    session.commit()
    process_waiting(sessions, settings=get_settings(), now=now)  # no Prefect: no run made
    assert deliver_due(sessions, settings=get_settings(), now=now) == []
    sent = deliver_due(sessions, settings=get_settings(), now=now + timedelta(hours=2))
    assert [d.outcome for d in sent] == ["sent"] and sent[0].people > 0
    assert deliver_due(sessions, settings=get_settings(), now=now + timedelta(hours=3)) == []
