"""Staff work in a real Chromium at laptop size: a note, a corrected contact, twenty Hubs
reassigned in one action, a decline in two steps and its reopening; each page axe-core
clean and photographed (tests/browser/screenshots/staff-work-*)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.enums import Stage, Status
from models.hub import Hub
from models.services import hubs
from models.services.staff import add_staff
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, axe_violations, context, log_in, screenshot
from tests.browser.test_console import PASSWORD, staff


def looked_at(page: Page, name: str) -> None:
    """Photographed and checked at a phone's width, then the laptop's it works at."""
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        screenshot(page, f"staff-work-{name}")
        assert axe_violations(page) == [], (name, size)


def test_a_note_a_correction_twenty_hubs_reassigned_a_decline_and_a_reopen(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    staff(sessions)
    with sessions() as s:
        member = add_staff(s, name="Bea Ruiz", email="bea@masscare.org")
        bea_id = member.id
        hubs.record_interests(
            s, [factories.interest_form(group_name=f"Moving Hub {i:02}") for i in range(20)]
        )
        ann = s.scalar(select(func.min(Hub.id)))
        assert ann is not None
        hub = factories.hub_in(s, Stage.FIRST_ACTION, reviewer=member, group_name="Quincy M4A")
        hub_id = hub.id
        sub = hubs.submit_stage_work(
            s, hub.id, Stage.FIRST_ACTION, factories.first_action(utcnow().date())
        )
        sub_id = sub.id
    page = context(browser, LAPTOP).new_page()
    log_in(page, server, "ann@masscare.org", PASSWORD)

    # A note, from the Hub's page.
    page.goto(f"{server}/staff/hubs/{hub_id}")
    page.get_by_label("What it records").select_option("intro_call")
    page.get_by_label("Note", exact=True).fill("Intro call with Bo: 12 people, a canvass in May.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("status")).to_have_text("Note added to the timeline.")
    expect(page.get_by_text("Ann Lee noted an intro call.")).to_be_visible()
    looked_at(page, "note")

    # A contact's address corrected: a new link goes to the new address.
    page.get_by_text("Correct Bo Diaz").click()
    page.locator("input[type=email][name$='-email']").first.fill("bo.diaz@example.org")
    looked_at(page, "contact-form")
    page.get_by_role("button", name="Save Bo Diaz's details").click()
    expect(page.get_by_role("status")).to_have_text("Bo Diaz's details are corrected.")
    expect(page.get_by_text("bo.diaz@example.org").first).to_be_visible()
    looked_at(page, "contact-corrected")

    # Twenty Hubs to Bea in one action, from the list.
    page.goto(f"{server}/staff/hubs?q=Moving+Hub")
    page.get_by_label("Every Hub on this page (20)").check()
    page.get_by_label("Assign to").select_option(str(bea_id))
    looked_at(page, "assign")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("20 Hubs now with Bea Ruiz")
    with sessions() as s:
        assert (
            s.scalar(
                select(func.count(Hub.id)).where(
                    Hub.name.like("Moving Hub%"), Hub.owner_id == bea_id
                )
            )
            == 20
        )

    # Decline: a second step that says what it does and asks why.
    page.goto(f"{server}/staff/queue?stage=first_action")
    page.get_by_label("Comment for the Hub").fill("Not Medicare for All work.")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("heading", name="Decline Quincy M4A?")).to_be_visible()
    looked_at(page, "decline-confirm")
    page.get_by_role("button", name="Decline Quincy M4A").click()
    expect(page.get_by_role("status")).to_contain_text("declined")
    with sessions() as s:
        assert s.get(Hub, hub_id).status is Status.DECLINED  # type: ignore[union-attr]

    # Reopen, from the Hub's page.
    page.goto(f"{server}/staff/hubs/{hub_id}")
    page.get_by_label("Why reopen it? (required, sent to the Hub)").fill("Bo called back.")
    page.get_by_role("button", name="Reopen the Hub").click()
    expect(page.get_by_role("status")).to_contain_text("is active again")
    looked_at(page, "reopened")
    with sessions() as s:
        assert s.get(Hub, hub_id).status is Status.ACTIVE  # type: ignore[union-attr]
        assert sub_id
