"""Get involved in a real Chromium at a phone's width (#31): a neighbour signs up, the Hub's
contact for new people marks them reached from the email's link; a neighbour where no Hub
is listed yet is told they are on the list. Each page axe-core clean, at 390x844 and
1366x768, photographed (tests/browser/screenshots/newcomer-*)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Stage
from models.newcomer import Newcomer, NewcomerState
from plumbing.db import session_factory
from plumbing.settings import get_settings
from plumbing.tokens import hub_url
from tasks.events import process_waiting
from tests import factories
from tests.browser.conftest import PHONE, context, looked_at
from tests.browser.test_console import staff


def react() -> None:
    process_waiting(session_factory(), settings=get_settings(), now=utcnow())


def test_sign_up_marked_reached_and_the_waiting_list(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        hub = factories.hub_in(
            s, Stage.LISTED, reviewer=member, email="bo@example.org", group_name="Quincy M4A"
        )
        hub_id, version = hub.id, hub.token_version
    react()
    page = context(browser, PHONE).new_page()
    page.goto(f"{server}/hubs")
    page.get_by_role("link", name="Get involved").first.click()
    looked_at(page, "newcomer-form")
    page.get_by_label("Your name").fill("Pat Doe")
    page.get_by_label("Your email").fill("pat@example.org")
    page.get_by_label("Your town or city").fill("Quincy")
    page.get_by_label("Make phone calls").check()
    page.get_by_label("may have my name").check()
    page.get_by_role("button", name="Send").click()
    # Quincy is split among districts: the next step asks which, keeping what was typed.
    expect(page.get_by_text("One more step")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Pat Doe")
    looked_at(page, "newcomer-step")
    page.locator("select#district").select_option("1st Norfolk")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    looked_at(page, "newcomer-thanks")
    react()

    with sessions() as s:
        to_hub = s.scalars(select(Email).where(Email.kind == MessageKind.NEWCOMER_TO_HUB)).one()
    link = re.search(r"https?://\S+/newcomer/\S+", to_hub.text)
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Pat Doe wants to help Quincy M4A")).to_be_visible()
    looked_at(page, "newcomer-to-reach")
    page.get_by_role("button", name="Yes, I reached Pat").click()
    expect(page.get_by_role("status")).to_have_text("Thank you: marked reached.")
    looked_at(page, "newcomer-reached")
    with sessions() as s:
        assert s.scalars(select(Newcomer)).one().state is NewcomerState.REACHED

    page.goto(hub_url(hub_id, version))
    expect(page.get_by_role("heading", name="New people")).to_be_visible()
    page.locator("#new-people").scroll_into_view_if_needed()
    looked_at(page, "newcomer-hub-page")

    # Where no Hub is listed yet: on the list, kindly.
    page.goto(f"{server}/get-involved")
    page.get_by_label("Your name").fill("Kim Lu")
    page.get_by_label("Your email").fill("kim@example.org")
    page.get_by_label("Your town or city").fill("Pittsfield")
    page.get_by_label("Help at events").check()
    page.get_by_label("may have my name").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    react()
    with sessions() as s:
        kim = s.scalars(select(Newcomer).where(Newcomer.email == "kim@example.org")).one()
        assert kim.state is NewcomerState.WAITING
        waiting = s.scalars(select(Email).where(Email.kind == MessageKind.NEWCOMER_WAITING)).one()
        assert "You're on the list" in waiting.subject
    page.goto(f"{server}/coverage?without=1")
    page.evaluate(  # the county whose district has someone waiting, opened as a reader would
        "document.querySelectorAll('details').forEach(d => {"
        " if (d.textContent.includes('waiting to join')) d.open = true })"
    )
    expect(page.get_by_text("1 person waiting to join one").first).to_be_visible()
    looked_at(page, "newcomer-coverage")
