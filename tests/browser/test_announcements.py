"""Announcements in a real Chromium (#30): compose, the audience and who is left out, the
preview, a test to oneself, schedule and cancel, send; the record after SendGrid's webhook.
Each page at a phone's and a laptop's width, axe-core clean, photographed
(tests/browser/screenshots/announce-*)."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import Email, MessageKind, OptOut, Topic
from models.enums import Stage
from plumbing.db import session_factory
from plumbing.email.dispatch import dispatch
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tasks.reactions.announce import deliver_due
from tests import factories
from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    axe_violations,
    context,
    log_in,
    screenshot,
    serving,
)
from tests.browser.test_console import PASSWORD, staff


def looked_at(page: Page, name: str) -> None:
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        screenshot(page, f"announce-{name}")
        assert axe_violations(page) == [], (name, size)
    page.set_viewport_size(LAPTOP)


def react() -> None:
    process_waiting(session_factory(), settings=get_settings(), now=utcnow())


def signed(key: ec.EllipticCurvePrivateKey, body: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = key.sign((timestamp + body).encode(), ec.ECDSA(hashes.SHA256()))
    return {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
    }


def test_compose_preview_test_schedule_cancel_send_and_the_record(
    browser: Browser, sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    member = staff(sessions)
    with sessions() as s:
        for i in range(3):
            factories.hub_in(
                s,
                Stage.ONBOARDING,
                reviewer=member,
                email=f"lead{i}@example.org",
                group_name=f"Merrimack Valley M4A {i}",
                contact_name=f"Dana Lee{i}",
            )
        factories.hub_in(s, Stage.LISTED, reviewer=member, email="listed@example.org")
        s.add(OptOut(email="lead2@example.org", topic=Topic.ANNOUNCEMENTS))
        s.commit()
    react()
    webhook = {"HUBFLOW_SENDGRID_WEBHOOK_PUBLIC_KEY": base64.b64encode(public).decode()}
    with serving(database_url, tmp_path, **webhook) as server:
        page = context(browser, LAPTOP).new_page()
        log_in(page, server, "ann@masscare.org", PASSWORD)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Announcements"
        ).click()
        looked_at(page, "list-empty")
        page.get_by_role("link", name="Write an announcement").click()

        # A first try with a mistake: named, and everything typed is still there.
        page.get_by_label("Subject").fill("Training on Tuesday")
        page.get_by_label("What it says").fill("Hi {{ frist_name }}")
        page.get_by_label("Onboarding").check()
        page.get_by_role("button", name="Save and see who it reaches").click()
        expect(page.get_by_role("alert")).to_contain_text("{{ frist_name }} is not a field we know")
        expect(page.get_by_label("Onboarding")).to_be_checked()
        looked_at(page, "compose-error")
        page.get_by_label("What it says").fill(
            "Hi {{ first_name }},\n\nThe **{{ hub.name }}** training is on Tuesday at 7pm, "
            "in the library.\n\n- bring a friend\n- bring your questions\n\n"
            "[Your Hub's page]({{ hub.link }}) has the details."
        )
        page.get_by_role("button", name="Save and see who it reaches").click()
        expect(page.get_by_role("status")).to_have_text("Saved. Look it over below, then send it.")
        expect(page.get_by_text("2 people at 2 Hubs, one email each.")).to_be_visible()
        expect(page.get_by_text("1 person: unsubscribed from announcements")).to_be_visible()
        phone = page.frame_locator("iframe.phone")
        expect(
            phone.get_by_text("The Merrimack Valley M4A 0 training is on Tuesday")
        ).to_be_visible()
        looked_at(page, "draft")

        page.get_by_role("button", name="Send a test to me").click()
        expect(page.get_by_role("status")).to_contain_text(
            "A test is on its way to ann@masscare.org"
        )
        react()
        with sessions() as s:
            test = s.scalar(
                select(Email).where(
                    Email.to_email == "ann@masscare.org", Email.kind == MessageKind.ANNOUNCEMENT
                )
            )
            assert test is not None and test.subject == "[Test] Training on Tuesday"

        boston = ZoneInfo("America/New_York")
        later = (utcnow() + timedelta(days=2)).astimezone(boston)
        page.get_by_label("At a time").check()
        page.get_by_label("Date and time").fill(later.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="Send to 2 people").click()
        expect(page.get_by_role("status")).to_have_text(
            "Scheduled. It can be cancelled until it starts."
        )
        looked_at(page, "scheduled")
        page.get_by_role("button", name="Cancel it").click()
        expect(page.get_by_role("status")).to_have_text("Cancelled: nothing will be sent.")
        looked_at(page, "cancelled")

        # Written again, sent now, and followed.
        page.goto(f"{server}/staff/announcements/new")
        page.get_by_label("Subject").fill("The hearing moved to Thursday")
        page.get_by_label("What it says").fill(
            "Hi {{ first_name }}: the hearing is on **Thursday** now."
        )
        page.get_by_label("Onboarding").check()
        page.get_by_role("button", name="Save and see who it reaches").click()
        page.get_by_role("button", name="Send to 2 people").click()
        react()
        assert [
            d.people for d in deliver_due(session_factory(), settings=get_settings(), now=utcnow())
        ] == [2]
        dispatch(session_factory())
        with sessions() as s:
            sent = s.scalars(
                select(Email)
                .where(Email.subject == "The hearing moved to Thursday")
                .order_by(Email.id)
            ).all()
        events = [
            {
                "event": "delivered",
                "email": sent[0].to_email,
                "timestamp": int(time.time()),
                "hubflow_email_id": str(sent[0].id),
            },
            {
                "event": "bounce",
                "email": sent[1].to_email,
                "timestamp": int(time.time()),
                "hubflow_email_id": str(sent[1].id),
            },
        ]
        body = json.dumps(events)
        answer = httpx.post(f"{server}/webhooks/sendgrid", content=body, headers=signed(key, body))
        assert answer.status_code == 200, answer.text
        page.reload()
        expect(page.get_by_role("heading", name="How it went")).to_be_visible()
        expect(page.locator(".tile").nth(1)).to_have_text("1 delivered")
        expect(page.locator(".tile").nth(2)).to_have_text("1 bounced")
        looked_at(page, "sent")
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Announcements"
        ).click()
        looked_at(page, "list")
