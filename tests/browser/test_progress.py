"""After listing, in a real Chromium (#32): on a phone a listed Hub reports with a claimed
move (an error first, then sent) and revises its plan; on a laptop staff confirm the move,
read the legislator's history and the dashboard's view of the session. Every page axe-core
clean at 390x844 and 1366x768, photographed (tests/browser/screenshots/progress-*)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.enums import Stage, Stance
from models.legislature import Legislator
from plumbing.tokens import hub_token
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, context, log_in, looked_at
from tests.browser.test_console import PASSWORD, staff
from tests.browser.test_newcomers import react


def test_a_report_with_a_claim_a_revision_and_staff_confirming_it(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        hub = factories.hub_in(
            s, Stage.LISTED, reviewer=member, email="bo@example.org", group_name="Quincy M4A"
        )
        hub_id, link = hub.id, f"/hub/{hub_token(hub.id, hub.token_version)}"
    react()

    phone = context(browser, PHONE).new_page()
    phone.goto(f"{server}{link}")
    expect(phone.get_by_role("heading", name="Progress report")).to_be_visible()
    looked_at(phone, "progress-hub")
    phone.locator("#report summary").filter(has_text="Bruce Ayers").click()
    phone.get_by_label("A meeting with the legislator or their staff").check()
    phone.get_by_label("When?").fill((utcnow().date() - timedelta(days=2)).isoformat())
    phone.get_by_label("What did they say or do?").fill("He told us he has signed on.")
    phone.get_by_label("Co-sponsor", exact=True).check()
    phone.get_by_role("button", name="Send the report").click()
    # Forgot how many took part: said at the top and at the field, the rest kept.
    expect(phone.get_by_role("alert")).to_contain_text("how many took part")
    expect(phone.get_by_label("What did they say or do?")).to_have_value(
        "He told us he has signed on."
    )
    looked_at(phone, "progress-report-error")
    phone.get_by_label("How many of your Hub took part?").fill("6")
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_role("status")).to_contain_text("has your report")
    expect(phone.get_by_text("waiting for the team to confirm")).to_be_visible()
    looked_at(phone, "progress-reported")

    phone.get_by_role("link", name="Revise your plan").click()
    expect(phone.get_by_role("heading", name="Revise your plan")).to_be_visible()
    looked_at(phone, "progress-revise")
    phone.locator("select#targets-0-goal").select_option("cohost_event")
    phone.get_by_role("button", name="Send to the GO! Team").click()
    expect(phone.get_by_role("status")).to_contain_text("review your revised plan")
    expect(phone.get_by_text("Your revised plan is with the GO! Team")).to_be_visible()
    looked_at(phone, "progress-revision-sent")
    react()

    laptop = context(browser, LAPTOP).new_page()
    log_in(laptop, server, "ann@masscare.org", PASSWORD)
    laptop.goto(f"{server}/staff/hubs/{hub_id}")
    expect(laptop.get_by_role("heading", name="Move to confirm")).to_be_visible()
    looked_at(laptop, "progress-staff-claim")
    laptop.get_by_label("Your evidence").fill("On the bill's co-sponsor list today.")
    laptop.get_by_role("button", name="Confirm the move").click()
    expect(laptop.get_by_role("status")).to_contain_text("Confirmed: Bruce Ayers")
    react()
    with sessions() as s:
        rep = s.scalars(select(Legislator).where(Legislator.name == "Bruce Ayers")).one()
        assert rep.stance is Stance.COSPONSOR
        rep_id = rep.id
    laptop.goto(f"{server}/staff/legislators/{rep_id}")
    expect(laptop.get_by_text("credited to")).to_be_visible()
    looked_at(laptop, "progress-legislator")
    laptop.goto(f"{server}/staff")
    expect(laptop.get_by_role("heading", name="Legislators moving")).to_be_visible()
    laptop.locator("#progress summary").first.click()
    looked_at(laptop, "progress-dashboard")
    laptop.goto(f"{server}/coverage")
    expect(laptop.get_by_role("heading", name="Legislators moving")).to_be_visible()
    looked_at(laptop, "progress-coverage")
