"""Coverage by geography, the delegation a plan starts from, neighbours without plans, and
`hubflow districts lookup` (SPEC §1, §5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models.enums import Stage
from models.hub import Hub
from models.services import hubs
from models.services.areas import Area, by_area
from models.services.coverage import coverage
from models.services.delegation import delegation, nearby_hubs
from plumbing.geography import PRECINCTS, geography
from tests import factories
from tests.integration.test_cli import hubflow

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_coverage_by_senate_has_40_rows_whose_house_districts_add_up(session: Session) -> None:
    ann = factories.staff(session)
    factories.hub_in(session, Stage.LISTED, reviewer=ann, now=NOW, district="13th Suffolk")
    code, out = hubflow("coverage", "--by", "senate", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert len(rows) == 40
    geo = geography()
    for row in rows:
        inside = geo.house_in_senate(row["area"])
        assert row["house_districts"] == len(inside) == len(row["districts"])
        assert row["listed"] + row["in_progress"] + row["without_a_hub"] == len(inside)
    # A House district in two Senate districts counts in each.
    assert sum(r["house_districts"] for r in rows) == sum(
        len(geo.senate_of_house(h)) for h in geo.house_districts
    )
    [first_suffolk] = [r for r in rows if r["area"] == "First Suffolk"]
    assert first_suffolk["members"] == ["Nick Collins"]
    assert first_suffolk["listed"] == 1 and first_suffolk["in_progress"] == 0
    [row] = [d for d in first_suffolk["districts"] if d["district"] == "13th Suffolk"]
    assert row["status"] == "listed" and len(row["hubs"]) == 1
    others = [r for r in rows if r["area"] != "First Suffolk" and r["listed"]]
    assert all(
        "13th Suffolk" in {d["district"] for d in r["districts"]} for r in others
    )  # only where 13th Suffolk has precincts


def test_coverage_by_congress_and_county(session: Session) -> None:
    hubs.submit_interest(session, factories.interest_form(district="7th Plymouth"), now=NOW)
    cover = coverage(session)
    congress = by_area(session, geography(), cover, Area.CONGRESS)
    assert [a.name for a in congress][:2] == [
        "1st Congressional District",
        "2nd Congressional District",
    ]
    [eighth] = [a for a in congress if a.name == "8th Congressional District"]
    assert eighth.members == ["Stephen F. Lynch"] and eighth.count("in_progress") == 1
    counties = by_area(session, geography(), cover, Area.COUNTY)
    assert len(counties) == 12  # Dukes and Nantucket have no House district of their own
    assert sum(len(c.parts) for c in counties) == 160
    [plymouth] = [c for c in counties if c.name == "Plymouth"]
    assert plymouth.covered == 1


def test_the_coverage_csv_names_the_status_in_words(session: Session) -> None:
    code, out = hubflow("coverage", "--by", "county", "--csv", "-")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "county,members,house_district,share_of_its_precincts,status,hubs"
    assert lines[1] == "Barnstable,,1st Barnstable,100%,Without a Hub,"
    assert len(lines) == 161


def test_an_unknown_area_names_the_flag(session: Session) -> None:
    code, out = hubflow("coverage", "--by", "state")
    assert code == 2
    assert "--by: 'state' is not one of house, senate, congress, county" in out


def test_a_district_spanning_two_senate_districts_has_both_senators_main_first(
    session: Session,
) -> None:
    hub = hubs.submit_interest(session, factories.interest_form(district="7th Plymouth"))
    found = delegation(session, geography(), hub.district)
    assert [leg.name for leg in found.state_rep] == ["Alyson Sullivan-Almeida"]
    # 7 of its 12 precincts are in Second Plymouth and Norfolk, 5 in Norfolk and Plymouth.
    assert [(leg.name, leg.district.name) for leg in found.state_senators] == [
        ("Mike Brady", "Second Plymouth and Norfolk"),
        ("John Keenan", "Norfolk and Plymouth"),
    ]
    assert [leg.name for leg in found.us_representatives] == ["Stephen F. Lynch"]
    assert [leg.name for leg in found.us_senators] == ["Edward J. Markey", "Elizabeth Warren"]


def test_hubs_in_one_senate_district_are_neighbours_without_any_plan(session: Session) -> None:
    # 13th and 3rd Suffolk both lie in First Suffolk (and in the 7th/8th congressional).
    ann = factories.staff(session)
    a = factories.hub_in(session, Stage.LISTED, reviewer=ann, district="13th Suffolk")
    b = factories.hub_in(session, Stage.LISTED, reviewer=ann, district="12th Suffolk")
    far = factories.hub_in(session, Stage.LISTED, reviewer=ann, district="1st Berkshire")
    # Neighbours are listed Hubs: one whose interest no one has reviewed is not named.
    unseen = hubs.submit_interest(session, factories.interest_form(district="12th Suffolk"))
    geo = geography()
    mine = session.get(Hub, a.id)
    assert mine is not None
    shared = {s for s, _ in geo.senate_of_house("13th Suffolk")} & {
        s for s, _ in geo.senate_of_house("12th Suffolk")
    }
    assert shared
    near = nearby_hubs(session, geo, mine)
    assert [(n.hub_id, n.shared) for n in near] == [(b.id, sorted(shared)[0])]
    theirs = session.get(Hub, b.id)
    assert theirs is not None
    assert a.id in {n.hub_id for n in nearby_hubs(session, geo, theirs)}
    assert far.id not in {n.hub_id for n in near}
    assert unseen.id not in {n.hub_id for n in near}


def test_districts_lookup_prints_each_chamber_with_its_members(session: Session) -> None:
    code, out = hubflow("districts", "lookup", "Abington", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert [(d["chamber"], d["district"]) for d in found["districts"]] == [
        ("house", "7th Plymouth"),
        ("senate", "Norfolk and Plymouth"),
        ("us_house", "8th Congressional District"),
        ("us_senate", "Massachusetts"),
    ]
    assert [m["name"] for m in found["districts"][3]["members"]] == [
        "Edward J. Markey",
        "Elizabeth Warren",
    ]
    code, out = hubflow("districts", "lookup", "Quincy")
    assert code == 0, out
    assert "split among 3 State Rep districts" in out and "--ward and --precinct" in out
    code, out = hubflow("districts", "lookup", "Quincey")
    assert code == 2
    assert "TOWN: there is no city or town called “Quincey”. Did you mean Quincy?" in out


def test_import_precincts_matches_every_district_or_writes_nothing(
    session: Session, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "precincts.csv"
    table = reference / "geography-ma" / "ma_precinct_districts_2022.csv"
    code, said = hubflow("districts", "import-precincts", str(table), "--out", str(out))
    assert code == 0, said
    assert "Matched 160 of 160 House and 40 of 40 Senate districts" in said
    assert out.read_bytes() == PRECINCTS.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "city_town,Ward,Pct,State_Rep,State_Senate,US_House,Gov_Council\n"
        "Abington,-,1,Seventh Plymouth,Norfolk & Plymouth,8,Fourth\n"
        "Nowhere,-,1,Ninety-Ninth Essex,Atlantis,8,Fourth\n"
    )
    code, said = hubflow("districts", "import-precincts", str(bad), "--out", str(tmp_path / "x"))
    assert code == 2 and not (tmp_path / "x").exists()
    assert "House: Ninety-Ninth Essex; Senate: Atlantis" in " ".join(said.split())
