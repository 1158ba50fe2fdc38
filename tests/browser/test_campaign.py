"""Another state's campaign in the browser (tests/fixtures/vermont): the join form lists
the districts, a two-seat district's plan offers both Representatives, coverage shows
seats and vacancies; axe-core clean and no sideways scroll, with screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy.orm import sessionmaker

from models.enums import Stage
from models.services.staff import add_staff, set_password_hash
from plumbing.db import get_engine, reset_engines
from plumbing.passwords import hash_password
from plumbing.settings import get_settings
from plumbing.tokens import hub_token
from tests import factories
from tests.browser.conftest import (
    axe_violations,
    log_in,
    look_at,
    screenshot,
    serving,
)
from tests.integration.test_cli import hubflow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vermont"
PASSWORD = "correct horse battery"


@pytest.fixture
def vermont(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A Vermont database, set up as an operator would, and the web app serving it."""
    url = f"sqlite:///{tmp_path / 'vt.db'}"
    campaign = str(FIXTURE / "campaign.toml")
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", url)
    monkeypatch.setenv("HUBFLOW_CAMPAIGN_FILE", campaign)
    get_settings.cache_clear()
    reset_engines()
    assert hubflow("init", "--state", "VT")[0] == 0
    assert hubflow("districts", "import", str(FIXTURE / "data" / "vt"))[0] == 0
    sessions = sessionmaker(get_engine(), expire_on_commit=False)
    with sessions() as s:
        member = add_staff(s, name="Gil Oak", email="gil@gmcnow.example.org")
        set_password_hash(s, member.email, hash_password(PASSWORD))
        plan = factories.hub_in(
            s,
            Stage.STRATEGIC_PLAN,
            reviewer=member,
            group_name="Burlington for Care",
            district="Chittenden-18",
            towns=["Burlington"],
        )
        factories.hub_in(
            s, Stage.LISTED, reviewer=member, group_name="Addison Hub", district="Addison-1"
        )
        link = f"/hub/{hub_token(plan.id, plan.token_version)}"
    with serving(url, tmp_path, HUBFLOW_CAMPAIGN_FILE=campaign) as base:
        yield base, link
    get_engine().dispose()


def test_a_vermont_campaigns_pages_fit_a_phone_and_pass_axe(
    vermont: tuple[str, str], browser: Browser
) -> None:
    base, link = vermont
    pages = {
        "vt-join": "/join",
        "vt-coverage": "/coverage",
        "vt-directory": "/hubs",
        "vt-hub-plan": link,
    }
    phone, laptop = look_at(browser, base, pages)

    phone.goto(f"{base}/join")
    assert phone.title() == "Start a Hub · Green Mountain Care Now"
    options = phone.locator("#district option").all_inner_texts()
    assert len(options) == 110 and options[1:4] == ["Addison-1", "Addison-2", "Addison-3"]
    phone.get_by_label("Group name").fill("Winooski Care Circle")
    phone.get_by_role("button", name="Send").click()
    assert (
        phone.locator("#district-error")
        .inner_text()
        .endswith("Choose your district from the list.")
    )
    assert phone.get_by_label("Group name").input_value() == "Winooski Care Circle"
    screenshot(phone, "vt-join-errors")
    assert axe_violations(phone) == []

    phone.goto(f"{base}{link}")
    legends = phone.locator("fieldset legend").all_inner_texts()
    assert legends[:2] == [
        "Your State Representative: Ben Maple (required)",
        "Your State Representative: Cora Spruce (required)",
    ]
    phone.goto(f"{base}/coverage")
    text = phone.locator("main").inner_text()
    assert "Ada Birch, 1 vacant seat (2 seats)" in text
    assert "Ben Maple, Cora Spruce (2 seats)" in text

    laptop.goto(f"{base}/staff/login")
    log_in(laptop, base, "gil@gmcnow.example.org", PASSWORD)
    for name, path in {
        "vt-legislators": "/staff/legislators?hcf=1",
        "vt-dashboard": "/staff",
    }.items():
        laptop.goto(f"{base}{path}")
        screenshot(laptop, name)
        assert axe_violations(laptop) == [], name
    assert "Health Care" in laptop.goto(f"{base}/staff/legislators?hcf=1").text()  # type: ignore[union-attr]
