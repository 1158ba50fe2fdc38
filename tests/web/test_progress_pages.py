"""A listed Hub's page (#32): the progress report (each legislator a closed section, every
error at once, what was typed kept), its earlier reports, and the plan revision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import ClaimState, Decision, Stage, SubmissionState
from models.hub import Hub, Submission
from models.progress import ProgressReport, ReportAction
from models.services import progress, reviews
from models.staff import StaffMember
from plumbing.tokens import hub_token
from tests import factories
from tests.web.conftest import csrf
from tests.web.visible import visible_text


@pytest.fixture
def listed(session: Session, staff_member: StaffMember) -> Hub:
    return factories.hub_in(session, Stage.LISTED, reviewer=staff_member, email="bo@example.org")


def page_of(hub: Hub) -> str:
    return f"/hub/{hub_token(hub.id, hub.token_version)}"


def target(session: Session, hub: Hub) -> int:
    found = progress.plan_of(session, hub.id)[0].id
    session.commit()
    return found


def test_a_listed_hub_reports_with_every_error_at_once_and_nothing_typed_lost(
    client: TestClient, session: Session, listed: Hub
) -> None:
    url = page_of(listed)
    page = visible_text(client.get(url).text)
    assert "Progress report" in page and "state representative: now “Not a co-sponsor”" in page
    assert "Send your next progress report by" in page and "Revise your plan" in page
    t = target(session, listed)
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    bad = {
        f"a-{t}-kind": "meeting",
        f"a-{t}-done_on": tomorrow,
        f"a-{t}-people": "0",
        f"a-{t}-response": "",
        f"a-{t}-moved_to": "cosponsor",
    }
    answer = client.post(f"{url}/report", data={"csrf_token": csrf(client, url), **bad})
    assert answer.status_code == 422
    text = visible_text(answer.text)
    assert "There are 3 problems with the form" in text
    assert "Bruce Ayers: when: It must already have happened" in text
    assert "Bruce Ayers: how many took part: Must be at least 1." in text
    assert "Bruce Ayers: what they said or did: This is required." in text
    empty = client.post(
        f"{url}/report", data={"csrf_token": csrf(client, url), **bad, f"a-{t}-people": ""}
    )
    assert "Bruce Ayers: how many took part: This is required." in visible_text(empty.text)
    assert f'id="a-{t}" open' in answer.text  # the section with the errors is open
    assert f'value="{tomorrow}"' in answer.text  # what was typed is still there
    assert session.scalar(select(func.count(ProgressReport.id))) == 0

    good = {
        **bad,
        f"a-{t}-done_on": (utcnow().date() - timedelta(days=2)).isoformat(),
        f"a-{t}-people": "5",
        f"a-{t}-response": "He signed on in front of us.",
        "note": "Our best meeting yet.",
    }
    sent = client.post(
        f"{url}/report", data={"csrf_token": csrf(client, url), **good}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("#report")
    session.commit()
    action = session.scalars(select(ReportAction)).one()
    session.commit()
    assert (action.people, action.claim_state) == (5, ClaimState.PENDING)
    page = visible_text(client.get(url).text)
    assert "Thank you!" in page
    assert "Report 1" in page and "you said: now “Co-sponsor”; waiting for the team" in page
    assert "The Hub sent progress report 1 on Bruce Ayers." in page  # its history


def test_an_empty_report_asks_for_a_legislator_or_a_sentence(
    client: TestClient, session: Session, listed: Hub
) -> None:
    url = page_of(listed)
    answer = client.post(f"{url}/report", data={"csrf_token": csrf(client, url), "note": ""})
    assert answer.status_code == 422
    assert "The report: Tell us what you did with at least one legislator" in visible_text(
        answer.text
    )


def test_the_plan_revision_form_starts_from_the_approved_plan_and_is_reviewed(
    client: TestClient, session: Session, listed: Hub, staff_member: StaffMember
) -> None:
    url = page_of(listed)
    form = client.get(f"{url}/plan")
    assert form.status_code == 200
    text = visible_text(form.text)
    assert "Revise your plan" in text and "Progress report" not in text
    assert "Constituent meetings every month" in form.text  # the approved plan's tactics
    data = {
        "targets-0-role": "state_rep",
        "targets-0-legislator": "Bruce Ayers",
        "targets-0-stance": "cosponsor",
        "targets-0-goal": "join_caucus",
        "targets-0-tactics": "Ask him to join the caucus at our next meeting.",
        "targets-0-target_date": "",
    }
    answer = client.post(f"{url}/plan", data={"csrf_token": csrf(client, url), **data})
    assert answer.status_code == 422
    assert "Give a target date." in visible_text(answer.text) or "This is required" in answer.text
    assert "Ask him to join the caucus" in answer.text
    data["targets-0-target_date"] = (utcnow().date() + timedelta(days=120)).isoformat()
    sent = client.post(
        f"{url}/plan", data={"csrf_token": csrf(client, url), **data}, follow_redirects=False
    )
    assert sent.status_code == 303
    session.commit()
    states = session.scalars(
        select(Submission.state)
        .where(Submission.hub_id == listed.id, Submission.stage == Stage.STRATEGIC_PLAN)
        .order_by(Submission.version)
    ).all()
    assert states == [SubmissionState.APPROVED, SubmissionState.PENDING]
    page = visible_text(client.get(url).text)
    assert "Your revised plan is with the GO! Team" in page
    assert session.get(Hub, listed.id).stage is Stage.LISTED  # type: ignore[union-attr]
    # Sent back: the page says why, and the form holds what was sent, to edit.
    revision = session.scalars(
        select(Submission).where(Submission.state == SubmissionState.PENDING)
    ).one()
    session.commit()
    reviews.decide(
        session,
        revision.id,
        Decision.REQUEST_CHANGES,
        staff_id=staff_member.id,
        comment="Name who will ask him.",
    )
    page = visible_text(client.get(url).text)
    assert "asked for changes to your revised plan" in page and "Name who will ask him." in page
    again = client.get(f"{url}/plan").text
    assert "Ask him to join the caucus at our next meeting." in again  # the version sent
