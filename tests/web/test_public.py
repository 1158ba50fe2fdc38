"""The directory, coverage and unsubscribe pages; escaping everywhere (SPEC §6, §8)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import DomainEvent
from models.base import utcnow
from models.email import Email, Suppression, Topic
from models.enums import Decision, Stage
from models.hub import Contact
from models.services import hubs, reviews
from models.services.suppressions import opted_out
from models.staff import StaffMember
from plumbing.db import session_factory
from plumbing.settings import get_settings
from plumbing.tokens import hub_token, unsubscribe_token
from tasks.events import process_event
from tests import factories
from tests.web.conftest import csrf, log_in, tampered
from tests.web.visible import visible_text

EVIL = "<script>alert(1)</script>"


def listed(
    session: Session,
    reviewer: StaffMember,
    name: str,
    *,
    consent: bool,
    district: str = "1st Norfolk",
    town: str = "Quincy",
) -> int:
    hub = factories.hub_in(
        session,
        Stage.ONBOARDING,
        reviewer=reviewer,
        group_name=name,
        district=district,
        towns=[town],
    )
    hubs.submit_stage_work(
        session,
        hub.id,
        Stage.ONBOARDING,
        factories.onboarding(
            consent_to_publish=consent,
            contacts=[
                {"name": "Cy Park", "email": f"cy.{hub.id}@example.org", "phone": "617 555 0199"}
            ],
        ),
    )
    reviews.decide(
        session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=reviewer.id
    )
    hubs.submit_stage_work(
        session, hub.id, Stage.STRATEGIC_PLAN, factories.strategic_plan(utcnow().date())
    )
    reviews.decide(
        session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=reviewer.id
    )
    return hub.id


def test_hubs_json_never_shows_a_contact_without_consent(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(session, staff_member, "Open Hub", consent=True)
    listed(session, staff_member, "Private Hub", consent=False)
    hubs = client.get("/hubs.json").json()["hubs"]
    by_name = {h["name"]: h for h in hubs}
    assert set(by_name) == {"Open Hub", "Private Hub"}
    assert [c["name"] for c in by_name["Open Hub"]["contacts"]] == ["Cy Park"]
    assert by_name["Private Hub"]["contacts"] == []
    private_emails = session.scalars(select(Contact.email).where(~Contact.consent_to_publish)).all()
    text = client.get("/hubs.json").text + client.get("/hubs").text
    assert private_emails and not any(email in text for email in private_emails)


def test_the_directory_searches_by_town_and_district(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(session, staff_member, "Quincy M4A", consent=True, town="Quincy")
    listed(
        session,
        staff_member,
        "Fall River M4A",
        consent=True,
        district="10th Bristol",
        town="Fall River",
    )
    assert [h["name"] for h in client.get("/hubs.json?town=fall").json()["hubs"]] == [
        "Fall River M4A"
    ]
    assert [h["name"] for h in client.get("/hubs.json?district=1st Norfolk").json()["hubs"]] == [
        "Quincy M4A"
    ]
    page = client.get("/hubs?town=quincy").text
    assert "Quincy M4A" in page and "Fall River M4A" not in page


def test_coverage_lists_every_house_district(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(session, staff_member, "Quincy M4A", consent=True)
    page = client.get("/coverage").text
    assert page.count("<tr><td>") == 160
    assert "<strong>1</strong> listed" in page and "<strong>159</strong> without a Hub" in page


def test_unsubscribing_from_everything_stops_email_to_that_address(
    client: TestClient, session: Session
) -> None:
    token = unsubscribe_token("Bo@Example.org")  # a news email's link: no topic
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    said = visible_text(page.text)
    assert "Choose the emails you get For bo@example.org ." in said
    assert "Reminders and nudges before and after your Hub's deadlines" in said
    assert "Unsubscribe from everything" in said
    assert session.scalars(select(Suppression.email)).all() == []  # looking changes nothing
    session.commit()
    url = f"/unsubscribe/{token}"
    done = client.post(f"{url}/choose", data={"csrf_token": csrf(client, url), "everything": "yes"})
    assert "You are unsubscribed" in done.text
    assert "If you ask for a fresh link to your Hub's page, we still send it" in done.text
    assert session.scalars(select(Suppression.email)).all() == ["bo@example.org"]
    assert client.get(f"/unsubscribe/{tampered(token)}").status_code == 404
    again = client.post(f"{url}/resubscribe", data={"csrf_token": csrf(client, url)})
    assert "bo@example.org will get Mass-Care&#39;s emails again." in again.text
    assert "Choose the emails you get" in again.text
    session.commit()
    assert session.scalars(select(Suppression.email)).all() == []


def test_choosing_topics_on_the_page_keeps_the_rest_coming(
    client: TestClient, session: Session
) -> None:
    url = f"/unsubscribe/{unsubscribe_token('bo@example.org')}"
    saved = client.post(
        f"{url}/choose", data={"csrf_token": csrf(client, url), "announcements": "yes"}
    )
    assert "Saved: no more reminders and nudges to bo@example.org." in saved.text
    assert 'id="topic-reminders" value="yes">' in saved.text  # unticked, as chosen
    assert 'id="topic-announcements" value="yes" checked>' in saved.text
    assert opted_out(session, "bo@example.org") == {Topic.REMINDERS}
    back = client.post(
        f"{url}/choose",
        data={"csrf_token": csrf(client, url), "announcements": "yes", "reminders": "yes"},
    )
    assert "Saved: bo@example.org gets every kind of email." in back.text
    session.commit()
    assert opted_out(session, "bo@example.org") == set()


def one_click(client: TestClient, url: str) -> None:
    """What a mail client does with List-Unsubscribe-Post: a POST to the header's link."""
    answer = client.post(
        url.removeprefix("http://hubflow.test"), data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200


def test_a_reminder_unsubscribe_stops_reminders_and_a_news_one_stops_everything(
    client: TestClient, session: Session
) -> None:
    from models.email import Email, EmailState, MessageKind
    from plumbing.db import session_factory
    from plumbing.email.claims import claim
    from plumbing.email.outbox import Recipient, queue_email
    from tests.email_samples import context

    def queue(address: str, kind: MessageKind, n: int) -> Email:
        key = f"test/{address}/{kind}/{n}"
        queue_email(session, key=key, kind=kind, to=Recipient(address, "Bo"), context=context(kind))
        session.commit()
        found = session.scalars(select(Email).where(Email.key.startswith(key))).one()
        session.commit()
        return found

    reminder = queue("rem@example.org", MessageKind.DUE_SOON, 1)
    waiting = queue("rem@example.org", MessageKind.OVERDUE_NUDGE, 1)  # queued before
    news = queue("all@example.org", MessageKind.STAGE_APPROVED, 1)
    assert "/unsubscribe/" in reminder.unsubscribe_url
    assert reminder.unsubscribe_url != news.unsubscribe_url  # each email says what it stops
    page = visible_text(client.get(reminder.unsubscribe_url).text)
    assert "Stop reminders and nudges?" in page and "keeps coming" in page

    one_click(client, reminder.unsubscribe_url)
    one_click(client, news.unsubscribe_url)
    session.commit()  # end this session's read: see what the clicks stored
    assert opted_out(session, "rem@example.org") == {Topic.REMINDERS}
    assert session.scalars(select(Suppression.email)).all() == ["all@example.org"]

    states = {
        (address, kind): queue(address, kind, 2).state
        for address in ("rem@example.org", "all@example.org")
        for kind in (MessageKind.DUE_TODAY, MessageKind.LISTED_WELCOME, MessageKind.ANNOUNCEMENT)
    }
    assert states == {
        ("rem@example.org", MessageKind.DUE_TODAY): EmailState.SUPPRESSED,
        ("rem@example.org", MessageKind.LISTED_WELCOME): EmailState.PENDING,  # "you are listed"
        ("rem@example.org", MessageKind.ANNOUNCEMENT): EmailState.PENDING,  # staff's news
        ("all@example.org", MessageKind.DUE_TODAY): EmailState.SUPPRESSED,
        ("all@example.org", MessageKind.LISTED_WELCOME): EmailState.SUPPRESSED,
        ("all@example.org", MessageKind.ANNOUNCEMENT): EmailState.SUPPRESSED,
    }
    # The nudge queued before the choice is set aside when dispatch comes to it.
    taken = claim(session_factory(), worker="test", limit=50, now=utcnow())
    session.expire_all()
    assert session.get(Email, waiting.id).state is EmailState.SUPPRESSED  # type: ignore[union-attr]
    assert waiting.id not in {t.id for t in taken}


def test_a_script_in_a_group_name_is_escaped_on_every_page_and_in_every_email(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub_id = listed(session, staff_member, EVIL, consent=True)
    other = factories.hub_in(
        session, Stage.FIRST_ACTION, reviewer=staff_member, group_name=EVIL + " 2"
    )
    for event_id in session.scalars(select(DomainEvent.id)).all():
        process_event(session_factory(), event_id, settings=get_settings(), now=utcnow())
    session.commit()
    join = client.post(
        "/join",
        data={
            "csrf_token": csrf(client),
            "group_name": EVIL + " 3",
            "kind": "single_issue",
            "towns": "Quincy",
            "district": "1st Norfolk",
            "contact_name": EVIL,
            "email": "x@example.org",
            "phone": "617-555-0100",
            "consent_to_contact": "yes",
        },
    ).text
    assert log_in(client, staff_member.email).status_code == 303
    data = client.get("/hubs.json")
    assert data.headers["content-type"] == "application/json"  # data, never run as a page
    assert data.headers["x-content-type-options"] == "nosniff"
    assert EVIL in [h["name"] for h in data.json()["hubs"]]
    pages = [
        join,
        client.get("/hubs").text,
        client.get("/coverage").text,
        client.get(f"/hub/{hub_token(hub_id, 1)}").text,
        client.get(f"/hub/{hub_token(other.id, 1)}").text,
        client.get("/staff/queue").text,
        client.get("/staff/hubs").text,
        client.get(f"/staff/hubs/{hub_id}").text,
    ]
    for text in pages:
        assert "<script>alert(1)" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    emails = session.scalars(select(Email).where(Email.hub_id.in_([hub_id, other.id]))).all()
    assert len(emails) >= 5
    for email in emails:
        assert "<script>" not in email.html
        assert "&lt;script&gt;" in email.html


def test_no_volunteer_page_or_email_names_the_software(
    client: TestClient, session: Session
) -> None:
    """People know the campaign, not the program that runs it: "hubflow" appears on no page
    a volunteer sees and in no email (its links' paths aside)."""
    import re

    from models.email import MessageKind
    from plumbing.email.render import render
    from plumbing.tokens import hub_token, unsubscribe_token
    from tests import email_samples
    from tests.web.visible import visible_text

    hub = hubs.submit_interest(session, factories.interest_form())
    token = unsubscribe_token("bo@example.org")
    pages = ["/join", "/hubs", "/coverage", "/hub/link", "/hub/link/sent"]
    pages += [f"/unsubscribe/{token}", f"/hub/{hub_token(hub.id, hub.token_version)}"]
    said = {path: visible_text(client.get(path).text) for path in pages}
    client.post(f"/unsubscribe/{token}")
    said["unsubscribed"] = visible_text(client.get(f"/unsubscribe/{token}").text)
    for kind in MessageKind:
        subject, html, text = render(kind, email_samples.context(kind))
        said[f"email {kind}"] = " ".join([subject, visible_text(html), text])
    named = {
        where: text
        for where, text in said.items()
        if re.search(r"hubflow(?![./_-]|\.test)", re.sub(r"https?://\S+", "", text), re.I)
    }
    assert named == {}


def test_the_directory_offers_people_no_developer_link(client: TestClient) -> None:
    page = client.get("/hubs?town=Quincy").text
    assert "As JSON" not in visible_text(page)
    head = page.split("</head>")[0]
    assert '<link rel="alternate" type="application/json" href="/hubs.json?town=Quincy' in head
