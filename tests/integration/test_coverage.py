"""District coverage and neighbouring Hubs (SPEC §1, §5)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Decision, Goal, Stage, Stance, Status, SubmissionState, TargetRole
from models.hub import Hub, Submission
from models.legislature import Legislator
from models.plan import PlanTarget
from models.services import hubs, reviews
from models.services.common import Actor
from models.services.coverage import CLOSED, coverage, current_plans, is_current_plan
from models.services.progress_views import some_hubs_targeting
from models.services.working_on import Neighbour, counted_neighbours
from tests import factories
from tests.integration.test_cli import hubflow

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


def seed(session: Session) -> dict[str, int]:
    ann = factories.staff(session)
    made = {
        "listed": factories.hub_in(
            session, Stage.LISTED, reviewer=ann, now=NOW, district="1st Norfolk"
        ),
        "also_here": factories.hub_in(
            session, Stage.ONBOARDING, reviewer=ann, now=NOW, district="1st Norfolk"
        ),
        "interest": hubs.submit_interest(
            session, factories.interest_form(district="10th Bristol"), now=NOW
        ),
        "paused": factories.hub_in(
            session, Stage.FIRST_ACTION, reviewer=ann, now=NOW, district="3rd Essex"
        ),
        "withdrawn": factories.hub_in(
            session, Stage.FIRST_ACTION, reviewer=ann, now=NOW, district="2nd Suffolk"
        ),
    }
    hubs.pause(session, made["paused"].id, actor=Actor.staff(ann), now=NOW)
    hubs.withdraw(session, made["withdrawn"].id, actor=Actor.staff(ann), now=NOW)
    return {name: hub.id for name, hub in made.items()}


def test_coverage_json_gives_each_districts_status_and_the_counts_add_up_to_160(
    session: Session, tmp_path: Path
) -> None:
    ids = seed(session)
    code, out = hubflow("coverage", "--json", "--csv", str(tmp_path / "coverage.csv"))
    assert code == 0, out
    data = json.loads(out)
    house = {d["district"]: d for d in data["house"]}
    assert len(house) == 160
    norfolk = house["1st Norfolk"]
    assert norfolk["status"] == "listed" and norfolk["legislator"] == "Bruce Ayers"
    assert [h["id"] for h in norfolk["listed"]] == [ids["listed"]]
    assert [(h["id"], h["stage"]) for h in norfolk["in_progress"]] == [
        (ids["also_here"], "onboarding")
    ]
    assert house["10th Bristol"]["status"] == "in_progress"
    assert house["3rd Essex"]["in_progress"][0]["status"] == "paused"
    assert house["2nd Suffolk"]["status"] == "none"  # withdrawn Hubs do not count
    assert house["1st Franklin"]["vacant"] and house["1st Franklin"]["status"] == "none"
    statuses = {name: d["status"] for name, d in house.items() if d["status"] != "none"}
    assert statuses == {
        "1st Norfolk": "listed",
        "10th Bristol": "in_progress",
        "3rd Essex": "in_progress",
    }
    counts = data["counts"]
    assert (counts["listed"], counts["in_progress"], counts["none"]) == (1, 2, 157)
    assert counts["listed"] + counts["in_progress"] + counts["none"] == 160
    assert counts["legislators"] == 198 and counts["cosponsors"] == 0
    assert counts["legislators_with_a_hub"] == 3  # the three State Reps with a Hub
    assert len(data["senate"]) == 40
    rows = list(csv.DictReader((tmp_path / "coverage.csv").open()))
    assert len(rows) == 160
    assert {r["district"]: r["status"] for r in rows}["10th Bristol"] == "in_progress"
    code, out = hubflow("coverage")
    assert "1 listed, 2 in progress and 157 with no Hub, of 160 House districts" in out


def neighbours(session: Session, hub_id: int) -> list[Neighbour]:
    return counted_neighbours(session, hub_id)[0]


def plan_for(senator: str, congress: str) -> dict[str, object]:
    return factories.strategic_plan(
        TODAY,
        factories.plan_target(TODAY),
        factories.plan_target(TODAY, role="state_senator", legislator=senator),
        factories.plan_target(
            TODAY,
            role="member_of_congress",
            legislator=congress,
            stance="cosponsor",
            goal="public_statement",
        ),
    )


def test_two_hubs_targeting_the_same_senator_see_each_other(session: Session) -> None:
    ann = factories.staff(session)
    quincy, braintree, amherst = (
        factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann, now=NOW, group_name=name)
        for name in ("Quincy for M4A", "Braintree M4A", "Amherst M4A")
    )
    hubs.submit_stage_work(
        session,
        quincy.id,
        Stage.STRATEGIC_PLAN,
        plan_for("Sen. John Keenan", "Stephen F. Lynch"),
        now=NOW,
    )
    hubs.submit_stage_work(
        session,
        braintree.id,
        Stage.STRATEGIC_PLAN,
        plan_for("John F. Keenan", "Rep. Stephen Lynch"),
        now=NOW,
    )
    hubs.submit_stage_work(
        session, amherst.id, Stage.STRATEGIC_PLAN, plan_for("Jo Comerford", "Jim McGovern"), now=NOW
    )
    assert {(n.hub, n.legislator, n.role.value) for n in neighbours(session, quincy.id)} == {
        ("Braintree M4A", "John Keenan", "state_senator"),
        # Members of Congress are legislators too: "Rep. Stephen Lynch" is found by name.
        ("Braintree M4A", "Stephen F. Lynch", "member_of_congress"),
    }
    assert {n.hub for n in neighbours(session, braintree.id)} == {"Quincy for M4A"}
    assert neighbours(session, amherst.id) == []
    # A closed Hub has no neighbours, whatever its plan's state (set here as an import might).
    quincy.status = Status.WITHDRAWN
    session.commit()
    assert neighbours(session, quincy.id) == [] and neighbours(session, braintree.id) == []
    quincy.status = Status.ACTIVE
    session.commit()
    reviews.decide(
        session,
        factories.pending(session, braintree).id,
        Decision.DECLINE,
        staff_id=ann.id,
        comment="not a real group",
        now=NOW,
    )
    assert neighbours(session, quincy.id) == []  # a declined Hub is nobody's neighbour
    _, out = hubflow("coverage", "--json")
    senate = {d["district"]: d for d in json.loads(out)["senate"]}
    assert [h["name"] for h in senate["Norfolk and Plymouth"]["targeted_by"]] == ["Quincy for M4A"]
    # The pages ask only whether each member is targeted: the same counts, fewer rows.
    full, light = coverage(session), coverage(session, targeting=False)
    assert full.counts() == light.counts() and full.counts()["legislators_with_a_hub"] > 2
    assert all(not d.targeting for d in light.senate) and any(d.targeting for d in full.senate)


def test_the_pages_coverage_loads_a_few_hubs_a_district_and_counts_the_rest(
    session: Session,
) -> None:
    from tests.seeding import many_hubs

    many_hubs(session, 160 * 9, listed_share=0.5)  # per district: listed and forming Hubs
    full = coverage(session, public=True)
    few = coverage(session, public=True, targeting=False, names=3)
    assert full.counts() == few.counts()
    for whole, part in zip(full.house, few.house, strict=True):
        assert (part.listed_count, part.in_progress_count) == (
            len(whole.listed),
            len(whole.in_progress),
        )
        assert part.listed == whole.listed[:3]
        # Those whose names may be shown come first: an interest form's is nobody's yet.
        shown = [h for h in whole.in_progress if h.name] + [
            h for h in whole.in_progress if not h.name
        ]
        assert part.in_progress == shown[:3], whole.district
    assert any(not h.name for d in few.house for h in d.in_progress)  # the test holds both


def test_hundreds_on_one_senator_are_named_a_few_and_counted(session: Session) -> None:
    """A large campaign: every Hub of a Senate district targets its Senator. Each Hub's
    neighbours and a legislator's Hubs name the first few, in one query, and count the rest."""
    ann = factories.staff(session)
    made = []
    for n in range(25):
        hub = factories.hub_in(
            session, Stage.STRATEGIC_PLAN, reviewer=ann, now=NOW, group_name=f"Keenan Hub {n:02}"
        )
        plan = plan_for("Sen. John Keenan", "Stephen F. Lynch")
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan, now=NOW)
        made.append(hub)
    first, every = counted_neighbours(session, made[0].id, limit=20)
    # Each other Hub twice (the Senator and the Member of Congress), by name; 24 Hubs.
    assert every == {h.id for h in made[1:]} and len(first) == 20
    assert [n.hub for n in first[:3]] == ["Keenan Hub 01", "Keenan Hub 01", "Keenan Hub 02"]
    keenan = session.scalars(select(Legislator).where(Legislator.name == "John Keenan")).one()
    some, count = some_hubs_targeting(session, keenan.id, limit=10)
    assert count == 25 and [name for _, name, _, _ in some][:2] == [
        "Keenan Hub 00",
        "Keenan Hub 01",
    ]
    assert len(some) == 10


