"""Every checkbox and radio button is at least 24 by 24 px (WCAG 2.2, target size), on a
phone and a laptop: the join form, a Hub's forms, the staff's filters and lists."""

from __future__ import annotations

from playwright.sync_api import Browser
from sqlalchemy.orm import Session, sessionmaker

from models.enums import Stage
from plumbing.tokens import hub_token
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, context, log_in
from tests.browser.test_console import PASSWORD, staff


def test_every_checkbox_and_radio_is_a_24_px_target(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = staff(sessions)
    with sessions() as s:
        hub = factories.hub_in(s, Stage.FIRST_ACTION, reviewer=member)
        own = f"/hub/{hub_token(hub.id, hub.token_version)}"
    for viewport in (PHONE, LAPTOP):
        page = context(browser, viewport).new_page()
        log_in(page, server, "ann@masscare.org", PASSWORD)
        small = []
        for path in ("/join", own, "/staff/legislators", "/staff/hubs", "/coverage"):
            page.goto(f"{server}{path}")
            sizes = page.eval_on_selector_all(
                "input[type=checkbox], input[type=radio]",
                "els => els.map(e => [e.id || e.name, e.getBoundingClientRect().width,"
                " e.getBoundingClientRect().height])",
            )
            small += [(path, *s) for s in sizes if s[1] < 24 or s[2] < 24]
        assert small == [], (viewport, small)
        page.context.close()
