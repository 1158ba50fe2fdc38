"""The page a forgotten person reaches from the confirm-address email: looked at on a phone
and a laptop (tests/browser/screenshots/confirm-*), axe-core clean, and its button works."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session, sessionmaker

from models.enums import Stage
from models.services import hubs
from models.services.common import Actor
from models.services.privacy import forget
from plumbing.email.outbox import is_forgotten
from plumbing.settings import get_settings
from plumbing.tokens import confirm_url
from tests import factories
from tests.browser.conftest import axe_violations, look_at, screenshot

ADDRESS = "returning@example.org"


def test_the_confirm_page_reads_well_and_brings_the_address_back(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        ann = factories.staff(s)
        factories.hub_in(s, Stage.FIRST_ACTION, reviewer=ann, email=ADDRESS)
        forget(s, ADDRESS, actor=Actor.staff(ann), key=get_settings().key())
        again = hubs.submit_interest(
            s, factories.interest_form(email=ADDRESS, group_name="Second Try M4A")
        )
        path = urlsplit(confirm_url(ADDRESS, again.id)).path

    phone, laptop = look_at(browser, server, {"confirm": path})
    for page in (phone, laptop):
        expect(page.get_by_role("heading", name="Confirm your address")).to_be_visible()
        expect(page.get_by_role("button", name=f"Yes, email me at {ADDRESS}")).to_be_visible()
    with sessions() as s:
        assert is_forgotten(s, ADDRESS)  # opening the page changed nothing

    phone.get_by_role("button", name=f"Yes, email me at {ADDRESS}").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(phone.get_by_text(f"We will email {ADDRESS} again")).to_be_visible()
    screenshot(phone, "confirm-thanks")
    assert axe_violations(phone) == []
    with sessions() as s:
        assert not is_forgotten(s, ADDRESS)
