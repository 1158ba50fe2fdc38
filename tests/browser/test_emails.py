"""Every email as a person opens it: rendered from its sample context, looked at on a phone
and a laptop (tests/browser/screenshots/email-*), axe-core clean (a main landmark, every
part of it in one), and nothing wider than the phone."""

from __future__ import annotations

from playwright.sync_api import Browser

from models.email import MessageKind
from plumbing.email.render import render
from tests.browser.conftest import LAPTOP, PHONE, axe_violations, context, screenshot
from tests.email_samples import context as sample


def test_every_email_reads_on_a_phone_and_passes_axe(browser: Browser) -> None:
    pages = [context(browser, viewport).new_page() for viewport in (PHONE, LAPTOP)]
    for kind in MessageKind:
        _, html, _ = render(kind, sample(kind))
        for page in pages:
            page.set_content(html)
            screenshot(page, f"email-{kind.value}")
            assert axe_violations(page) == [], (kind, page.viewport_size)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= page.viewport_size["width"], (kind, page.viewport_size, width)  # type: ignore[index]
