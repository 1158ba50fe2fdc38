"""A Hub's own page: signed link, its forms, errors per field (SPEC §6, §8)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hubflow.web.hub_content import plan_rows
from models.base import utcnow
from models.email import Email
from models.enums import Decision, Stage, SubmissionState
from models.hub import Hub, Submission
from models.services import hubs, reviews
from models.staff import StaffMember
from plumbing.tokens import hub_token
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf, react, tampered


def page_of(hub: Hub) -> str:
    return f"/hub/{hub_token(hub.id, hub.token_version)}"


@pytest.fixture
def hub_in_first_action(session: Session, staff_member: StaffMember) -> Hub:
    return factories.hub_in(
        session, Stage.FIRST_ACTION, reviewer=staff_member, email="bo@example.org"
    )


def post(client: TestClient, hub: Hub, data: dict[str, str]) -> object:
    url = page_of(hub)
    return client.post(
        f"{url}/submit", data={"csrf_token": csrf(client, url), **data}, follow_redirects=False
    )


def first_action_form(**overrides: str) -> dict[str, str]:
    today = utcnow().date()
    data = {
        "kind": "canvass",
        "date": (today - timedelta(days=2)).isoformat(),
        "description": "Knocked on 200 doors in Quincy Point.",
        "participants": "9",
    }
    data.update(overrides)
    return data


def test_the_hub_page_shows_stage_checklist_due_date_and_its_form(
    client: TestClient, hub_in_first_action: Hub
) -> None:
    page = client.get(page_of(hub_in_first_action)).text
    assert hub_in_first_action.name in page
    assert "Organize a first action for Medicare for All" in page
    assert "Set up on-boarding for new activists" in page
    assert "Make a strategic plan to move your legislators" in page
    assert "Report your first action by <strong>" in page and "(due in 60 days)" in page


def test_submitting_the_first_action_stops_the_clock(
    client: TestClient, session: Session, hub_in_first_action: Hub
) -> None:
    response = post(client, hub_in_first_action, first_action_form())
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = client.get(page_of(hub_in_first_action)).text
    assert "Sent! The GO! Team will review it" in page
    assert "is with the GO! Team" in page and "Report your first action" not in page
    sub = session.scalars(select(Submission).where(Submission.stage == Stage.FIRST_ACTION)).one()
    assert sub.payload["participants"] == 9


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", ""),
        ("date", "2999-01-01"),
        ("description", "short"),
        ("participants", "0"),
        ("participants", "many"),
    ],
)
def test_each_invalid_first_action_field_is_named_and_nothing_stored(
    client: TestClient, session: Session, hub_in_first_action: Hub, field: str, value: str
) -> None:
    before = row_counts(session)
    response = post(client, hub_in_first_action, first_action_form(**{field: value}))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert f'id="{field}-error"' in response.text  # type: ignore[attr-defined]
    assert row_counts(session) == before


def test_onboarding_errors_name_the_contact_field(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.ONBOARDING, reviewer=staff_member)
    before = row_counts(session)
    response = post(
        client,
        hub,
        {
            "contacts-0-name": "Cy",
            "contacts-0-email": "cy@",
            "contacts-0-phone": "617 555 0199",
            "process": "one_on_one",
        },
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="contacts-0-email-error"' in response.text  # type: ignore[attr-defined]
    response = post(
        client,
        hub,
        {
            "contacts-0-name": "Cy",
            "contacts-0-email": "cy@example.org",
            "contacts-0-phone": "617 555 0199",
            "process": "other",
        },
    )
    assert 'id="description-error"' in response.text  # type: ignore[attr-defined]
    assert row_counts(session) == before
    ok = post(
        client,
        hub,
        {
            "contacts-0-name": "Cy",
            "contacts-0-email": "cy@example.org",
            "contacts-0-phone": "617 555 0199",
            "process": "one_on_one",
            "consent_to_publish": "yes",
        },
    )
    assert ok.status_code == 303  # type: ignore[attr-defined]


def test_the_plan_prefills_the_state_rep_and_checks_goal_against_stance(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=staff_member)
    page = client.get(page_of(hub)).text
    assert "Bruce Ayers" in page  # the State Rep of 1st Norfolk
    keenan = factories.house_rep(session)  # any id works for the form; use the Senate list
    target = (utcnow().date() + timedelta(days=90)).isoformat()
    rep = {
        "targets-0-role": "state_rep",
        "targets-0-legislator": "Bruce Ayers",
        "targets-0-legislator_id": str(keenan.id),
        "targets-0-stance": "cosponsor",
        "targets-0-goal": "win_cosponsorship",
        "targets-0-tactics": "Meetings every month.",
        "targets-0-target_date": target,
        "targets-1-role": "state_senator",
        "targets-1-legislator_id": "",
        "targets-2-role": "member_of_congress",
        "targets-2-legislator": "Stephen Lynch",
        "targets-2-stance": "champion",
        "targets-2-goal": "cosponsor_federal",
        "targets-2-tactics": "Join the neighbouring Hubs' delegation.",
        "targets-2-target_date": target,
    }
    before = row_counts(session)
    response = post(client, hub, rep)
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    rep_error = text.split('id="targets-0-goal-error"')[1]
    congress_error = text.split('id="targets-2-goal-error"')[1]
    assert "“Win co-sponsorship” does not fit a legislator who is already “Co-sponsor”" in (
        rep_error
    )
    assert "does not fit a legislator who is already “Champion”" in congress_error
    assert row_counts(session) == before
    # Congress has no say on the state bill: a state goal for them is refused, by name.
    state_goal = {**rep, "targets-0-goal": "join_caucus", "targets-2-goal": "persuade_colleagues"}
    refused = post(client, hub, state_goal)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Members of Congress vote on the federal bill" in refused.text  # type: ignore[attr-defined]
    fixed = {**state_goal, "targets-2-goal": "public_statement"}
    assert post(client, hub, fixed).status_code == 303  # type: ignore[attr-defined]


def test_the_plan_offers_each_legislator_the_goals_of_their_body(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=staff_member)
    page = client.get(page_of(hub)).text
    rows = plan_rows(session, hub)
    congress = next(i for i, r in enumerate(rows) if r["role"] == "member_of_congress")

    def goals(i: int) -> list[str]:
        select = page.split(f'id="targets-{i}-goal"')[1].split("</select>")[0]
        return re.findall(r'<option value="([a-z_]+)"', select)

    assert goals(0) == ["win_cosponsorship", "join_caucus", "cohost_event", "persuade_colleagues"]
    assert goals(congress) == ["cosponsor_federal", "public_statement"]
    assert "Co-sponsor the Medicare for All Act" in page  # the campaign file's federal bill


def test_a_tampered_link_is_refused(client: TestClient, hub_in_first_action: Hub) -> None:
    url = page_of(hub_in_first_action)
    response = client.get(tampered(url))
    assert response.status_code == 404 and "not valid" in response.text
    response = client.post(
        f"{tampered(url)}/submit", data={"csrf_token": csrf(client), **first_action_form()}
    )
    assert response.status_code == 404


def test_an_expired_link_is_refused_and_a_fresh_one_can_be_asked_for(
    client: TestClient, session: Session, hub_in_first_action: Hub
) -> None:
    url = page_of(hub_in_first_action)
    with time_machine.travel(utcnow() + timedelta(days=61)):
        response = client.get(url)
    assert response.status_code == 410 and "expired" in response.text
    assert 'action="/hub/link"' in response.text
    for address in ("bo@example.org", "stranger@example.org"):
        reply = client.post("/hub/link", data={"csrf_token": csrf(client), "email": address})
        assert reply.url.path == "/hub/link/sent"
        assert "If that address belongs to a Hub contact" in reply.text
    react()  # hub.link.requested: its reaction queues the email
    [email] = session.scalars(select(Email).where(Email.kind == "hub_link")).all()
    assert email.to_email == "bo@example.org" and "/hub/" in email.text


def test_changes_requested_shows_the_staff_comment(
    client: TestClient, session: Session, hub_in_first_action: Hub, staff_member: StaffMember
) -> None:
    sub = hubs.submit_stage_work(
        session, hub_in_first_action.id, Stage.FIRST_ACTION, factories.first_action(utcnow().date())
    )
    reviews.decide(
        session,
        sub.id,
        Decision.REQUEST_CHANGES,
        staff_id=staff_member.id,
        comment="Please add how many signed the petition.",
    )
    page = client.get(page_of(hub_in_first_action)).text
    assert "The GO! Team asked for changes to your first action report:" in page
    assert "Please add how many signed the petition." in page
    assert "Report your first action" in page
    assert session.get(Submission, sub.id).state is SubmissionState.CHANGES_REQUESTED  # type: ignore[union-attr]


def test_a_hub_paused_while_overdue_is_told_how_far_past_its_deadline_it_is(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    from models.services.common import Actor

    # At noon in Boston, both days in summer time: "5 days" does not depend on the hour the
    # test runs (late evening in Boston is already tomorrow in UTC, and a day 65 days back
    # may lie on the other side of a clock change).
    with time_machine.travel(datetime(2026, 7, 15, 16, 0, tzinfo=UTC), tick=False):
        started = utcnow() - timedelta(days=65)  # first action due 60 days after: 5 days ago
        hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member, now=started)
        hubs.pause(session, hub.id, actor=Actor.staff(staff_member), reason="summer")
        page = client.get(page_of(hub)).text
    assert "The GO! Team has paused your Hub, 5 days past your deadline." in page