def test_both_ways_of_finding_each_hubs_current_plan_agree(session: Session) -> None:
    """current_plans() (every Hub at once) and is_current_plan() (asked of one Hub) say the
    same rule: the latest plan staff approved, else the latest waiting; closed Hubs none."""
    ann = factories.staff(session)
    histories = {
        "waiting": [SubmissionState.PENDING],
        "revision waiting": [SubmissionState.APPROVED, SubmissionState.PENDING],
        "revised": [SubmissionState.APPROVED, SubmissionState.APPROVED],
        "resent": [SubmissionState.CHANGES_REQUESTED, SubmissionState.PENDING],
        "revision declined": [SubmissionState.APPROVED, SubmissionState.DECLINED],
        "sent back": [SubmissionState.CHANGES_REQUESTED],
        "withdrawn": [SubmissionState.APPROVED],
    }
    expected = {
        "waiting": 1,
        "revision waiting": 1,
        "revised": 2,
        "resent": 2,
        "revision declined": 1,  # the plan approved before it stays
    }
    versions: dict[int, tuple[str, int]] = {}
    for name, states in histories.items():
        hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann, group_name=name)
        for version, state in enumerate(states, start=1):
            sub = Submission(
                hub_id=hub.id,
                stage=Stage.STRATEGIC_PLAN,
                version=version,
                payload={},
                state=state,
                submitted_by="Pat",
            )
            session.add(sub)
            session.flush()
            session.add(
                PlanTarget(
                    submission_id=sub.id,
                    hub_id=hub.id,
                    role=TargetRole.STATE_REP,
                    legislator_name="Bruce Ayers",
                    name_key="bruce ayers",
                    stance=Stance.NOT_COSPONSOR,
                    goal=Goal.WIN_COSPONSORSHIP,
                    target_date=NOW.date(),
                )
            )
            versions[sub.id] = (name, version)
        if name == "withdrawn":
            hub.status = Status.WITHDRAWN
    session.commit()
    every = set(
        session.scalars(
            select(PlanTarget.submission_id).where(PlanTarget.submission_id.in_(current_plans()))
        )
    )
    each = set(
        session.scalars(
            select(PlanTarget.submission_id)
            .join(Hub, Hub.id == PlanTarget.hub_id)
            .where(is_current_plan(), Hub.status.not_in(CLOSED))
        )
    )
    assert every == each
    assert {versions[i] for i in each} == set(expected.items())
