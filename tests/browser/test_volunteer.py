"""A volunteer on a phone, in a real Chromium: the plan keeps everything typed through an
error; no page scrolls sideways; every page passes axe-core; screenshots to look at."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hubflow.web.hub_content import plan_rows
from models.base import utcnow
from models.email import Topic
from models.enums import Stage, TargetRole
from models.hub import Hub
from models.plan import PlanTarget
from models.services import hubs
from models.services.staff import add_staff
from models.staff import StaffMember
from plumbing.tokens import hub_token, unsubscribe_token
from tests import factories
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    context,
    look_at,
    no_sideways_scroll,
    screenshot,
)


def reviewer(sessions: sessionmaker[Session]) -> StaffMember:
    with sessions() as s:
        return add_staff(s, name="Ann Lee", email="ann@masscare.org")


def test_the_plan_keeps_every_value_through_an_error_and_stores_the_rows_filled_in(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = reviewer(sessions)
    with sessions() as s:
        hub = factories.hub_in(s, Stage.STRATEGIC_PLAN, reviewer=member)
        offered = [r["name"] for r in plan_rows(s, s.get(Hub, hub.id))]  # type: ignore[arg-type]
    # Offered with their names: 1st Norfolk's Senators (John Keenan's district holds most
    # of it), its U.S. Representatives, both U.S. Senators.
    assert offered[1] == "John Keenan" and "Stephen F. Lynch" in offered
    lynch = offered.index("Stephen F. Lynch")
    page = context(browser, PHONE).new_page()
    page.goto(f"{server}/hub/{hub_token(hub.id, hub.token_version)}")
    target = (utcnow().date() + timedelta(days=120)).isoformat()
    rows = {
        0: ("not_cosponsor", "win_cosponsorship", "Monthly constituent meetings."),
        1: ("cosponsor", "win_cosponsorship", "A town hall with the Quincy Hubs."),  # no fit
        lynch: ("not_cosponsor", "public_statement", "A delegation to his district office."),
    }
    # The optional legislators are closed sections: the form is short until one is opened.
    expect(page.locator("#targets-1 > summary")).to_have_text("John Keenan, your State Senator")
    expect(page.locator("#targets-1-goal")).to_be_hidden()
    for i in rows:
        if i:
            page.locator(f"#targets-{i} > summary").click()
    for i, (stance, goal, tactics) in rows.items():
        page.locator(f"#targets-{i}-stance").select_option(stance)
        page.locator(f"#targets-{i}-goal").select_option(goal)
        page.locator(f"#targets-{i}-tactics").fill(tactics)
        page.locator(f"#targets-{i}-target_date").fill(target)
    screenshot(page, "hub-plan-filled")
    page.get_by_role("button", name="Send to the GO! Team").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem with the form")
    expect(summary).to_be_focused()
    expect(page.locator(".error")).to_have_count(1)
    expect(page.locator("#targets-1-goal-error")).to_contain_text("does not fit")
    screenshot(page, "hub-plan-error")
    expect(page.locator(f"#targets-{lynch}")).to_contain_text("Stephen F. Lynch")
    for i, (stance, goal, tactics) in rows.items():
        expect(page.locator(f"#targets-{i}-stance")).to_have_value(stance)
        expect(page.locator(f"#targets-{i}-goal")).to_have_value(goal)
        expect(page.locator(f"#targets-{i}-tactics")).to_have_value(tactics)
        expect(page.locator(f"#targets-{i}-target_date")).to_have_value(target)
    assert axe_violations(page) == []

    page.locator("#targets-1-goal").select_option("join_caucus")
    page.get_by_role("button", name="Send to the GO! Team").click()
    expect(page.get_by_role("status")).to_contain_text("Sent!")
    expect(page.get_by_text("What you sent", exact=True)).to_be_visible()
    with sessions() as s:
        stored = s.scalars(select(PlanTarget).where(PlanTarget.hub_id == hub.id)).all()
        assert {(t.role, t.legislator_name, t.goal.value) for t in stored} == {
            (TargetRole.STATE_REP, "Bruce Ayers", "win_cosponsorship"),
            (TargetRole.STATE_SENATOR, "John Keenan", "join_caucus"),
            (TargetRole.MEMBER_OF_CONGRESS, "Stephen F. Lynch", "public_statement"),
        }


def test_every_volunteer_page_fits_a_phone_and_passes_axe(
    server: str, browser: Browser, sessions: sessionmaker[Session]
) -> None:
    member = reviewer(sessions)
    with sessions() as s:  # every stage and status, and one Hub per stage with its form open
        made = factories.every_kind_of_hub(s, member)
        for stage in (Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN):
            made[f"{stage.value}-form"] = factories.hub_in(
                s, stage, reviewer=member, group_name=f"Open {stage.label} Hub"
            )
        # A neighbour: another House district of the Norfolk and Plymouth Senate district.
        hubs.submit_interest(
            s, factories.interest_form(group_name="Braintree Neighbours", district="3rd Norfolk")
        )
        link = {name: f"/hub/{hub_token(h.id, h.token_version)}" for name, h in made.items()}
    pages = {
        "join": "/join",
        "directory": "/hubs",
        "coverage": "/coverage",
        "coverage-senate": "/coverage?view=senate",
        "coverage-congress-without": "/coverage?view=congress&without=1",
        "directory-boston": "/hubs?town=Boston",
        "fresh-link": "/hub/link",
        "fresh-link-sent": "/hub/link/sent",
        "unsubscribe": f"/unsubscribe/{unsubscribe_token('bo@example.org')}",
        "unsubscribe-reminders": "/unsubscribe/"
        + unsubscribe_token("rem@example.org", topic=Topic.REMINDERS),
        "expired-link": "/hub/not-a-valid-token",
        **{f"hub-{name}": url for name, url in link.items()},
    }
    phone, _ = look_at(browser, server, pages)

    # A reminder's link: stop reminders in one press; then the page says so, and the rest
    # of the choices; then everything.
    phone.goto(f"{server}{pages['unsubscribe-reminders']}")
    phone.get_by_role("button", name="Stop reminders and nudges").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose the emails you get")
    expect(phone.get_by_label("Reminders and nudges", exact=False)).not_to_be_checked()
    screenshot(phone, "unsubscribe-reminders-stopped")
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Unsubscribe from everything").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    screenshot(phone, "unsubscribe-everything")
    assert axe_violations(phone) == []

    # hints are tied to their fields, and the focus can be seen
    phone.goto(f"{server}/join")
    expect(phone.locator("#group_name")).to_have_attribute("aria-describedby", "group_name-hint")
    phone.keyboard.press("Tab")  # the skip link
    phone.keyboard.press("Tab")
    outline = phone.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline

    # the join form: sent with errors, then sent right; the confirmation page
    phone.goto(f"{server}/join")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".error-summary")).to_be_focused()
    screenshot(phone, "join-errors")
    assert axe_violations(phone) == [], "join with errors"
    no_sideways_scroll(phone)
    radios = phone.locator("#kind .option")
    first, second = radios.nth(0).bounding_box(), radios.nth(1).bounding_box()
    assert first and second and second["y"] >= first["y"] + first["height"]  # stacked
    phone.get_by_label("Group name").fill("Phone Hub of Salem")
    phone.get_by_label("Formed for single-payer advocacy").check()
    phone.get_by_label("Your town or city").fill("Salem")  # wholly in the 7th Essex
    phone.get_by_label("Your name").fill("Rosa Lima")
    phone.get_by_label("Your email").fill("rosa@example.org")
    phone.get_by_label("Your phone").fill("978-555-0101")
    phone.get_by_label("The GO! Team may contact me about this Hub").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you! We have your interest form."
    )
    screenshot(phone, "join-thanks")
    assert axe_violations(phone) == [], "confirmation"
    no_sideways_scroll(phone)

    # each stage's form sent with an error, as a volunteer on a phone sees it
    for stage in (Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN):
        phone.goto(f"{server}{link[f'{stage.value}-form']}")
        phone.get_by_role("button", name="Send to the GO! Team").click()
        expect(phone.locator(".error-summary")).to_be_focused()
        screenshot(phone, f"hub-{stage.value}-errors")
        assert axe_violations(phone) == [], f"{stage.value} with errors"
        no_sideways_scroll(phone)
