"""A legislative session seeded by construction (#32): 30 listed Hubs in 10 districts, 60
progress reports over six months, 8 moves claimed and confirmed; the dashboard, the daily
report's digest and `hubflow report --json` give the figures the construction implies."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from hubflow.cli.main import app
from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Chamber, Decision, Stage, Stance
from models.legislature import District, Legislator
from models.progress import ReportAction
from models.services import hubs, progress, reviews
from models.services.common import Actor
from models.staff import StaffMember
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tasks.reactions import clock
from tasks.sweep import run_sweep
from tests import factories
from tests.web.visible import visible_text

NOW = utcnow()
START = NOW - timedelta(days=180)
ACTIONS = get_settings().campaign.progress.actions


def at(day: int) -> datetime:
    return START + timedelta(days=day)


def seed(session: Session, ann: StaffMember) -> tuple[list[int], list[int], int]:
    """30 Hubs listed the day before day 0, three in each of ten districts, each planning
    on its own Rep; returns the Hubs, the Reps, and the co-sponsors before the session."""
    reps = list(
        session.scalars(
            select(Legislator)
            .join(District)
            .where(
                District.chamber == Chamber.HOUSE,
                Legislator.active,
                Legislator.stance == Stance.NOT_COSPONSOR,
            )
            .order_by(District.sort_key)
            .limit(10)
        )
    )
    before = sum(
        leg.stance.rank >= Stance.COSPONSOR.rank
        for leg in session.scalars(
            select(Legislator).where(
                Legislator.active, Legislator.chamber.in_([Chamber.HOUSE, Chamber.SENATE])
            )
        )
    )
    districts = {rep.id: (rep.district.name, rep.name) for rep in reps}
    session.commit()
    hub_ids = []
    for i in range(30):
        rep_id = reps[i % 10].id
        district, name = districts[rep_id]
        hub = factories.hub_in(
            session,
            Stage.STRATEGIC_PLAN,
            reviewer=ann,
            now=at(-1),
            group_name=f"Hub {i:02d}",
            email=f"hub{i:02d}@example.org",
            district=district,
            towns="Boston",
        )
        plan = factories.strategic_plan(
            at(-1).date(), factories.plan_target(at(-1).date(), legislator=name)
        )
        plan["targets"][0]["legislator_id"] = rep_id
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan, now=at(-1))
        reviews.decide(
            session,
            factories.pending(session, hub).id,
            Decision.APPROVE,
            staff_id=ann.id,
            now=at(-1),
        )
        hub_ids.append(hub.id)
    return hub_ids, [r.id for r in reps], before


def report(session: Session, hub_id: int, day: int, moved_to: str | None = None) -> None:
    target = progress.plan_of(session, hub_id)[0].id
    session.commit()
    row = {
        "target": target,
        "kind": "meeting",
        "done_on": at(day - 1).date().isoformat(),
        "people": 3,
        "response": "Listened, and asked for constituent stories.",
    }
    if moved_to:
        row["moved_to"] = moved_to
    progress.report(
        session, hub_id, {"actions": [row]}, actions=ACTIONS, actor=Actor.hub(hub_id), now=at(day)
    )


def test_a_seeded_session_gives_the_figures_known_by_construction(
    staff_client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    staff_member: StaffMember,
) -> None:
    hub_ids, reps, before = seed(session, staff_member)
    # Hubs 0-19 report on days 30 and 100 (on time on day 180); 20-24 on days 10 and 60
    # (due day 150: silent by day 180); 25-29 on days 15 and 85 (due day 175: due now).
    # Hubs 0-7 (the first Hub of districts 0-7) claim that their Rep co-sponsors: 0-3 in
    # their first report, 4-7 in their second; staff confirm them a fortnight apart, on days
    # 31, 46, 61, 76, then 101, 116, 131, 146: 8 moves over five months.
    days = {**{i: (30, 100) for i in range(20)}, **{i: (10, 60) for i in range(20, 25)}}
    days.update({i: (15, 85) for i in range(25, 30)})
    claimants = range(8)
    for i, hub_id in enumerate(hub_ids):
        first, second = days[i]
        report(session, hub_id, first, moved_to="cosponsor" if i < 4 else None)
        report(session, hub_id, second, moved_to="cosponsor" if 4 <= i < 8 else None)
    confirmed_on = {}
    for i in claimants:
        action = session.scalars(
            select(ReportAction).where(
                ReportAction.hub_id == hub_ids[i], ReportAction.claimed_stance.is_not(None)
            )
        ).one()
        session.commit()
        day = (31 + 15 * i) if i < 4 else (101 + 15 * (i - 4))
        progress.confirm_move(session, action.id, actor=Actor.staff(staff_member), now=at(day))
        confirmed_on[reps[i]] = at(day)
    process_waiting(sessions, settings=get_settings(), now=NOW)
    run_sweep(sessions, now=NOW)  # the silent ones stall
    process_waiting(sessions, settings=get_settings(), now=NOW)

    # `hubflow report --json`
    result = CliRunner().invoke(app, ["report", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["progress"]
    assert found["legislators_moved"] == 8
    assert found["moved_by_chamber"] == {"house": 8}
    assert len(found["moves"]) == 8 and all(m["hub"] for m in found["moves"])
    by_report = found["hubs_by_last_report"]
    sizes = {k: by_report[k] for k in ("on_time", "due", "silent", "paused")}
    assert sizes == {"on_time": 20, "due": 5, "silent": 5, "paused": 0}
    assert len(by_report["due_hubs"]) == 5 and len(by_report["silent_hubs"]) == 5
    by_month = found["cosponsors_by_month"]
    assert by_month[-1]["cosponsors"] == before + 8
    for point in by_month:
        day = datetime.fromisoformat(point["date"]).date()
        # The month's end in the campaign's zone, as the figures count it.
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=get_settings().policy.zone)
        moved = sum(when < end for when in confirmed_on.values())
        assert point["cosponsors"] == before + moved, point
    working = {w["legislator_id"]: w for w in found["working_on"]}
    assert set(working) == set(reps)
    assert all(len(w["hubs"]) == 3 for w in working.values())
    assert all(w["last_action"] is not None for w in working.values())

    # The dashboard says the same.
    page = visible_text(staff_client.get("/staff").text)
    assert "8 legislators moved toward Medicare for All this session" in page
    assert "20 on time" in page and "5 due now" in page and "5 silent" in page
    chart = staff_client.get("/staff").text.split('id="cosponsors-title">')[1].split("</title>")[0]
    assert chart.endswith(f", {before + 8}")  # the chart's last bar: today

    # And the daily digest.
    with sessions() as s:
        assert clock.queue_digest(s, settings=get_settings(), now=NOW)
        s.commit()
        digest = s.scalars(select(Email).where(Email.kind == MessageKind.DAILY_DIGEST)).one()
        assert "8 moved this session" in digest.text
        assert "20 on time, 5 due, 5 silent" in digest.text
