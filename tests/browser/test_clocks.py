"""Whose move it is, and time, as staff and the public see them in Chromium: the dashboard,
the Hubs list, a Hub waiting on staff and the public directory, on a laptop and a phone,
axe-core clean, photographed under tests/browser/screenshots/."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser
from sqlalchemy.orm import Session, sessionmaker

from models.enums import Stage
from models.services import hubs
from tests import factories
from tests.browser.conftest import (
    LAPTOP,
    NARROW,
    PHONE,
    axe_violations,
    context,
    log_in,
    no_sideways_scroll,
    screenshot,
)
from tests.browser.test_console import PASSWORD, staff
from tests.integration.test_figures import History, build
from tests.web.test_clocks import noon_days_ago


def test_whose_move_and_time_read_well_on_a_laptop_and_a_phone(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        build(History(s))
        start = noon_days_ago(77)
        waiting = factories.hub_in(
            s, Stage.FIRST_ACTION, reviewer=member, now=start, group_name="Patient M4A"
        )
        waiting_id = waiting.id
        handed_in = start + timedelta(days=57)
        hubs.submit_stage_work(
            s,
            waiting.id,
            Stage.FIRST_ACTION,
            factories.first_action(handed_in.date()),
            now=handed_in,
        )
        for n in range(3):
            factories.hub_in(
                s,
                Stage.LISTED,
                reviewer=member,
                group_name=f"Listed Neighbours {n}",
                district="7th Plymouth",
                phone="(617) 555-0123",
            )
    staff_pages = {
        "clocks-dashboard": "/staff",
        "clocks-hubs-waiting": "/staff/hubs?whose=team&sort=waiting",
        "clocks-hub-waiting": f"/staff/hubs/{waiting_id}",
    }
    for viewport in (LAPTOP, PHONE, NARROW):
        page = context(browser, viewport).new_page()
        log_in(page, server, "ann@masscare.org", PASSWORD)
        for name, path in {**staff_pages, "clocks-directory": "/hubs"}.items():
            page.goto(f"{server}{path}")
            if viewport is NARROW:
                no_sideways_scroll(page)
                continue
            screenshot(page, name)
            assert axe_violations(page) == [], (name, viewport)
        page.context.close()
