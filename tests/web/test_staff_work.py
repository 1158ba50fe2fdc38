"""Staff work on the console: what SendGrid said of each email, a decline confirmed in a
second step, a note's form that keeps what was typed."""

from __future__ import annotations

import json
import time

from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.email import Email
from models.enums import Stage, Status
from models.hub import Hub
from models.services import hubs
from models.staff import StaffMember
from tests import factories
from tests.integration.test_cli import hubflow
from tests.web.conftest import csrf, react
from tests.web.test_trust import signed_post, signing_key
from tests.web.visible import visible_text

__all__ = ["signing_key"]  # the fixture, for pytest


def test_what_sendgrid_says_shows_on_the_email_and_a_bouncing_hub_is_flagged(
    staff_client: TestClient,
    session: Session,
    staff_member: StaffMember,
    signing_key: ec.EllipticCurvePrivateKey,
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    react()
    email = session.scalars(select(Email).where(Email.hub_id == hub.id)).first()
    assert email is not None
    address, now = hub.contacts[0].email, int(time.time())
    custom = {"hubflow_email_id": str(email.id), "hubflow_hub_id": str(hub.id)}
    for event, at in (("delivered", now - 60), ("bounce", now)):
        body = json.dumps([{"event": event, "email": address, "timestamp": at, **custom}])
        assert signed_post(staff_client, signing_key, body).status_code == 200
    # A late-arriving older event does not overwrite the newer one.
    late = json.dumps([{"event": "deferred", "email": address, "timestamp": now - 120, **custom}])
    assert signed_post(staff_client, signing_key, late).json()["recorded"] == 0
    session.commit()  # a fresh read: what the requests wrote
    session.expire_all()
    page = visible_text(staff_client.get(f"/staff/hubs/{hub.id}").text)
    assert f"sent to {address}; bounced." in page or f"queued for {address}" in page
    assert "The primary contact's address bounces" in page
    dashboard = visible_text(staff_client.get("/staff").text)
    assert "1 Hub with an address that bounces" in dashboard
    assert hub.name in visible_text(staff_client.get("/staff/hubs?bounced=1").text)
    code, out = hubflow("outbox", "list", "--json")
    assert code == 0, out
    [row] = [r for r in json.loads(out) if r["id"] == email.id]
    assert row["delivery"] == "bounce" and row["delivery_at"]


def test_decline_asks_for_confirmation_and_a_reason_then_reopen_undoes_it(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    sub = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(utcnow().date())
    )
    token = csrf(staff_client, "/staff/queue")
    first = staff_client.post(
        f"/staff/submissions/{sub.id}/decide",
        data={"csrf_token": token, "decision": "decline", "comment": "Not M4A work."},
    )
    assert first.status_code == 200 and f"Decline {hub.name}?" in first.text
    assert "You can reopen it later" in first.text and "Not M4A work." in first.text
    session.commit()  # a fresh read: what the requests wrote
    session.expire_all()
    assert session.get(Hub, hub.id).status is Status.ACTIVE  # type: ignore[union-attr]
    done = staff_client.post(
        f"/staff/submissions/{sub.id}/decide",
        data={
            "csrf_token": token,
            "decision": "decline",
            "comment": "Not M4A work.",
            "confirm": "yes",
            "next": f"/staff/hubs/{hub.id}",
        },
    )
    assert done.status_code == 200 and "declined" in visible_text(done.text)
    session.commit()  # a fresh read: what the requests wrote
    session.expire_all()
    assert session.get(Hub, hub.id).status is Status.DECLINED  # type: ignore[union-attr]
    page = staff_client.get(f"/staff/hubs/{hub.id}").text
    assert "Reopen the Hub" in page
    reopened = staff_client.post(
        f"/staff/hubs/{hub.id}/reopen", data={"csrf_token": token, "reason": "They called back."}
    )
    words = visible_text(reopened.text)
    assert "is active again" in words
    # The timeline says who reopened it and quotes why, once.
    assert "Ann Lee reopened the Hub. They called back." in words
    assert words.count("They called back.") == 1
    session.commit()  # a fresh read: what the requests wrote
    session.expire_all()
    assert session.get(Hub, hub.id).status is Status.ACTIVE  # type: ignore[union-attr]


def test_a_note_sent_back_keeps_what_was_typed_and_names_the_field(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    token = csrf(staff_client, f"/staff/hubs/{hub.id}")
    long_note = "Met Bo and Cy at the library; they want a canvass in May."
    response = staff_client.post(
        f"/staff/hubs/{hub.id}/notes",
        data={
            "csrf_token": token,
            "note-kind": "meeting",
            "note-text": long_note,
            "note-follow_up": "2001-01-01",
        },
    )
    assert response.status_code == 422
    assert long_note in response.text and 'id="note-follow_up-error"' in response.text
    assert "Choose today or a day to come." in response.text
    ok = staff_client.post(
        f"/staff/hubs/{hub.id}/notes",
        data={"csrf_token": token, "note-kind": "meeting", "note-text": long_note},
    )
    assert "Ann Lee noted a meeting." in visible_text(ok.text)


def test_after_an_address_is_corrected_the_old_link_asks_for_a_fresh_one_and_the_new_works(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    import re

    from models.email import MessageKind
    from models.services import contacts
    from models.services.common import Actor
    from plumbing.tokens import hub_token

    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    old = f"/hub/{hub_token(hub.id, hub.token_version)}"
    assert client.get(old).status_code == 200
    contacts.change_contact(
        session, hub.contacts[0].id, email="bo.new@example.org", actor=Actor.staff(staff_member)
    )
    react()
    refused = client.get(old)
    assert refused.status_code == 404 and 'action="/hub/link"' in refused.text
    session.commit()
    [sent] = session.scalars(
        select(Email).where(
            Email.kind == MessageKind.HUB_LINK, Email.to_email == "bo.new@example.org"
        )
    ).all()
    link = re.search(r"http://hubflow\.test(/hub/[\w.\-]+)", sent.text)
    assert link is not None
    assert client.get(link.group(1)).status_code == 200


def test_a_forgotten_person_who_joins_again_confirms_the_address_then_is_emailed(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    import re

    from models.email import EmailState, MessageKind
    from plumbing.email.outbox import is_forgotten, is_suppressed

    address = "returning@example.org"
    first = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member, email=address)
    first_id, staff_email = first.id, staff_member.email
    session.close()
    code, out = hubflow("contacts", "forget", address, "--staff", staff_email, "--yes")
    assert code == 0, out
    assert is_forgotten(session, address)
    again = hubs.submit_interest(
        session, factories.interest_form(email=address, group_name="Second Try M4A")
    )
    react()
    session.commit()
    mails = session.scalars(
        select(Email).where(Email.hub_id == again.id, Email.to_email == address)
    ).all()
    assert [(m.kind, m.state) for m in mails] == [
        (MessageKind.CONFIRM_ADDRESS, EmailState.PENDING)  # nothing else, until confirmed
    ]
    link = re.search(r"http://hubflow\.test(/confirm/[\w.\-]+)", mails[0].text)
    assert link is not None and first_id != again.id
    page = client.get(link.group(1))
    assert page.status_code == 200 and "Yes, email me at returning@example.org" in page.text
    session.commit()
    assert is_forgotten(session, address)  # opening the link changes nothing
    done = client.post(link.group(1), data={"csrf_token": csrf(client, link.group(1))})
    assert done.status_code == 200 and "We will email returning@example.org again" in done.text
    react()
    session.commit()
    assert not is_forgotten(session, address) and not is_suppressed(session, address)
    welcome = session.scalars(
        select(Email).where(Email.kind == MessageKind.INTEREST_RECEIVED, Email.hub_id == again.id)
    ).all()
    assert [(m.to_email, m.state) for m in welcome] == [(address, EmailState.PENDING)]
    # The link works once: used again, it changes nothing more.
    client.post(link.group(1), data={"csrf_token": csrf(client, link.group(1))})
    react()
    session.commit()
    to_them = select(Email).where(Email.hub_id == again.id, Email.to_email == address)
    assert len(session.scalars(to_them).all()) == 2  # the question, and the welcome


def test_everything_of_someone_is_handed_over_from_the_list_in_one_action(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    from sqlalchemy import func

    from models.services import owners
    from models.services.common import Actor

    bea = factories.staff(session, name="Bea Ruiz", email="bea@masscare.org")
    made = hubs.record_interests(session, [factories.interest_form() for _ in range(60)])
    owners.assign(session, [m.hub_id for m in made], staff_id=bea.id, actor=Actor.system("t"))
    bea_id, ann_id = bea.id, staff_member.id
    page = staff_client.get(f"/staff/hubs?owner={bea_id}").text
    assert "60 Hubs match these filters" in page and "on every page (60)" in page
    done = staff_client.post(
        "/staff/hubs/assign",
        data={
            "csrf_token": csrf(staff_client, "/staff/hubs"),
            "all_matching": "1",
            "match-owner": str(bea_id),
            "staff_id": str(ann_id),
            "next": f"/staff/hubs?owner={bea_id}",
        },
    )
    assert "60 Hubs now with Ann Lee" in done.text
    session.commit()
    left = session.scalar(select(func.count(Hub.id)).where(Hub.owner_id == bea_id))
    assert left == 0
    assert "No Hubs match these filters" in staff_client.get(f"/staff/hubs?owner={bea_id}").text
