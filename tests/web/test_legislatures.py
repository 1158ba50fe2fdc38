"""Any state's legislature (tests/fixtures/vermont): chambers, districts and seats from
Open States' metadata, people from its files, districts of several seats, a unicameral
legislature (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from hubflow.web.hub_content import plan_rows
from models.base import utcnow
from models.enums import Stage
from models.errors import InvalidInput
from models.services import hubs
from models.services.coverage import coverage
from models.services.staff import add_staff
from plumbing.db import get_engine, reset_engines
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_cli import hubflow
from tests.web.conftest import VERMONT

FIXTURE = VERMONT


def test_init_and_import_give_vermonts_districts_seats_members_and_vacancies(
    vermont: sessionmaker[Session],
) -> None:
    code, out = hubflow("districts", "list", "--json")
    districts = {(d["chamber"], d["name"]): d for d in json.loads(out)}
    house = [d for (chamber, _), d in districts.items() if chamber == "house"]
    senate = [d for (chamber, _), d in districts.items() if chamber == "senate"]
    assert (len(house), sum(d["seats"] for d in house)) == (109, 150)
    assert (len(senate), sum(d["seats"] for d in senate)) == (16, 30)
    two_seats = districts["house", "Chittenden-18"]
    assert (two_seats["seats"], two_seats["vacant"]) == (2, 0)
    assert [m["name"] for m in two_seats["members"]] == ["Ben Maple", "Cora Spruce"]
    one_vacant = districts["house", "Addison-1"]  # Fay Hemlock's term ended
    assert (one_vacant["seats"], one_vacant["vacant"]) == (2, 1)
    assert [m["name"] for m in one_vacant["members"]] == ["Ada Birch"]
    assert districts["house", "Addison-2"]["vacant"] == 0
    assert districts["senate", "Addison"]["vacant"] == 1
    assert districts["house", "Bennington-1"]["vacant"] == 1  # nobody imported: all vacant

    code, out = hubflow("districts", "list", "--chamber", "house")
    assert code == 0 and "Ada Birch (Democratic), (vacant)" in out, out
    listed = json.loads(hubflow("legislators", "list", "--committee", "--json")[1])
    assert {(r["name"], r["committee_role"]) for r in listed} == {
        ("Ben Maple", "chair"),
        ("Ada Birch", "member"),
    }
    cover = json.loads(hubflow("coverage", "--json")[1])
    assert cover["counts"]["house_districts"] == 109 and cover["counts"]["seats"] == 150
    by_name = {d["district"]: d for d in cover["house"]}
    assert by_name["Chittenden-18"]["seats"] == 2 and by_name["Addison-2"]["seats"] == 1
    code, out = hubflow("coverage", "--csv", "-")
    assert out.splitlines()[0].startswith("district,seats,legislator")


def test_a_hub_in_a_two_member_district_plans_for_both_and_covers_it_once(
    vermont: sessionmaker[Session],
) -> None:
    with vermont() as session:
        reviewer = add_staff(session, name="Gil Oak", email="gil@gmcnow.example.org")
        hub = factories.hub_in(
            session,
            Stage.STRATEGIC_PLAN,
            reviewer=reviewer,
            district="Chittenden-18",
            towns=["Burlington"],
        )
        rows = plan_rows(session, hub)
        reps = [r for r in rows if r["role"] == "state_rep"]
        assert [r["name"] for r in reps] == ["Ben Maple", "Cora Spruce"]
        assert all("(required)" in r["legend"] for r in reps)
        # A second Hub in the same district: still one district covered.
        hubs.submit_interest(
            session,
            factories.interest_form(district="Chittenden-18", towns=["South Burlington"]),
        )
        today = utcnow().date()
        plan = factories.strategic_plan(
            today,
            *(
                factories.plan_target(today, legislator=r["name"], legislator_id=r["id"])
                for r in reps
            ),
        )
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan)
        result = coverage(session)
    entries = [d for d in result.house if d.district == "Chittenden-18"]
    assert len(entries) == 1 and entries[0].status == "in_progress"
    assert len(entries[0].in_progress) == 2
    assert [m.name for m in entries[0].members] == ["Ben Maple", "Cora Spruce"]
    assert all(m.targeted for m in entries[0].members)
    counts = result.counts()
    assert (counts["in_progress"], counts["none"]) == (1, 108)


def test_a_plan_names_no_more_state_reps_than_the_district_has_seats(
    vermont: sessionmaker[Session],
) -> None:
    with vermont() as session:
        reviewer = add_staff(session, name="Gil Oak", email="gil@gmcnow.example.org")
        hub = factories.hub_in(
            session, Stage.STRATEGIC_PLAN, reviewer=reviewer, district="Addison-2"
        )
        today = utcnow().date()
        rep = factories.plan_target(today, legislator="Dan Ash")
        with pytest.raises(InvalidInput, match="names 2 State Reps, but the district elects one"):
            hubs.submit_stage_work(
                session, hub.id, Stage.STRATEGIC_PLAN, factories.strategic_plan(today, rep, rep)
            )


def test_a_unicameral_legislature_is_the_chamber_covered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (FIXTURE / "campaign.toml").read_text(encoding="utf-8")
    nebraska = tmp_path / "campaign.toml"
    nebraska.write_text(
        text.replace('state = "VT"', 'state = "NE"').replace(
            'chamber = "lower"', 'chamber = "legislature"'
        ),
        encoding="utf-8",
    )
    monkeypatch.delenv("HUBFLOW_CAMPAIGN_FILE", raising=False)
    monkeypatch.setenv("HUBFLOW_DATA_DIR", str(tmp_path))  # found beside the database
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'ne.db'}")
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("init", "--state", "ne")
    assert code == 0, out
    districts = json.loads(hubflow("districts", "list", "--json")[1])
    assert len(districts) == 49 and {d["chamber"] for d in districts} == {"house"}
    from models.enums import Chamber, TargetRole

    assert (Chamber.HOUSE.label, TargetRole.STATE_REP.label) == (
        "Nebraska Legislature",
        "State Senator",
    )
    assert "of 49 Nebraska Legislature districts" in hubflow("coverage")[1]
    get_engine().dispose()

    nebraska.write_text(text.replace('state = "VT"', 'state = "NE"'), encoding="utf-8")
    get_settings.cache_clear()
    code, out = hubflow("hubs", "list")
    assert code == 1
    assert "coverage.chamber: Nebraska has no 'lower' chamber; use 'legislature'" in out, out
