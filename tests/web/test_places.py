"""Pages about places: `/coverage` by county, Senate and congressional district, the
directory searched by town, Hubs near you, and the plan's delegation (SPEC §1, §5)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.enums import Stage
from models.services import hubs
from models.staff import StaffMember
from plumbing.tokens import hub_token
from tests import factories
from tests.web.test_public import listed
from tests.web.visible import visible_text


def test_coverage_groups_districts_by_county_in_natural_order_with_a_bar_each(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(session, staff_member, "Dorchester M4A", consent=True, district="13th Suffolk")
    hubs.submit_interest(session, factories.interest_form(district="2nd Bristol"))
    page = client.get("/coverage")
    assert page.status_code == 200
    text = visible_text(page.text)
    bristol = text.split("Bristol 1 of 14 with a Hub (0 listed)")[1]
    order = [bristol.index(f"{n} Bristol") for n in ("1st", "2nd", "3rd", "9th", "10th", "14th")]
    assert order == sorted(order)  # 1st, 2nd, … 10th, not 10th after 1st
    # Named, with one link to the district's listed Hubs in the directory.
    assert 'Dorchester M4A · <a href="/hubs?district=13th%20Suffolk">see it</a>' in page.text
    assert page.text.count('class="bar"') == 1 + 12  # the whole, and each county's
    # Each county a closed section: the page is as long as the list of counties.
    assert (
        page.text.count('<details class="area"') == 12
        and '<details class="area" id="area-1" open' not in page.text
    )
    assert 'aria-label="1 of 14 districts with a Hub: 0 listed, 1 in progress"' in page.text


def test_coverage_without_a_hub_and_the_senate_view(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(session, staff_member, "Dorchester M4A", consent=True, district="13th Suffolk")
    only = client.get("/coverage?without=1").text
    assert "Dorchester M4A" not in only and ">13th Suffolk<" not in only
    assert "<td>12th Suffolk" in only and 'id="without" checked' in only
    senate = visible_text(client.get("/coverage?view=senate").text)
    assert "First Suffolk 1 of 8 with a Hub (1 listed) Senator Nick Collins" in senate
    # Natural order, grouped by county: First, Second, Third Bristol and Plymouth.
    assert senate.index("First Bristol and Plymouth") < senate.index("Second Bristol and Plymouth")
    congress = visible_text(client.get("/coverage?view=congress").text)
    assert (
        "7th Congressional District 1 of 24 with a Hub (1 listed) Represented by Ayanna Pressley"
        in congress
    )


def test_the_directory_finds_hubs_by_the_districts_a_town_lies_in(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(
        session,
        staff_member,
        "Dorchester M4A",
        consent=True,
        district="13th Suffolk",
        town="Dorchester",
    )
    listed(session, staff_member, "Quincy M4A", consent=True)
    boston = client.get("/hubs?town=Boston")
    assert "Dorchester M4A" in boston.text and "Quincy M4A" not in boston.text
    assert 'href="tel:6175550199">617 555 0199</a>' in boston.text
    assert [h["name"] for h in client.get("/hubs.json?town=boston").json()["hubs"]] == [
        "Dorchester M4A"
    ]
    # A place that is not a town still matches the Hubs' own towns.
    assert "Dorchester M4A" in client.get("/hubs?town=dorch").text


def test_the_hub_page_shows_hubs_near_it_and_the_plan_its_delegation(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(
        session, Stage.STRATEGIC_PLAN, reviewer=staff_member, district="7th Plymouth"
    )
    factories.hub_in(
        session,
        Stage.LISTED,
        reviewer=staff_member,
        group_name="Rockland M4A",
        district="5th Plymouth",
    )
    # A neighbour whose interest no one has reviewed yet: not named, not contactable.
    hubs.submit_interest(
        session, factories.interest_form(group_name="Unseen Hanover", district="5th Plymouth")
    )
    page = client.get(f"/hub/{hub_token(hub.id, hub.token_version)}").text
    text = visible_text(page).replace(" ,", ",").replace(" :", ":")
    legends = [
        "Your State Representative (required)",
        "Your other legislators (optional)",
        "Mike Brady, your State Senator",
        "For the Second Plymouth and Norfolk Senate district.",
        "John Keenan, also your State Senator (part of your district)",
        "For the Norfolk and Plymouth Senate district.",
        "Stephen F. Lynch, your U.S. Representative",
        "For the 8th Congressional",
        "Edward J. Markey, your U.S. Senator",
        "Elizabeth Warren, your U.S. Senator",
    ]
    missing = [words for words in legends if words not in text]
    assert not missing, (
        missing,
        text[text.find("Your State Rep") : text.find("Your State Rep") + 3000],
    )
    where = [text.index(words) for words in legends]
    assert where == sorted(where)
    assert "Hubs near you" in text
    assert "Rockland M4A (5th Plymouth), also in the" in text
    assert "Unseen Hanover" not in text


def test_a_district_with_many_hubs_names_a_few_and_counts_the_rest(
    client: TestClient, session: Session
) -> None:
    from tests.seeding import many_hubs

    many_hubs(session, 160 * 5, listed_share=1.0)  # five listed Hubs in every district
    page = client.get("/coverage")
    text = visible_text(page.text).replace(" ,", ",")
    cells = re.findall(r"(?:Seeded Hub \d{5}, ){2}Seeded Hub \d{5} and 2 more · see all 5", text)
    assert len(cells) == 160  # each district: three by name, the other two counted
    assert '<a href="/hubs?district=1st%20Barnstable">see all 5</a>' in page.text
    assert text.count("Seeded Hub") == 160 * 3
    assert len(page.content) < 150 * 1024


def test_the_directory_json_comes_a_page_at_a_time(client: TestClient, session: Session) -> None:
    from tests.seeding import many_hubs

    many_hubs(session, 450, listed_share=1.0)
    first = client.get("/hubs.json").json()
    assert (len(first["hubs"]), first["total"], first["page"], first["pages"]) == (200, 450, 1, 3)
    assert first["next"] == "/hubs.json?page=2"
    last = client.get("/hubs.json?page=3").json()
    assert len(last["hubs"]) == 50 and last["next"] is None
    names = {
        h["name"]
        for page in (1, 2, 3)
        for h in client.get(f"/hubs.json?page={page}").json()["hubs"]
    }
    assert len(names) == 450  # every Hub once, none twice across the pages
