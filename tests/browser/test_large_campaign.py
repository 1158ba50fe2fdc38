"""A large campaign's pages (#35): a Hub's neighbours and a legislator's Hubs name the first
few and count the rest; photographed at 390x844 and 1366x768, axe-core clean
(tests/browser/screenshots/large-*)."""

from __future__ import annotations

from playwright.sync_api import Browser
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.enums import Stage
from models.legislature import Legislator
from models.services import hubs
from plumbing.tokens import hub_token
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, context, log_in, looked_at
from tests.browser.test_console import PASSWORD, staff
from tests.integration.test_coverage import NOW, plan_for
from tests.web.visible import visible_text

MANY = 55  # more than a legislator's page names (50)


def test_many_hubs_on_one_senator_are_named_a_few_and_counted(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        made = []
        for n in range(MANY):
            hub = factories.hub_in(
                s, Stage.STRATEGIC_PLAN, reviewer=member, now=NOW, group_name=f"Keenan Hub {n:02}"
            )
            plan = plan_for("Sen. John Keenan", "Stephen F. Lynch")
            hubs.submit_stage_work(s, hub.id, Stage.STRATEGIC_PLAN, plan, now=NOW)
            made.append((hub.id, hub.token_version))
        keenan = s.scalars(select(Legislator.id).where(Legislator.name == "John Keenan")).one()
    page = context(browser, PHONE).new_page()
    page.goto(f"{server}/hub/{hub_token(*made[0])}")
    text = visible_text(page.content())
    # Ten Hubs named, each on both legislators (five, then fifteen more); 44 others counted.
    assert "Show 15 more" in text and "And 44 other Hubs." in text, text[-1500:]
    looked_at(page, "large-hub-neighbours")
    page = context(browser, LAPTOP).new_page()
    log_in(page, server, member.email, PASSWORD)
    page.goto(f"{server}/staff/legislators/{keenan}")
    text = visible_text(page.content())
    assert "And 5 more: 55 Hubs in all." in text
    looked_at(page, "large-legislator")
    page.goto(f"{server}/staff/legislators?q=Keenan")
    assert "Keenan Hub" in visible_text(page.content())
    looked_at(page, "large-legislators")
