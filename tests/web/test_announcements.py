"""Announcements in the console (#30): a form that names every wrong field and keeps what
was typed, the exact reach before anything goes, a test to oneself, a time that has
passed refused, cancel, send, and the record after SendGrid's webhook."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.announcement import Announcement, AnnouncementState
from models.base import utcnow
from models.email import Email, MessageKind, OptOut, Topic
from models.enums import Stage
from models.hub import Hub
from models.services.staff import set_password_hash
from models.staff import StaffMember
from plumbing.db import session_factory
from plumbing.passwords import hash_password
from plumbing.settings import get_settings
from tasks.reactions.announce import deliver_due
from tests import factories
from tests.web.conftest import PASSWORD, csrf, log_in, react
from tests.web.test_trust import signed_post, signing_key
from tests.web.visible import visible_text

__all__ = ["signing_key"]  # the fixture, for pytest
ROOT = Path(__file__).resolve().parents[2]

BODY = (
    "Hi {{ first_name }},\n\n"
    "Training for **{{ hub.name }}** on Tuesday: [your page]({{ hub.link }})."
)


def hubs_in_onboarding(session: Session, reviewer: StaffMember) -> list[Hub]:
    made = [
        factories.hub_in(
            session,
            Stage.ONBOARDING,
            reviewer=reviewer,
            email=f"lead{i}@example.org",
            group_name=f"Hub {i}",
            contact_name=f"Lead {i}",
        )
        for i in range(3)
    ]
    factories.hub_in(
        session,
        Stage.LISTED,
        reviewer=reviewer,
        email="listed@example.org",
        group_name="Listed Hub",
    )
    session.add(OptOut(email="lead2@example.org", topic=Topic.ANNOUNCEMENTS))
    session.commit()
    return made


def post(client: TestClient, url: str, data: dict[str, object]) -> object:
    token = csrf(client, "/staff/announcements/new")
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def test_the_form_names_every_wrong_field_at_once_and_keeps_what_was_typed(
    staff_client: TestClient, session: Session
) -> None:
    response = post(
        staff_client,
        "/staff/announcements",
        {
            "subject": "",
            "body": "Hi {{ hub.nmae }}",
            "stages": ["onboarding", "nowhere"],
            "counties": ["Essex"],
            "hub_ids": "1, x",
        },
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    said = visible_text(response.text)  # type: ignore[attr-defined]
    assert "There are 4 problems with the form" in said
    assert "Subject: Give the email a subject." in said
    assert "{{ hub.nmae }} is not a field we know" in said
    assert "Stages: Nowhere: not a stage." in said and "Hub numbers:" in said
    page = response.text  # type: ignore[attr-defined]
    assert "Hi {{ hub.nmae }}</textarea>" in page and 'value="Essex" checked' in page
    assert 'value="onboarding" checked' in page
    assert session.scalar(select(Announcement.id)) is None  # nothing stored


def test_nul_or_control_characters_are_refused_by_name(
    staff_client: TestClient, session: Session
) -> None:
    response = post(
        staff_client,
        "/staff/announcements",
        {"subject": "Hi\x00", "body": "ok", "counties": ["Es\x07sex"]},
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    said = visible_text(response.text)  # type: ignore[attr-defined]
    assert "Subject:" in said and "Counties: Choose from the list." in said
    assert session.scalar(select(Announcement.id)) is None


def test_write_see_the_reach_test_schedule_cancel_send_and_follow_it(
    staff_client: TestClient,
    session: Session,
    staff_member: StaffMember,
    signing_key: ec.EllipticCurvePrivateKey,
) -> None:
    made = hubs_in_onboarding(session, staff_member)
    saved = post(
        staff_client,
        "/staff/announcements",
        {
            "subject": "Training, {{ first_name }}",
            "body": BODY,
            "stages": ["onboarding"],
            "contacts": "primary",
        },
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    url = saved.headers["location"]  # type: ignore[attr-defined]
    page = staff_client.get(url)
    said = visible_text(page.text)
    assert "2 people at 2 Hubs, one email each." in said
    assert "1 person: unsubscribed from announcements" in said
    assert "At the stage Onboarding" in said and "Each Hub's primary contacts" in said
    assert (
        'title="The email on a phone"' in page.text
        and "Training for &lt;strong&gt;Hub 0" in page.text
    )

    staff_client.post(f"{url}/test", data={"csrf_token": csrf(staff_client, url)})
    staff_client.post(f"{url}/test", data={"csrf_token": csrf(staff_client, url)})  # a double click
    react()
    [test] = session.scalars(select(Email).where(Email.to_email == staff_member.email)).all()
    assert (
        test.subject == "[Test] Training, Lead" and "how Lead 0 of Hub 0 would read it" in test.text
    )

    boston = ZoneInfo("America/New_York")  # the campaign's zone: times are typed in it
    past = (utcnow() - timedelta(hours=2)).astimezone(boston).strftime("%Y-%m-%dT%H:%M")
    refused = staff_client.post(
        f"{url}/send",
        data={"csrf_token": csrf(staff_client, url), "when": "later", "send_at": past},
    )
    assert refused.status_code == 422 and "That time has passed" in refused.text
    later = (utcnow() + timedelta(days=2)).astimezone(boston).strftime("%Y-%m-%dT%H:%M")
    staff_client.post(
        f"{url}/send",
        data={"csrf_token": csrf(staff_client, url), "when": "later", "send_at": later},
    )
    session.commit()  # a fresh look: the app committed in its own session
    found = session.scalars(select(Announcement)).one()
    session.refresh(found)
    assert (
        found.state is AnnouncementState.SCHEDULED
        and "Until it starts, you can cancel it" in staff_client.get(url).text
    )
    staff_client.post(f"{url}/cancel", data={"csrf_token": csrf(staff_client, url)})
    session.commit()
    session.refresh(found)
    assert found.state is AnnouncementState.CANCELLED
    react()
    assert (
        deliver_due(session_factory(), settings=get_settings(), now=utcnow() + timedelta(days=3))
        == []
    )

    again = post(
        staff_client,
        "/staff/announcements",
        {"subject": "Now then", "body": BODY, "stages": ["onboarding"]},
    )
    url = again.headers["location"]  # type: ignore[attr-defined]
    staff_client.post(f"{url}/send", data={"csrf_token": csrf(staff_client, url), "when": "now"})
    staff_client.post(
        f"{url}/send", data={"csrf_token": csrf(staff_client, url), "when": "now"}
    )  # twice
    react()
    [sent] = deliver_due(session_factory(), settings=get_settings(), now=utcnow())
    assert sent.people == 2
    session.commit()
    emails = session.scalars(
        select(Email).where(Email.kind == MessageKind.ANNOUNCEMENT, ~Email.to_staff)
    ).all()
    assert sorted(e.to_email for e in emails) == ["lead0@example.org", "lead1@example.org"]
    events = [
        {
            "event": "delivered",
            "email": "lead0@example.org",
            "timestamp": int(time.time()),
            "hubflow_email_id": str(emails[0].id),
        },
        {
            "event": "bounce",
            "email": "lead1@example.org",
            "timestamp": int(time.time()),
            "hubflow_email_id": str(emails[1].id),
        },
    ]
    assert signed_post(staff_client, signing_key, json.dumps(events)).status_code == 200
    said = visible_text(staff_client.get(url).text)
    assert "2 emails 1 delivered 1 bounced 0 unsubscribed since" in said
    assert (
        "Lead 0 lead0@example.org Hub 0 Delivered" in said
        and "Lead 1 lead1@example.org Hub 1 Bounced" in said
    )
    timeline = visible_text(staff_client.get(f"/staff/hubs/{made[0].id}").text)
    assert "announcement “Now then” went to 1 person of the Hub." in timeline
    listing = visible_text(staff_client.get("/staff/announcements").text)
    assert "Now then" in listing and "Cancelled" in listing


def test_many_people_need_another_staff_members_approval(
    client: TestClient,
    session: Session,
    staff_member: StaffMember,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    campaign = (ROOT / "plumbing" / "data" / "campaign.toml").read_text(encoding="utf-8")
    asks = tmp_path / "campaign.toml"  # this campaign asks for approval above 1 person
    asks.write_text(campaign.replace("approval_over = 200", "approval_over = 1"), encoding="utf-8")
    monkeypatch.setenv("HUBFLOW_CAMPAIGN_FILE", str(asks))
    get_settings.cache_clear()
    hubs_in_onboarding(session, staff_member)
    factories.staff(session, name="Bea Cruz", email="bea@masscare.org")
    other = set_password_hash(session, "bea@masscare.org", hash_password(PASSWORD))
    log_in(client, staff_member.email)
    saved = post(
        client, "/staff/announcements", {"subject": "Big one", "body": "Hello {{ first_name }}"}
    )
    url = saved.headers["location"]  # type: ignore[attr-defined]
    client.post(f"{url}/send", data={"csrf_token": csrf(client, url), "when": "now"})
    page = visible_text(client.get(url).text)
    assert "Waiting for approval" in page and "you wrote it" in page
    react()
    react()  # again: nothing more
    session.commit()
    asked = session.scalars(select(Email).where(Email.kind == MessageKind.APPROVAL_ASKED)).all()
    assert [e.to_email for e in asked] == ["bea@masscare.org"]  # the others, not the author
    assert asked[0].subject == "Approve an announcement to 3 people?" and url in asked[0].text
    refused = client.post(f"{url}/approve", data={"csrf_token": csrf(client, url)})
    assert refused.status_code == 409 and "not the person who wrote it" in refused.text
    client.post("/staff/logout", data={"csrf_token": csrf(client, url)})
    log_in(client, "bea@masscare.org")
    client.post(f"{url}/approve", data={"csrf_token": csrf(client, url)})
    session.commit()
    found = session.scalars(select(Announcement)).one()
    session.refresh(found)
    assert found.state is AnnouncementState.SCHEDULED and found.approved_by_id == other.id
    get_settings.cache_clear()
