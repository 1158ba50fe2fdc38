"""A new group's whole journey in a real Chromium, with a staff member approving each step
in the GO! Team console (SPEC §6)."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.services.staff import add_staff
from plumbing.email.dispatch import dispatch
from plumbing.passwords import hash_password
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tests.browser.conftest import PHONE, axe_violations, context, screenshot


def react_and_send(sessions: sessionmaker[Session]) -> None:
    """What Prefect does between two clicks: the reactions, then the outbox."""
    process_waiting(sessions, settings=get_settings(), now=utcnow())
    dispatch(sessions)


def link_in(outbox: Path, kind: str) -> str:
    [path] = sorted(outbox.glob(f"*-{kind}.eml"))[-1:]
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://127\.0\.0\.1:\d+/hub/\S+", text)
    assert match, text
    return match.group(0)


def approve(staff: Page, base: str, hub: str, step: str) -> None:
    staff.goto(f"{base}/staff/queue")
    section = staff.locator("section.current", has_text=hub)
    expect(section.get_by_role("heading", level=2)).to_contain_text(f"{hub}: {step.lower()}")
    section.get_by_role("button", name="Approve").click()
    expect(staff.get_by_role("status")).to_contain_text(f"{hub}: {step.lower()} approved.")


def test_a_new_group_joins_and_becomes_a_listed_hub(
    server: str, browser: Browser, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as s:
        add_staff(
            s,
            name="Ann Lee",
            email="ann@masscare.org",
            password_hash=hash_password("correct horse battery"),
        )
    outbox, hub_name = tmp_path / "outbox", "Quincy Browser M4A"
    group = context(browser, PHONE).new_page()
    group.goto(f"{server}/join")
    group.get_by_label("Group name").fill(hub_name)
    group.get_by_label("Formed for single-payer advocacy").check()
    group.get_by_label("Your town or city").fill("Quincy")
    group.get_by_label("Other towns your group covers").fill("Milton")
    group.get_by_role("button", name="Send").click()  # Quincy is split: choose among its three
    # Choosing the district is a step to take, not a problem: a note, no error on it.
    expect(group.locator("#step")).to_contain_text("Quincy is split among 3")
    expect(group.locator("#district-error")).to_have_count(0)
    screenshot(group, "join-split-step")
    assert axe_violations(group) == []
    group.get_by_label("Your State Rep district").select_option("1st Norfolk")
    group.get_by_label("Your name").fill("Bo Diaz")
    group.get_by_label("Your email").fill("bo@example.org")
    group.get_by_label("Your phone").fill("617-555-0123")
    group.get_by_label("The GO! Team may contact me about this Hub").check()
    group.get_by_role("button", name="Send").click()
    expect(group.get_by_role("heading", level=1)).to_have_text(
        "Thank you! We have your interest form."
    )
    react_and_send(sessions)
    hub_link = link_in(outbox, "interest_received")

    staff = browser.new_context().new_page()
    staff.goto(f"{server}/staff")
    staff.get_by_label("Email").fill("ann@masscare.org")
    staff.get_by_label("Password").fill("correct horse battery")
    staff.get_by_role("button", name="Log in").click()
    expect(staff.get_by_role("heading", name="GO! Team dashboard")).to_be_visible()
    approve(staff, server, hub_name, "Interest")
    react_and_send(sessions)

    today = utcnow().date()
    group.goto(hub_link)
    expect(group.get_by_role("heading", name="Report your first action")).to_be_visible()
    group.get_by_role("radio", name="Canvass").check()
    group.get_by_label("When did it happen?").fill((today - timedelta(days=3)).isoformat())
    group.get_by_label("What happened?").fill("We canvassed Wollaston and met 80 neighbours.")
    group.get_by_label("How many people took part?").fill("7")
    group.get_by_role("button", name="Send to the GO! Team").click()
    expect(group.get_by_role("status")).to_contain_text("Sent!")
    react_and_send(sessions)
    approve(staff, server, hub_name, "First action")
    react_and_send(sessions)

    group.goto(hub_link)
    expect(group.get_by_role("heading", name="Set up on-boarding")).to_be_visible()
    group.locator("#contacts-0-name").fill("Cy Park")
    group.locator("#contacts-0-email").fill("cy@example.org")
    group.locator("#contacts-0-phone").fill("617 555 0199")
    group.get_by_role("radio", name="A monthly meeting").check()
    group.get_by_label("Meeting schedule (for a monthly meeting)").fill(
        "First Tuesday, 7pm, Thomas Crane Library"
    )
    group.get_by_label("Publish these contacts in the public Hub directory").check()
    group.get_by_role("button", name="Send to the GO! Team").click()
    expect(group.get_by_role("status")).to_contain_text("Sent!")
    react_and_send(sessions)
    approve(staff, server, hub_name, "Onboarding")
    react_and_send(sessions)

    group.goto(hub_link)
    expect(group.get_by_role("heading", name="Your strategic plan", exact=True)).to_be_visible()
    expect(group.get_by_text("Bruce Ayers", exact=True)).to_be_visible()  # its State Rep
    group.locator("#targets-0-stance").select_option("not_cosponsor")
    group.locator("#targets-0-goal").select_option("win_cosponsorship")
    group.locator("#targets-0-tactics").fill("Monthly constituent meetings, a town hall.")
    group.locator("#targets-0-target_date").fill((today + timedelta(days=90)).isoformat())
    group.get_by_role("button", name="Send to the GO! Team").click()
    expect(group.get_by_role("status")).to_contain_text("Sent!")
    react_and_send(sessions)
    approve(staff, server, hub_name, "Strategic plan")
    react_and_send(sessions)
    assert any(outbox.glob("*-listed_welcome.eml"))

    group.goto(f"{server}/hubs?town=quincy")
    listing = group.locator("section", has_text=hub_name)
    expect(listing).to_contain_text("Cy Park")
    group.goto(f"{server}/coverage")
    expect(group.locator("tr", has_text="1st Norfolk")).to_contain_text("Listed")
    expect(group.locator("tr", has_text="1st Norfolk")).to_contain_text(hub_name)
