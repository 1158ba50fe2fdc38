"""The System page in a real Chromium (#34): a failed sweep named, at a phone's and a
laptop's width, axe-core clean (tests/browser/screenshots/system-*)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session, sessionmaker

from plumbing.db import session_factory
from plumbing.job_runs import recorded
from tests.browser.conftest import LAPTOP, PHONE, axe_violations, context, log_in, screenshot
from tests.browser.test_console import PASSWORD, staff


def test_the_system_page_names_what_is_stuck(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    staff(sessions)
    with pytest.raises(RuntimeError), recorded(session_factory(), "sweep"):
        raise RuntimeError("the disk is full")
    with recorded(session_factory(), "dispatch") as said:
        said.text = "12 sent"
    page = context(browser, LAPTOP).new_page()
    log_in(page, server, "ann@masscare.org", PASSWORD)
    page.get_by_role("link", name="System").click()
    expect(page.get_by_text("Something is stuck: see the lines")).to_be_visible()
    expect(page.get_by_text("RuntimeError: the disk is full")).to_be_visible()
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        screenshot(page, "system")
        assert axe_violations(page) == [], size
