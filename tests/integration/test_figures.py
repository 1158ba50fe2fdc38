"""The dashboard's time figures on a history whose medians, conversions, ages and weeks are
known by construction (SPEC §9: time on the dashboard)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from models.enums import Decision, Stage
from models.hub import Hub
from models.services import hubs, reviews
from models.services.figures import figures, percentile
from tests import factories

BOSTON = ZoneInfo("America/New_York")
T0 = datetime(2026, 3, 2, 14, tzinfo=UTC)  # a Monday, 9 or 10 in the morning in Boston
TODAY = (T0 + timedelta(days=80)).date()  # Friday, May 22: its 12 weeks start on March 2


def at(day: float) -> datetime:
    return T0 + timedelta(days=day)


class History:
    """Hubs taken through their stages on given days, every decision by Ann."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ann = factories.staff(session, name="Dee", email="dee@masscare.org")
        self.decided: list[float] = []  # the days decisions were made

    def join(self, name: str, day: float) -> Hub:
        return hubs.submit_interest(
            self.session, factories.interest_form(group_name=f"Hub {name}"), now=at(day)
        )

    def decide(self, hub: Hub, day: float, decision: Decision = Decision.APPROVE) -> None:
        sub = factories.pending(self.session, hub)
        comment = "" if decision is Decision.APPROVE else "How many came?"
        reviews.decide(
            self.session, sub.id, decision, staff_id=self.ann.id, comment=comment, now=at(day)
        )
        self.decided.append(day)

    def submit(self, hub: Hub, stage: Stage, day: float) -> None:
        evidence = factories.evidence_for(stage, at(day).date())
        hubs.submit_stage_work(self.session, hub.id, stage, evidence, now=at(day))


@pytest.fixture
def history(session: Session) -> History:
    return build(History(session))


def build(h: History) -> History:
    """Five Hubs: A listed, B and C in onboarding, D never past its first action, E new."""
    a, b, c, d = (h.join(name, 0) for name in ("A", "B", "C", "D"))
    for hub, day in ((a, 1), (b, 2), (c, 3), (d, 4)):  # intro calls: 1 to 4 days of staff's
        h.decide(hub, day)
    fa = Stage.FIRST_ACTION
    h.submit(a, fa, 11)  # 10 days of its own
    h.decide(a, 13)  # 2 of staff's
    h.submit(b, fa, 22)  # 20
    h.decide(b, 26)  # 4
    h.submit(c, fa, 33)  # 30 ...
    h.decide(c, 34, Decision.REQUEST_CHANGES)  # 1 ...
    h.submit(c, fa, 39)  # ... and 5 more: 35
    h.decide(c, 42)  # ... and 3 more: 4
    h.submit(a, Stage.ONBOARDING, 20)
    h.decide(a, 21)
    h.submit(a, Stage.STRATEGIC_PLAN, 30)
    h.decide(a, 36)  # listed on day 36, Tuesday April 7: the sixth week
    h.join("E", 77)  # at interest 3 days on TODAY
    return h


def test_the_figures_are_those_the_history_was_built_with(
    session: Session, history: History
) -> None:
    f = figures(session, today=TODAY, zone=BOSTON)
    times = {t.stage: t for t in f.stage_times}
    interest = times[Stage.INTEREST]
    assert interest.hubs == 4
    assert (interest.hub_median, interest.team_median, interest.team_p90) == (0.0, 2.0, 4.0)
    first = times[Stage.FIRST_ACTION]
    assert first.hubs == 3  # A, B and C; D never handed in
    assert (first.hub_median, first.hub_p90) == (20.0, 35.0)
    assert (first.team_median, first.team_p90) == (4.0, 4.0)
    assert (times[Stage.ONBOARDING].hub_median, times[Stage.ONBOARDING].team_median) == (7.0, 1.0)
    assert (times[Stage.STRATEGIC_PLAN].hub_median, times[Stage.STRATEGIC_PLAN].team_p90) == (
        9.0,
        6.0,
    )

    went = {c.stage: (c.entered, c.went_on) for c in f.conversions}
    assert went == {
        Stage.INTEREST: (5, 4),
        Stage.FIRST_ACTION: (4, 3),
        Stage.ONBOARDING: (3, 1),
        Stage.STRATEGIC_PLAN: (1, 1),
    }

    # D in first action since day 4 (76 days); B since 26 (54), C since 42 (38); E 3 days.
    assert f.ages[Stage.FIRST_ACTION] == {
        "0 to 7 days": 0,
        "8 to 30 days": 0,
        "31 to 60 days": 0,
        "over 60 days": 1,
    }
    assert f.ages[Stage.ONBOARDING]["31 to 60 days"] == 2
    assert f.ages[Stage.INTEREST]["0 to 7 days"] == 1
    assert sum(sum(b.values()) for b in f.ages.values()) == 4  # A is listed

    weeks = [w.starts for w in f.reviews_per_week]
    assert weeks[0] == date(2026, 3, 2) and weeks[-1] == date(2026, 5, 18) and len(weeks) == 12
    expected = {start: 0 for start in weeks}
    for day in history.decided:
        expected[weeks[int(day // 7)]] += 1
    assert {w.starts: w.count for w in f.reviews_per_week} == expected
    assert expected[date(2026, 3, 2)] == 4  # the four intro calls

    listed = [w.count for w in f.listed_by_week]
    assert listed == [0] * 5 + [1] * 7  # listed in the week of April 6


def test_hubflow_report_prints_the_same_figures(history: History) -> None:
    from tests.integration.test_cli import hubflow

    code, out = hubflow("report", "--now", f"{TODAY.isoformat()}T15:00:00+00:00", "--json")
    assert code == 0, out
    data = json.loads(out)
    first = next(t for t in data["stage_times"] if t["stage"] == "first_action")
    assert (first["hub_days_median"], first["team_days_p90"]) == (20.0, 4.0)
    assert data["conversions"][1] == {"stage": "first_action", "entered": 4, "went_on": 3}
    assert data["listed_by_week"][-1] == {"week_of": "2026-05-18", "listed": 1}
    assert data["counts"]["hubs_past_deadline"] >= 1  # D, its first action long past due


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.9) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0


def test_the_figures_are_worked_out_again_only_when_what_they_come_from_changes(
    session: Session,
) -> None:
    ann = factories.staff(session)
    zone = ZoneInfo("America/New_York")
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    today = datetime.now(UTC).date()
    first = figures(session, today=today, zone=zone)
    assert figures(session, today=today, zone=zone) is first  # nothing changed: kept
    assert figures(session, today=today + timedelta(days=1), zone=zone) is not first  # a new day
    hubs.submit_stage_work(session, hub.id, Stage.FIRST_ACTION, factories.first_action(today))
    sent = figures(session, today=today, zone=zone)
    assert sent is not first  # a hand-in
    reviews.decide(session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=ann.id)
    decided = figures(session, today=today, zone=zone)
    assert decided is not sent
    entered = {c.stage: c.entered for c in decided.conversions}
    assert entered[Stage.ONBOARDING] == 1 and entered[Stage.FIRST_ACTION] == 1
