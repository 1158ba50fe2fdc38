"""Every form a volunteer fills in: every error at once, nothing typed lost, a page of what
was sent after it, and changes requested brought back for editing (SPEC §2, §6, §8)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from hubflow.web.hub_content import plan_rows
from models.base import utcnow
from models.enums import Chamber, Decision, Stage
from models.hub import Hub, Submission
from models.legislature import District
from models.services import hubs, reviews
from models.staff import StaffMember
from plumbing.tokens import hub_token
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf, react
from tests.web.visible import visible_text


def page_of(hub: Hub) -> str:
    return f"/hub/{hub_token(hub.id, hub.token_version)}"


def submit(client: TestClient, hub: Hub, data: dict[str, str]) -> Response:
    url = page_of(hub)
    return client.post(
        f"{url}/submit", data={"csrf_token": csrf(client, url), **data}, follow_redirects=False
    )


def errors_in(response: Response) -> dict[str, str]:
    """Every field error on the page, by field name; and the summary must link to each."""
    found = dict(re.findall(r'<p class="error" id="([^"]+)-error">([^<]*)</p>', response.text))
    links = re.findall(r'<li><a href="#([^"]+)">', response.text.split('class="error-summary"')[1])
    assert sorted(links) == sorted(found), (links, found)
    return found


def test_the_interest_form_reports_every_wrong_field_at_once(
    client: TestClient, session: Session
) -> None:
    before = row_counts(session)
    response = client.post(
        "/join",
        data={
            "csrf_token": csrf(client),
            "group_name": "x",
            "kind": "party",
            "town": "Quincey",
            "towns": "Braintree",
            "contact_name": "",
            "email": "bo.example.org",
            "phone": "12",
            "first_action_idea": "y" * 2001,
        },
    )
    assert response.status_code == 422
    errors = errors_in(response)
    assert set(errors) == {
        "group_name",
        "kind",
        "town",
        "contact_name",
        "email",
        "phone",
        "first_action_idea",
        "consent_to_contact",
    }
    assert all(message[:1].isupper() for message in errors.values()), errors
    assert "Did you mean Quincy?" in errors["town"]
    assert "There are 8 problems with the form" in response.text
    assert 'value="Quincey"' in response.text and 'value="bo.example.org"' in response.text
    assert row_counts(session) == before


@pytest.fixture
def first_action_hub(session: Session, staff_member: StaffMember) -> Hub:
    return factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)


def test_the_first_action_form_reports_every_wrong_field_at_once(
    client: TestClient, session: Session, first_action_hub: Hub
) -> None:
    before = row_counts(session)
    response = submit(
        client,
        first_action_hub,
        {"kind": "", "date": "2999-01-01", "description": "short", "participants": "0"},
    )
    assert response.status_code == 422
    errors = errors_in(response)
    assert set(errors) == {"kind", "date", "description", "participants"}
    assert "today is " in errors["date"] and not re.search(r"\d{4}-\d\d-\d\d", errors["date"])
    assert ">short</textarea>" in response.text and 'value="2999-01-01"' in response.text
    assert row_counts(session) == before


def test_a_date_is_asked_for_in_the_words_of_the_date_control_a_person_sees(
    client: TestClient, session: Session, first_action_hub: Hub
) -> None:
    report = {"kind": "canvass", "description": "We knocked on 200 doors.", "participants": "9"}
    empty = errors_in(submit(client, first_action_hub, {**report, "date": ""}))
    assert empty == {"date": "This is required."}  # not a format nobody typed
    response = submit(client, first_action_hub, {**report, "date": "14 March"})
    typed = errors_in(response)
    assert "YYYY" not in typed["date"] and "3/14/2026" in typed["date"]
    # A browser without a date control: the day as the U.S. writes it is taken.
    day = utcnow().date() - timedelta(days=2)
    sent = submit(client, first_action_hub, {**report, "date": f"{day.month}/{day.day}/{day.year}"})
    assert sent.status_code == 303
    stored = session.scalars(
        select(Submission).where(
            Submission.hub_id == first_action_hub.id, Submission.stage == Stage.FIRST_ACTION
        )
    )
    assert [s.payload["date"] for s in stored] == [day.isoformat()]


def test_after_the_first_action_is_sent_the_page_points_to_no_form_below(
    client: TestClient, session: Session, first_action_hub: Hub
) -> None:
    before = visible_text(client.get(page_of(first_action_hub)).text)
    assert "report it below" in before
    report = {"kind": "canvass", "description": "We knocked on 200 doors.", "participants": "9"}
    day = (utcnow().date() - timedelta(days=2)).isoformat()
    assert submit(client, first_action_hub, {**report, "date": day}).status_code == 303
    after = visible_text(client.get(page_of(first_action_hub)).text)
    assert "is with the GO! Team" in after
    assert "below" not in after and "Report your first action" not in after


def test_the_onboarding_form_reports_every_wrong_field_at_once(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.ONBOARDING, reviewer=staff_member)
    before = row_counts(session)
    response = submit(
        client,
        hub,
        {
            "contacts-0-name": "",
            "contacts-0-email": "cy@",
            "contacts-0-phone": "12",
            "contacts-1-email": "di@example.org",
            "process": "monthly_meeting",
            "schedule": "",
        },
    )
    assert response.status_code == 422
    assert set(errors_in(response)) == {
        "contacts-0-name",
        "contacts-0-email",
        "contacts-0-phone",
        "contacts-1-name",
        "contacts-1-phone",
        "schedule",
    }
    assert 'value="di@example.org"' in response.text
    assert 'value="monthly_meeting" checked' in response.text
    assert row_counts(session) == before


def test_the_plan_reports_every_wrong_field_at_once_and_drops_no_row(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=staff_member)
    # As the page offers them: 1st Norfolk's Rep, its three Senators, two U.S. Reps, …
    offered = plan_rows(session, hub)
    roles = [r["role"] for r in offered]
    assert roles[:4] == ["state_rep", "state_senator", "state_senator", "state_senator"]
    congress = roles.index("member_of_congress")
    rows = [offered[0], offered[1], offered[congress], offered[2]]  # rows posted in this order
    past = (utcnow().date() - timedelta(days=3)).isoformat()
    before = row_counts(session)
    response = submit(
        client,
        hub,
        {
            "targets-0-role": "state_rep",
            "targets-0-legislator": "Bruce Ayers",
            "targets-0-stance": "not_cosponsor",
            "targets-0-goal": "",
            "targets-0-tactics": "short",
            "targets-0-target_date": past,
            **_offered(1, rows[1]),
            "targets-1-goal": "cohost_event",
            "targets-1-tactics": "A town hall with the neighbouring Hubs in the spring.",
            **_offered(2, rows[2]),
            "targets-2-stance": "champion",
            "targets-2-goal": "cosponsor_federal",
            **_offered(3, rows[3]),  # offered and left as it was: not part of the plan
        },
    )
    assert response.status_code == 422
    errors = errors_in(response)
    assert set(errors) == {
        "targets-0-goal",
        "targets-0-tactics",
        "targets-0-target_date",
        "targets-1-target_date",  # a row with content is part of the plan: not dropped
        "targets-2-goal",
        "targets-2-tactics",
        "targets-2-target_date",
    }
    assert "does not fit a legislator who is already “Champion”" in errors["targets-2-goal"]
    # An optional row is not "required": it asks for what would include its legislator.
    assert errors["targets-1-target_date"] == (
        f"To include {rows[1]['name']} in your plan, give a target date; "
        "or clear this section to leave them out."
    )
    assert errors["targets-0-goal"] == "Choose a goal."
    assert "required" not in " ".join(errors.values()).lower()
    assert "A town hall with the neighbouring Hubs in the spring.</textarea>" in response.text
    assert row_counts(session) == before


def test_a_chosen_row_that_names_nobody_is_an_error_on_a_district_without_geography(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=staff_member)
    district_id = hub.district_id
    elsewhere = District(chamber=Chamber.HOUSE, name="1st Nowhere")  # no precinct table
    session.add(elsewhere)
    session.flush()
    session.get(Hub, hub.id).district_id = elsewhere.id  # type: ignore[union-attr]
    session.commit()
    try:
        rows = plan_rows(session, session.get(Hub, hub.id))  # type: ignore[arg-type]
        assert [r["role"] for r in rows[:3]] == ["state_rep", "state_senator", "member_of_congress"]
        assert rows[1]["id"] is None and rows[2]["id"] is None  # to choose, and to name
        assert [r["name"] for r in rows[3:]] == ["Edward J. Markey", "Elizabeth Warren"]
        response = submit(
            client,
            hub,
            {
                "targets-0-role": "state_rep",
                "targets-0-legislator": "Somebody",
                "targets-0-stance": "not_cosponsor",
                "targets-0-goal": "win_cosponsorship",
                "targets-0-tactics": "Meetings in the district office every month.",
                "targets-0-target_date": (utcnow().date() + timedelta(days=30)).isoformat(),
                "targets-1-role": "state_senator",
                "targets-1-legislator_id": "",
                "targets-1-goal": "cohost_event",
                "targets-2-role": "member_of_congress",
                "targets-2-free": "yes",
                "targets-2-legislator": "",
                "targets-2-tactics": "Letters to the district office.",
            },
        )
        assert response.status_code == 422
        assert set(errors_in(response)) == {"targets-1-legislator_id", "targets-2-legislator"}
    finally:  # the legislature is shared by the tests: put it back as it was
        session.rollback()
        session.get(Hub, hub.id).district_id = district_id  # type: ignore[union-attr]
        session.delete(elsewhere)
        session.commit()


def _offered(i: int, row: dict[str, Any]) -> dict[str, str]:
    """A row the page offers with its legislator named, as the browser posts it."""
    return {
        f"targets-{i}-role": row["role"],
        f"targets-{i}-legislator_id": str(row["id"]),
        f"targets-{i}-legislator": row["name"],
        f"targets-{i}-offered": "yes",
        f"targets-{i}-stance": row["stance"],
    }


def test_the_fresh_link_form_names_a_bad_address(client: TestClient, session: Session) -> None:
    before = row_counts(session)
    response = client.post("/hub/link", data={"csrf_token": csrf(client), "email": "bo@"})
    assert response.status_code == 422
    assert set(errors_in(response)) == {"email"} and 'value="bo@"' in response.text
    assert row_counts(session) == before


def test_every_successful_post_is_answered_with_a_redirect_and_a_reload_sends_nothing(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    join = client.post(
        "/join", data={"csrf_token": csrf(client), **_join_form()}, follow_redirects=False
    )
    assert join.status_code == 303
    hub_ids = {}
    for stage in (Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN):
        hub = factories.hub_in(session, stage, reviewer=staff_member)
        response = submit(client, hub, _form_for(stage))
        assert response.status_code == 303, (stage, errors_in(response))
        hub_ids[stage] = (hub, response.headers["location"])
    counts = row_counts(session)
    shown = client.get(join.headers["location"])
    assert "What you sent" in shown.text and "Agreed to be contacted" in shown.text
    for stage, (_hub, location) in hub_ids.items():
        again = visible_text(client.get(location).text)
        assert "What you sent" in again and "is with the GO! Team since" in again, stage
    assert row_counts(session) == counts


def _join_form() -> dict[str, str]:
    form = factories.interest_form()
    return {**{k: str(v) for k, v in form.items()}, "towns": "Quincy", "consent_to_contact": "yes"}


def _form_for(stage: Stage) -> dict[str, str]:
    today = utcnow().date()
    if stage is Stage.FIRST_ACTION:
        return {k: str(v) for k, v in factories.first_action(today).items()}
    if stage is Stage.ONBOARDING:
        return {
            "contacts-0-name": "Cy Park",
            "contacts-0-email": "cy@example.org",
            "contacts-0-phone": "617 555 0199",
            "process": "one_on_one",
        }
    target = factories.plan_target(today)
    return {f"targets-0-{k}": str(v) for k, v in target.items()}


def test_changes_requested_bring_back_the_last_version_to_edit_with_the_new_date(
    client: TestClient, session: Session, staff_member: StaffMember, first_action_hub: Hub
) -> None:
    today = utcnow().date()
    first = factories.first_action(today, description="We canvassed Quincy Point on Saturday.")
    sub = hubs.submit_stage_work(session, first_action_hub.id, Stage.FIRST_ACTION, first)
    reviews.decide(
        session,
        sub.id,
        Decision.REQUEST_CHANGES,
        staff_id=staff_member.id,
        comment="Please say how many people came.",
    )
    page = client.get(page_of(first_action_hub)).text
    text = visible_text(page)
    assert "The GO! Team asked for changes to your first action report:" in text
    assert "Please say how many people came." in text
    # Sent back the day it was handed in, with 60 days left: still 60 (never cut to 14).
    assert re.search(r"send it again by \w+day, \w+ \d+(, \d{4})? \(due in 60 days\)", text)
    assert ">We canvassed Quincy Point on Saturday.</textarea>" in page  # version 1, to edit
    assert 'value="9"' in page and 'value="canvass" checked' in page
    response = submit(
        client,
        first_action_hub,
        {**{k: str(v) for k, v in first.items()}, "participants": "14"},
    )
    assert response.status_code == 303
    versions = session.scalars(
        select(Submission.version).where(
            Submission.hub_id == first_action_hub.id, Submission.stage == Stage.FIRST_ACTION
        )
    ).all()
    assert sorted(versions) == [1, 2]
    history = visible_text(client.get(page_of(first_action_hub)).text).split("History")[1]
    assert "The Hub sent the first action report." in history
    assert "Ann Lee asked for changes to the first action report." in history
    assert "The Hub sent the first action report (version 2)." in history


def test_a_contact_who_unsubscribed_gets_the_fresh_link_they_ask_for(
    client: TestClient, session: Session, first_action_hub: Hub
) -> None:
    from models.email import Email, EmailState, MessageKind, SuppressionReason
    from models.services.suppressions import suppress

    [contact] = first_action_hub.contacts
    suppress(session, contact.email, SuppressionReason.UNSUBSCRIBE)
    response = client.post("/hub/link", data={"csrf_token": csrf(client), "email": contact.email})
    assert response.url.path == "/hub/link/sent"
    assert "It comes even if you unsubscribed from our reminders" in response.text
    react()  # hub.link.requested: its reaction queues the email
    [link] = session.scalars(select(Email).where(Email.kind == MessageKind.HUB_LINK)).all()
    assert (link.to_email, link.state) == (contact.email, EmailState.PENDING)
