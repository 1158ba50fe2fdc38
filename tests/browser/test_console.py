"""The GO! Team console in a real Chromium: twenty reviews in a row, one click each;
every staff page accessible (axe-core) at laptop size; screenshots to look at."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session, sessionmaker

from models.services import hubs
from models.services.staff import add_staff, set_password_hash
from models.staff import StaffMember
from plumbing.passwords import hash_password
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, axe_violations, context, log_in, screenshot

PASSWORD = "correct horse battery"


def staff(sessions: sessionmaker[Session]) -> StaffMember:
    with sessions() as s:
        member = add_staff(s, name="Ann Lee", email="ann@masscare.org")
        return set_password_hash(s, member.email, hash_password(PASSWORD))


def test_a_staff_member_approves_twenty_submissions_in_a_row_one_click_each(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    staff(sessions)
    with sessions() as s:
        hubs.record_interests(
            s, [factories.interest_form(group_name=f"Row Hub {i:02}") for i in range(20)]
        )
    page = context(browser, LAPTOP).new_page()
    log_in(page, server, "ann@masscare.org", PASSWORD)
    page.goto(f"{server}/staff/queue")
    started = time.monotonic()
    for i in range(20):
        current = page.locator("section.current")
        heading = current.get_by_role("heading", level=2)
        expect(heading).to_contain_text(f"Row Hub {i:02}")  # oldest first
        expect(heading).to_be_in_viewport()
        approve = current.get_by_role("button", name="Approve")
        expect(approve).to_be_in_viewport()  # no scrolling to decide
        approve.click()
        expect(page.get_by_role("status")).to_have_text(f"Row Hub {i:02}: interest approved.")
    elapsed = time.monotonic() - started
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()
    each = elapsed / 20
    print(f"\n20 submissions approved from the queue in {elapsed:.1f} s ({each:.2f} s each)")


def test_every_staff_page_is_accessible_and_photographed(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        made = factories.every_kind_of_hub(s, member)
    again, plan = made["resubmitted"].id, made["strategic_plan"].id
    pages = {
        "login": "/staff/login",
        "dashboard": "/staff",
        "queue": "/staff/queue",
        "queue-plan": "/staff/queue?stage=strategic_plan",
        "queue-filtered-empty": "/staff/queue?q=Nowhere+at+all",
        "hubs": "/staff/hubs",
        "hub-resubmitted": f"/staff/hubs/{again}",
        "hub-plan": f"/staff/hubs/{plan}",
        "hub-paused": f"/staff/hubs/{made['paused'].id}",
        "legislators": "/staff/legislators",
    }
    for viewport in (LAPTOP, PHONE):
        page = context(browser, viewport).new_page()
        page.goto(f"{server}/staff/login")
        if viewport is LAPTOP:
            assert axe_violations(page) == [], "login"
        log_in(page, server, "ann@masscare.org", PASSWORD)
        for name, path in pages.items():
            page.goto(f"{server}{path}")
            screenshot(page, f"staff-{name}")
            if viewport is LAPTOP:
                assert axe_violations(page) == [], name
        page.goto(f"{server}/staff/hubs/{again}")
        for details in page.locator("details").all():
            details.locator("summary").click()
        page.locator("h2", has_text="Timeline").scroll_into_view_if_needed()
        screenshot(page, "staff-hub-timeline-open")
        if viewport is LAPTOP:
            assert axe_violations(page) == [], "timeline with submissions open"
        page.context.close()
