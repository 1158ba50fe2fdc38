"""Time on the dashboard (SPEC §9): how long Hubs spend in each stage, on their clock and on
staff's, how many go on to the next stage, how old the open ones are in theirs, how many
reviews staff decide each week, and how many Hubs are listed, week by week."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from itertools import accumulate
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.enums import Stage, Status, SubmissionState
from models.hub import Hub, Submission
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


def _days(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds() / 86400, 1)


def figures(session: Session, *, today: date, zone: tzinfo) -> Figures:
    """Every figure at once (see work_out), worked out again only when what they are made
    from has changed since the last time (models.services.kept)."""
    return kept(
        session,
        ("figures", today, str(zone)),
        lambda: work_out(session, today=today, zone=zone),
    )


def work_out(session: Session, *, today: date, zone: tzinfo) -> Figures:
    """Every figure at once, from the audit trail and the submissions (a few queries)."""
    every_change = list(
        session.execute(
            select(
                StageChange.hub_id,
                StageChange.at,
                StageChange.from_stage,
                StageChange.to_stage,
                StageChange.from_status,
                StageChange.to_status,
            ).order_by(StageChange.at, StageChange.id)
        )
    )
    # Entries into a stage (a change of status alone is not one).
    changes = [c for c in every_change if c.from_stage is None or c.from_stage != c.to_stage]
    subs = list(
        session.execute(
            select(
                Submission.hub_id,
                Submission.stage,
                Submission.state,
                Submission.submitted_at,
                Submission.decided_at,
            ).order_by(Submission.hub_id, Submission.stage, Submission.version)
        )
    )
    return Figures(
        stage_times=_stage_times(changes, subs),
        conversions=_conversions(changes),
        ages=_ages(session, today=today, zone=zone),
        reviews_per_week=_per_week(
            [_day(s.decided_at, zone) for s in subs if s.decided_at is not None], today
        ),
        listed_by_week=_listed_by_week(every_change, today=today, zone=zone),
    )


def _stage_times(changes: list[Any], subs: list[Any]) -> list[StageTime]:
    """Per Hub and stage it was approved out of: its clock ran from entering the stage (or
    from being sent back) to each hand-in; staff's from each hand-in to its decision."""
    entered: dict[tuple[int, Stage], datetime] = {}
    for c in changes:
        entered[c.hub_id, c.to_stage] = c.at  # the latest entry into each stage
    by_hub_stage: dict[tuple[int, Stage], list[Any]] = defaultdict(list)
    for s in subs:
        by_hub_stage[s.hub_id, s.stage].append(s)
    hub_days: dict[Stage, list[float]] = defaultdict(list)
    team_days: dict[Stage, list[float]] = defaultdict(list)
    for (hub_id, stage), versions in by_hub_stage.items():
        start = entered.get((hub_id, stage))
        if start is None or versions[-1].state is not SubmissionState.APPROVED:
            continue
        mine = team = 0.0
        for s in versions:
            if s.submitted_at < start:
                continue  # handed in before the latest entry (it was moved back since)
            mine += max(_days(s.submitted_at, start), 0.0)
            if s.decided_at is not None:
                team += _days(s.decided_at, s.submitted_at)
                start = s.decided_at
        hub_days[stage].append(round(mine, 1))
        team_days[stage].append(round(team, 1))
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


def _conversions(changes: list[Any]) -> list[Conversion]:
    seen: dict[Stage, set[int]] = defaultdict(set)
    for c in changes:
        seen[c.to_stage].add(c.hub_id)
    out = []
    for stage in WORK_STAGES:
        nxt = stage.next()
        entered = seen[stage]
        out.append(Conversion(stage, len(entered), len(entered & seen[nxt]) if nxt else 0))
    return out


def _ages(session: Session, *, today: date, zone: tzinfo) -> dict[Stage, dict[str, int]]:
    """Hubs still working toward a listing (active, stalled or paused), by days in stage."""
    ages: dict[Stage, dict[str, int]] = {
        stage: {name: 0 for name, _, _ in AGE_BUCKETS} | {OVER_60: 0} for stage in WORK_STAGES
    }
    rows = session.execute(
        select(Hub.stage, Hub.stage_entered_at).where(
            Hub.stage.in_(WORK_STAGES),
            Hub.status.in_([Status.ACTIVE, Status.STALLED, Status.PAUSED]),
        )
    ).all()
    for stage, since in rows:
        days = (today - _day(since, zone)).days
        name = next((n for n, low, high in AGE_BUCKETS if low <= days <= high), OVER_60)
        ages[stage][name] += 1
    return ages


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # weeks start on Monday


def _weeks(today: date) -> list[date]:
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    return [first + timedelta(weeks=n) for n in range(WEEKS)]


def _per_week(days: list[date], today: date) -> list[Week]:
    counts: dict[date, int] = defaultdict(int)
    for day in days:
        counts[week_start(day)] += 1
    return [Week(start, counts.get(start, 0)) for start in _weeks(today)]


LISTED = (Status.ACTIVE, Status.STALLED, Status.PAUSED)  # as the public directory counts


def _listed_by_week(changes: list[Any], *, today: date, zone: tzinfo) -> list[Week]:
    """How many Hubs were listed (in the directory) at the end of each week: each change
    into the listing counts one more, each out of it (moved back, withdrawn) one fewer."""

    def listed(stage: Stage | None, status: Status | None) -> int:
        return int(stage is Stage.LISTED and status in LISTED)

    weeks = _weeks(today)
    ends = [start + timedelta(days=6) for start in weeks]
    steps = [0] * len(weeks)  # each week's changes; the first week's, all before it too
    for c in changes:
        step = listed(c.to_stage, c.to_status) - listed(c.from_stage, c.from_status)
        if step:
            week = bisect_left(ends, _day(c.at, zone))  # the first that ends on or after it
            if week < len(weeks):
                steps[week] += step
    return [Week(start, n) for start, n in zip(weeks, accumulate(steps), strict=True)]
