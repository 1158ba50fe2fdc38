"""The GO! Team console reads as words: no codes, changes shown, actions that apply (SPEC §6)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.enums import Stage
from models.hub import Hub
from models.services import hubs
from models.staff import StaffMember
from plumbing.tokens import hub_token, unsubscribe_token
from tests import factories
from tests.seeding import many_hubs
from tests.web.conftest import csrf
from tests.web.visible import raw_codes, visible_text


@pytest.fixture
def campaign(session: Session, staff_member: StaffMember) -> dict[str, Hub]:
    return factories.every_kind_of_hub(session, staff_member)


def staff_pages(campaign: dict[str, Hub]) -> list[str]:
    pages = [
        "/staff",
        "/staff/queue",
        "/staff/queue?who=mine",
        "/staff/queue?sort=due",
        "/staff/hubs",
        "/staff/legislators",
        "/staff/legislators?page=2",
        "/staff/legislators?hcf=1",
    ]
    pages += [f"/staff/queue?stage={s.value}" for s in Stage if s.takes_submission()]
    pages += [f"/staff/hubs?status={s}" for s in ("active", "stalled", "paused", "withdrawn")]
    pages += [f"/staff/hubs/{hub.id}" for hub in campaign.values()]
    return pages


def public_pages(campaign: dict[str, Hub]) -> list[str]:
    pages = ["/join", "/hubs", "/coverage", f"/unsubscribe/{unsubscribe_token('bo@example.org')}"]
    return pages + [f"/hub/{hub_token(h.id, h.token_version)}" for h in campaign.values()]


def test_no_page_shows_a_code_a_python_value_or_a_machine_timestamp(
    staff_client: TestClient, campaign: dict[str, Hub]
) -> None:
    seen = {}
    for path in public_pages(campaign) + staff_pages(campaign):
        response = staff_client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        seen[path] = raw_codes(visible_text(response.text))
    assert {path: found for path, found in seen.items() if found} == {}
    # the pages did show the campaign's content, in words
    queue = visible_text(staff_client.get("/staff/queue?stage=strategic_plan").text)
    assert "State Representative" in queue and "Win co-sponsorship" in queue
    assert "Co-host a district event" in queue and "Stephen Lynch" in queue
    dashboard = visible_text(staff_client.get("/staff").text)
    assert (
        "5 reviews waiting 0 reviews past their due date 5 assigned to you "
        "5 Hubs waiting on the GO! Team 1 Hub past its deadline 1 stalled"
    ) in dashboard
    assert "1 of 160 districts with a listed Hub" in dashboard
    assert "First action 2 1 0 1 0 4" in dashboard  # active, stalled, paused, withdrawn, declined
    hub_page = visible_text(staff_client.get(f"/staff/hubs/{campaign['paused'].id}").text)
    assert "Status: Paused" in hub_page and "Ann Lee paused the Hub. summer break" in hub_page
    assert re.search(r"\b[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d\d [AP]M E[SD]T\b", hub_page)


def test_a_resubmission_shows_what_changed_and_the_comment_that_asked_for_it(
    staff_client: TestClient, campaign: dict[str, Hub]
) -> None:
    hub = campaign["resubmitted"]
    for path in (f"/staff/hubs/{hub.id}", f"/staff/queue?q={hub.name}"):
        text = visible_text(staff_client.get(path).text)
        assert "first action report (version 2)" in text
        assert (
            "The GO! Team asked: “Please say how many people came and where you canvassed.”" in text
        )
        assert "What changed since the version before" in text
        assert "People who took part 9 14" in text  # the field, old and new
        assert (
            "What happened Knocked on 200 doors in Quincy Point and signed up 12 new people. "
            "Knocked on 300 doors in Quincy Point and Wollaston; 14 came." in text
        )
        assert "Kind of action Canvass Canvass" not in text  # unchanged fields are not listed
    html = staff_client.get(f"/staff/hubs/{hub.id}").text
    assert "People who took part <mark>changed</mark>" in html
    timeline = visible_text(html)
    assert "The Hub sent the first action report. " in timeline
    assert "Ann Lee asked for changes to the first action report." in timeline
    assert "The Hub sent the first action report (version 2)." in timeline


def test_actions_follow_the_hubs_status(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)

    def offered() -> set[str]:
        html = staff_client.get(f"/staff/hubs/{hub.id}").text
        labels = ("Pause the Hub", "Resume the Hub", "Record that the Hub withdrew")
        return {label for label in labels if f">{label}</button>" in html}

    assert offered() == {"Pause the Hub", "Record that the Hub withdrew"}
    assert "Why move it back? (required)" in staff_client.get(f"/staff/hubs/{hub.id}").text
    token = csrf(staff_client, f"/staff/hubs/{hub.id}")
    staff_client.post(f"/staff/hubs/{hub.id}/pause", data={"csrf_token": token, "reason": "x"})
    assert offered() == {"Resume the Hub", "Record that the Hub withdrew"}
    staff_client.post(f"/staff/hubs/{hub.id}/withdraw", data={"csrf_token": token})
    assert offered() == set()
    assert "Change the Hub's status" not in staff_client.get(f"/staff/hubs/{hub.id}").text
    fresh = factories.hub_in(session, Stage.INTEREST, reviewer=staff_member)
    assert "Move back a stage" not in staff_client.get(f"/staff/hubs/{fresh.id}").text


def test_staff_pages_stay_small_with_200_hubs(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hubs.record_interests(
        session, [factories.interest_form(group_name=f"Size Hub {i:03}") for i in range(200)]
    )
    busy = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=staff_member)
    sizes = {
        path: len(staff_client.get(path).content)
        for path in ("/staff", "/staff/queue", "/staff/hubs", f"/staff/hubs/{busy.id}")
    }
    assert all(size < 100 * 1024 for size in sizes.values()), sizes
    legislators = staff_client.get("/staff/legislators")
    assert len(legislators.content) < 60 * 1024
    assert "1 to 40 of 209" in legislators.text and "Page 1 of 6" in legislators.text


def test_legislators_are_filtered_by_chamber_stance_committee_and_name(
    staff_client: TestClient,
) -> None:
    senate = visible_text(staff_client.get("/staff/legislators?chamber=senate").text)
    assert "40 legislators" in senate and "House:" not in senate
    hcf = visible_text(staff_client.get("/staff/legislators?hcf=1").text)
    assert "20 legislators" in hcf and "Chair" in hcf
    found = visible_text(staff_client.get("/staff/legislators?q=lawn").text)
    assert "1 legislator " in found and "John Lawn" in found
    none = visible_text(staff_client.get("/staff/legislators?stance=champion").text)
    assert "No legislators match these filters." in none


def test_legislators_sort_districts_as_numbers_and_name_the_hubs_working_on_them(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    bristol = visible_text(staff_client.get("/staff/legislators?chamber=house&q=Bristol").text)
    order = re.findall(r"House: (\d+)(?:st|nd|rd|th) Bristol", bristol)
    assert order == sorted(order, key=int) and order[:2] == ["1", "2"] and "10" in order
    # The 1st Norfolk's Hubs work on its State Rep: one in its plan, one as the new Hub.
    factories.hub_in(session, Stage.LISTED, reviewer=staff_member, group_name="Quincy M4A")
    factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member, group_name="New M4A")
    norfolk = visible_text(staff_client.get("/staff/legislators?q=1st+Norfolk").text)
    assert "New M4A (its district's Hub) Quincy M4A (in its plan)" in norfolk
    others = visible_text(staff_client.get("/staff/legislators?q=2nd+Bristol").text)
    assert "No Hub yet" in others
    # A district of many Hubs: three by name, the rest counted.
    many_hubs(session, 160 * 4, listed_share=1.0)
    crowded = visible_text(staff_client.get("/staff/legislators?q=2nd+Bristol").text)
    assert crowded.count("(its district's Hub)") == 3 and "and 1 more" in crowded


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_form_control_borders_reach_three_to_one_on_every_background() -> None:
    from pathlib import Path

    import hubflow.web

    css = (Path(hubflow.web.__file__).parent / "templates" / "base.html").read_text()
    line = re.search(r"--line: (#[0-9a-f]{6})", css)
    assert line and "border: 1px solid var(--line)" in css
    for background in ("#ffffff", "#f7f5ef", "#eef4f6"):  # card, page, decision panel
        lighter, darker = sorted((_luminance(line.group(1)), _luminance(background)))
        assert (darker + 0.05) / (lighter + 0.05) >= 3, background
