"""Long pages folded for a phone (390x844, and 360 wide): the plan form with its optional
legislators closed, the directory and coverage with 400 listed Hubs; every tap target at
least 24 px (axe-core's target-size) and every page photographed
(tests/browser/screenshots/height-*). A staff table never breaks a word in two."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.enums import Stage
from models.services import hubs
from plumbing.tokens import hub_token
from tests import factories
from tests.browser.conftest import (
    LAPTOP,
    NARROW,
    PHONE,
    SCREENSHOTS,
    axe_violations,
    context,
    log_in,
    no_sideways_scroll,
    screenshot,
)
from tests.browser.test_console import PASSWORD, staff
from tests.seeding import many_hubs

TALLEST = {"plan": 3000, "neighbourhood": 5000, "directory": 5000, "coverage": 5000}


def height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def test_long_pages_fold_on_a_phone(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        # Three legislators and the two U.S. Senators; and 1st Norfolk's eight.
        few = factories.hub_in(
            s,
            Stage.STRATEGIC_PLAN,
            reviewer=member,
            group_name="Pittsfield M4A",
            towns="Pittsfield",
            district="3rd Berkshire",
        )
        plan = factories.hub_in(s, Stage.STRATEGIC_PLAN, reviewer=member)
        links = {
            "plan": f"/hub/{hub_token(few.id, few.token_version)}",
            "plan-eight": f"/hub/{hub_token(plan.id, plan.token_version)}",
        }
    path = links["plan-eight"]
    for name, viewports in (("plan", (PHONE, NARROW)), ("plan-eight", (PHONE,))):
        for viewport in viewports:
            page = context(browser, viewport).new_page()
            page.goto(f"{server}{links[name]}")
            screenshot(page, f"height-{name}")
            assert height(page) < TALLEST["plan"], (name, viewport, height(page))
            assert axe_violations(page) == []
    with sessions() as s:
        many_hubs(s, 400)
    pages = {
        "neighbourhood": path,  # the plan among 400 Hubs near it: their lists folded
        "directory": "/hubs",
        "coverage": "/coverage",
        "coverage-senate": "/coverage?view=senate",
        "coverage-congress": "/coverage?view=congress",
    }
    for viewport in (PHONE, NARROW, LAPTOP):
        page = context(browser, viewport).new_page()
        for name, path in pages.items():
            page.goto(f"{server}{path}")
            screenshot(page, f"height-{name}")
            no_sideways_scroll(page)
            if viewport is not LAPTOP:
                tallest = TALLEST[name.split("-")[0]]
                assert height(page) < tallest, (name, viewport, height(page))
            if viewport is not NARROW:
                assert axe_violations(page) == [], (name, viewport)
    # The directory's two search fields side by side on a laptop, level with each other.
    page = context(browser, LAPTOP).new_page()
    page.goto(f"{server}/hubs")
    town, district = (page.locator(f"#{name}").bounding_box() for name in ("town", "district"))
    assert town and district and town["y"] == district["y"] and town["x"] < district["x"]
    labels = [page.locator(f"label[for={name}]").bounding_box() for name in ("town", "district")]
    assert labels[0] and labels[1] and labels[0]["y"] == labels[1]["y"]
    # Opened, a section shows its districts, and the page is still whole.
    page = context(browser, PHONE).new_page()
    page.goto(f"{server}/coverage")
    page.locator("#area-1 > summary").click()
    assert page.locator("#area-1 table").is_visible()
    screenshot(page, "height-coverage-opened")
    assert axe_violations(page) == []


def words_broken(page: Page, selector: str) -> list[str]:
    """The words of the cells under `selector` that a line break splits in two."""
    return list(
        page.evaluate(
            """(selector) => {
                const broken = [];
                for (const cell of document.querySelectorAll(selector)) {
                    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                        for (const m of node.textContent.matchAll(/[^\\s-]+/g)) {
                            const range = document.createRange();
                            range.setStart(node, m.index);
                            range.setEnd(node, m.index + m[0].length);
                            const lines = new Set([...range.getClientRects()].map(r => r.top));
                            if (lines.size > 1) broken.push(m[0]);
                        }
                    }
                }
                return broken;
            }""",
            selector,
        )
    )


def test_the_staff_plan_table_keeps_every_word_whole_on_a_laptop(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    today = utcnow().date()
    long = "Monthly constituent meetings in the district office, " * 6  # a real plan's length
    with sessions() as s:
        hub = factories.hub_in(s, Stage.STRATEGIC_PLAN, reviewer=member)
        plan = factories.strategic_plan(
            today,
            factories.plan_target(today, tactics=long),
            factories.plan_target(
                today,
                role="member_of_congress",
                legislator="Stephen F. Lynch",
                goal="public_statement",
                tactics=long,
            ),
        )
        hubs.submit_stage_work(s, hub.id, Stage.STRATEGIC_PLAN, plan)
    page = context(browser, LAPTOP).new_page()
    log_in(page, server, member.email, PASSWORD)
    page.goto(f"{server}/staff/hubs/{hub.id}")
    page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
    assert page.locator("table.stack td").count() > 0
    assert words_broken(page, "table.stack th, table.stack td") == []
    screenshot(page, "height-staff-plan")
    table = page.locator("table.stack", has_text="Tactics").first
    table.screenshot(path=str(SCREENSHOTS / "height-staff-plan-table-1366x768.png"))
