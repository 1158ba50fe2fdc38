"""Time on the dashboard (SPEC §9): how long Hubs spend in each stage, on their clock and on
staff's, how many go on to the next stage, how old the open ones are in theirs, how many
reviews staff decide each week, and how many Hubs are listed, week by week."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import accumulate, pairwise
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from models.enums import Stage, Status
from models.hub import Hub, Submission
from models.services.figure_ledger import LEDGER, HubMaterials
from models.services.kept import kept

WORK_STAGES = (Stage.INTEREST, Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN)
AGE_BUCKETS = (("0 to 7 days", 0, 7), ("8 to 30 days", 8, 30), ("31 to 60 days", 31, 60))
OVER_60 = "over 60 days"
WEEKS = 12


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (the median at 0.5), or None with no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass(frozen=True, slots=True)
class StageTime:
    """Days Hubs that finished a stage spent in it: on their own clock, and waiting on staff."""

    stage: Stage
    hubs: int  # Hubs that finished it (approved out of it)
    hub_median: float | None
    hub_p90: float | None
    team_median: float | None
    team_p90: float | None


@dataclass(frozen=True, slots=True)
class Conversion:
    stage: Stage
    entered: int
    went_on: int  # of those, how many entered the next stage

    @property
    def share(self) -> float | None:
        return self.went_on / self.entered if self.entered else None


@dataclass(frozen=True, slots=True)
class Week:
    starts: date
    count: int


@dataclass
class Figures:
    stage_times: list[StageTime] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)
    # Open Hubs by stage, then by their age in it (AGE_BUCKETS, then OVER_60).
    ages: dict[Stage, dict[str, int]] = field(default_factory=dict)
    reviews_per_week: list[Week] = field(default_factory=list)
    listed_by_week: list[Week] = field(default_factory=list)  # listed at each week's end

    def as_json(self) -> dict[str, Any]:
        return {
            "stage_times": [
                {
                    "stage": t.stage.value,
                    "hubs": t.hubs,
                    "hub_days_median": t.hub_median,
                    "hub_days_p90": t.hub_p90,
                    "team_days_median": t.team_median,
                    "team_days_p90": t.team_p90,
                }
                for t in self.stage_times
            ],
            "conversions": [
                {"stage": c.stage.value, "entered": c.entered, "went_on": c.went_on}
                for c in self.conversions
            ],
            "ages": {stage.value: buckets for stage, buckets in self.ages.items()},
            "reviews_per_week": [
                {"week_of": w.starts.isoformat(), "decided": w.count} for w in self.reviews_per_week
            ],
            "listed_by_week": [
                {"week_of": w.starts.isoformat(), "listed": w.count} for w in self.listed_by_week
            ],
        }


def _day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()  # every time read is aware (models.base.UTCDateTime)


def figures(session: Session, *, today: date, zone: tzinfo) -> Figures:
    """Every figure at once (see work_out), worked out again only when what they are made
    from has changed since the last time (models.services.kept)."""
    return kept(
        session,
        ("figures", today, str(zone)),
        lambda: work_out(session, today=today, zone=zone),
    )


def work_out(session: Session, *, today: date, zone: tzinfo) -> Figures:
    """Every figure at once: the time figures from each Hub's materials, kept up to date
    from the rows added since the last look (figure_ledger), the rest in a few queries."""
    hubs = LEDGER.hubs(session).values()
    return Figures(
        stage_times=_stage_times(hubs),
        conversions=_conversions(hubs),
        ages=_ages(session, today=today, zone=zone),
        reviews_per_week=_reviews_per_week(session, today=today, zone=zone),
        listed_by_week=_listed_by_week(hubs, today=today, zone=zone),
    )


def _reviews_per_week(session: Session, *, today: date, zone: tzinfo) -> list[Week]:
    """Submissions decided each week, counted by the database between Monday midnights."""
    weeks = _weeks(today)
    bounds = [_midnight(start, zone) for start in [*weeks, weeks[-1] + timedelta(weeks=1)]]
    at = Submission.decided_at
    counts = session.execute(
        select(
            *(func.sum(case((and_(at >= lo, at < hi), 1), else_=0)) for lo, hi in pairwise(bounds))
        ).where(at >= bounds[0], at < bounds[-1])
    ).one()
    return [Week(start, int(n or 0)) for start, n in zip(weeks, counts, strict=True)]


def _stage_times(hubs: Iterable[HubMaterials]) -> list[StageTime]:
    """The median and 90th percentile of the days Hubs approved out of each stage spent in
    it, on their clock and on staff's (each Hub's worked out by figure_ledger.materials)."""
    hub_days: dict[Stage, list[float]] = defaultdict(list)
    team_days: dict[Stage, list[float]] = defaultdict(list)
    for hub in hubs:
        for stage, mine, team in hub.times:
            hub_days[stage].append(mine)
            team_days[stage].append(team)
    return [
        StageTime(
            stage,
            len(hub_days[stage]),
            percentile(hub_days[stage], 0.5),
            percentile(hub_days[stage], 0.9),
            percentile(team_days[stage], 0.5),
            percentile(team_days[stage], 0.9),
        )
        for stage in WORK_STAGES
    ]


def _conversions(hubs: Iterable[HubMaterials]) -> list[Conversion]:
    entered: dict[frozenset[Stage], int] = defaultdict(int)
    for hub in hubs:  # Hubs by the stages they entered: a few kinds, however many Hubs
        entered[hub.entered] += 1
    return [
        Conversion(
            stage,
            sum(n for stages, n in entered.items() if stage in stages),
            sum(n for stages, n in entered.items() if {stage, nxt} <= stages),
        )
        for stage in WORK_STAGES
        for nxt in [stage.next()]
    ]


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _ages(session: Session, *, today: date, zone: tzinfo) -> dict[Stage, dict[str, int]]:
    """Hubs still working toward a listing (active, stalled or paused), by days in stage:
    counted by the database, each bucket between two midnights in the campaign's zone."""
    buckets = [
        (
            name,
            _midnight(today - timedelta(days=high), zone),
            _midnight(today - timedelta(days=low - 1), zone),
        )
        for name, low, high in AGE_BUCKETS
    ]
    since = Hub.stage_entered_at
    counted = session.execute(
        select(
            Hub.stage,
            func.count(),
            *(func.sum(case((and_(since >= lo, since < hi), 1), else_=0)) for _, lo, hi in buckets),
        )
        .where(
            Hub.stage.in_(WORK_STAGES),
            Hub.status.in_([Status.ACTIVE, Status.STALLED, Status.PAUSED]),
        )
        .group_by(Hub.stage)
    ).all()
    ages: dict[Stage, dict[str, int]] = {
        stage: {name: 0 for name, _, _ in AGE_BUCKETS} | {OVER_60: 0} for stage in WORK_STAGES
    }
    for stage, total, *in_bucket in counted:
        for (name, _, _), n in zip(buckets, in_bucket, strict=True):
            ages[stage][name] = int(n or 0)
        ages[stage][OVER_60] = int(total) - sum(int(n or 0) for n in in_bucket)
    return ages


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # weeks start on Monday


def _weeks(today: date) -> list[date]:
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    return [first + timedelta(weeks=n) for n in range(WEEKS)]


def _listed_by_week(hubs: Iterable[HubMaterials], *, today: date, zone: tzinfo) -> list[Week]:
    """How many Hubs were listed (in the directory) at the end of each week: each change
    into the listing counts one more, each out of it (moved back, withdrawn) one fewer."""
    weeks = _weeks(today)
    ends = [start + timedelta(days=6) for start in weeks]
    steps = [0] * len(weeks)  # each week's changes; the first week's, all before it too
    for hub in hubs:
        for at, step in hub.steps:
            week = bisect_left(ends, _day(at, zone))  # the first that ends on or after it
            if week < len(weeks):
                steps[week] += step
    return [Week(start, n) for start, n in zip(weeks, accumulate(steps), strict=True)]
