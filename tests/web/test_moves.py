"""Staff confirm or decline a move a Hub's report claims (#32), on the Hub's page; the
legislator's page shows the history of their stance with the Hub credited."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import ClaimState, Stage, Stance
from models.hub import Hub
from models.legislature import Legislator
from models.progress import ReportAction
from models.services import progress
from models.services.common import Actor
from models.staff import StaffMember
from plumbing.settings import get_settings
from tests import factories
from tests.web.conftest import csrf, react
from tests.web.visible import visible_text


def claimed(session: Session, staff_member: StaffMember, stance: str = "cosponsor") -> Hub:
    hub = factories.hub_in(session, Stage.LISTED, reviewer=staff_member)
    target = progress.plan_of(session, hub.id)[0].id
    session.commit()
    progress.report(
        session,
        hub.id,
        {
            "actions": [
                {
                    "target": target,
                    "kind": "meeting",
                    "done_on": (utcnow().date() - timedelta(days=1)).isoformat(),
                    "people": 4,
                    "response": "Told us he signed on last week.",
                    "moved_to": stance,
                }
            ]
        },
        actions=get_settings().campaign.progress.actions,
        actor=Actor.hub(hub.id),
        now=utcnow(),
    )
    react()
    return hub


def test_staff_confirm_a_claimed_move_and_the_legislator_page_credits_the_hub(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = claimed(session, staff_member)
    page = visible_text(staff_client.get(f"/staff/hubs/{hub.id}").text)
    assert "Move to confirm" in page and "Bruce Ayers: now “Co-sponsor”?" in page
    assert "Told us he signed on last week." in page
    action = session.scalars(select(ReportAction)).one()
    session.commit()
    url = f"/staff/hubs/{hub.id}"
    done = staff_client.post(
        f"/staff/moves/{action.id}/confirm",
        data={"csrf_token": csrf(staff_client, url), f"claim{action.id}-comment": ""},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    rep = session.get(Legislator, action.legislator_id)
    assert rep is not None and rep.stance is Stance.COSPONSOR
    page = visible_text(staff_client.get(url).text)
    assert "Move to confirm" not in page and "Claimed “Co-sponsor”: confirmed." in page
    assert "The Hub sent progress report 1 on Bruce Ayers." in page  # the timeline
    assert "Ann Lee confirmed that Bruce Ayers is now “Co-sponsor”." in page
    history = visible_text(staff_client.get(f"/staff/legislators/{rep.id}").text)
    assert "From “Not a co-sponsor” to “Co-sponsor”" in history and "recorded by Ann Lee" in history
    assert f"credited to {hub.name}" in history
    assert "Told us he signed on last week." in history
    again = staff_client.post(
        f"/staff/moves/{action.id}/decline",
        data={"csrf_token": csrf(staff_client, url), "reason": "Changed my mind."},
    )
    assert "This move was already confirmed by Ann Lee" in again.text


def test_a_decline_without_a_reason_is_asked_again_with_nothing_lost(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = claimed(session, staff_member, stance="champion")
    action = session.scalars(select(ReportAction)).one()
    session.commit()
    url = f"/staff/hubs/{hub.id}"
    answer = staff_client.post(
        f"/staff/moves/{action.id}/decline",
        data={"csrf_token": csrf(staff_client, url), "reason": "No"},
    )
    assert answer.status_code == 422
    assert "Say why, in a sentence: the Hub reads it." in visible_text(answer.text)
    session.commit()
    assert session.get(ReportAction, action.id).claim_state is ClaimState.PENDING  # type: ignore[union-attr]
    done = staff_client.post(
        f"/staff/moves/{action.id}/decline",
        data={
            "csrf_token": csrf(staff_client, url),
            f"claim{action.id}-reason": "Not a champion yet: let us see him speak first.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.commit()
    session.expire_all()
    assert session.get(ReportAction, action.id).claim_state is ClaimState.DECLINED  # type: ignore[union-attr]
