"""The campaign's view of the Hubs' work after listing (#32), read only: legislators moved
this session (by chamber and committee), co-sponsors month by month, Hubs by their last
report (on time, due, silent), and who works on each legislator with their last action."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import Chamber, Stage, Stance, Status
from models.hub import Hub
from models.legislature import (
    Committee,
    CommitteeMembership,
    District,
    Legislator,
    StanceChange,
)
from models.plan import PlanTarget
from models.progress import ProgressReport, ReportAction
from models.services.coverage import current_plans
from models.services.progress_views import OPEN


@dataclass(frozen=True, slots=True)
class Moved:
    legislator_id: int
    name: str
    chamber: Chamber
    before: Stance
    after: Stance
    at: datetime
    hub: str | None  # the Hub whose report it was, if any


@dataclass(frozen=True, slots=True)
class LastReport:
    hub_id: int
    name: str
    district: str
    last: datetime | None  # its last report (None: none since it was listed)
    due: date | None


@dataclass(frozen=True, slots=True)
class Working:
    legislator_id: int
    name: str
    chamber: Chamber
    stance: Stance
    hubs: list[str]
    last_action: tuple[date, str, str] | None  # (when, kind code, Hub)


@dataclass
class Progress:
    session_start: date
    moved: list[Moved] = field(default_factory=list)
    by_chamber: dict[str, int] = field(default_factory=dict)
    by_committee: list[tuple[str, int]] = field(default_factory=list)
    cosponsors: list[tuple[date, int]] = field(default_factory=list)  # month ends, today
    # Listed Hubs by their last report: how many are on time, due, silent, paused; and the
    # due and silent ones (the first `limit` of each, soonest due first).
    reports: dict[str, int] = field(default_factory=dict)
    due: list[LastReport] = field(default_factory=list)
    silent: list[LastReport] = field(default_factory=list)
    working: list[Working] = field(default_factory=list)

    @property
    def legislators_moved(self) -> int:
        return len({m.legislator_id for m in self.moved})

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, date | datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return {
            "session_start": self.session_start.isoformat(),
            "legislators_moved": self.legislators_moved,
            "moves": [plain(asdict(m)) for m in self.moved],
            "moved_by_chamber": self.by_chamber,
            "moved_by_committee": [{"committee": c, "moved": n} for c, n in self.by_committee],
            "cosponsors_by_month": [
                {"date": d.isoformat(), "cosponsors": n} for d, n in self.cosponsors
            ],
            "hubs_by_last_report": {
                **self.reports,
                "due_hubs": [plain(asdict(h)) for h in self.due],
                "silent_hubs": [plain(asdict(h)) for h in self.silent],
            },
            "working_on": [plain(asdict(w)) for w in self.working],
        }


def progress(
    session: Session,
    *,
    today: date,
    session_start: date,
    zone: tzinfo = UTC,
    public: bool = False,
    limit: int | None = 20,
) -> Progress:
    """The figures, days being the campaign's (`zone`); `public` leaves out what names
    Hubs (for /coverage), `limit` caps the lists of due and silent Hubs (None: all)."""
    found = Progress(session_start=session_start)
    found.moved = _moved(session, datetime.combine(session_start, time(), tzinfo=zone))
    moved = {m.legislator_id: m.chamber for m in found.moved}
    found.by_chamber = dict(Counter(chamber.value for chamber in moved.values()))
    found.by_committee = _by_committee(session, set(moved))
    found.cosponsors = _cosponsors(session, session_start, today, zone)
    _by_last_report(session, found, today, names=not public, limit=limit)
    found.working = [] if public else _working(session)
    return found


def _moved(session: Session, start: datetime) -> list[Moved]:
    """Every rise in a legislator's stance since `start`, oldest first."""
    rows = session.execute(
        select(StanceChange, Legislator.name, Legislator.chamber, Hub.name)
        .join(Legislator, Legislator.id == StanceChange.legislator_id)
        .outerjoin(Hub, Hub.id == StanceChange.hub_id)
        .where(StanceChange.at >= start)
        .order_by(StanceChange.at, StanceChange.id)
    ).all()
    return [
        Moved(c.legislator_id, name, chamber, c.from_stance, c.to_stance, c.at, hub)
        for c, name, chamber, hub in rows
        if c.to_stance.rank > c.from_stance.rank
    ]


def _by_committee(session: Session, ids: set[int]) -> list[tuple[str, int]]:
    if not ids:
        return []
    rows = session.execute(
        select(Committee.name, func.count(func.distinct(CommitteeMembership.legislator_id)))
        .join(CommitteeMembership, CommitteeMembership.committee_id == Committee.id)
        .where(CommitteeMembership.legislator_id.in_(ids))
        .group_by(Committee.name)
        .order_by(
            func.count(func.distinct(CommitteeMembership.legislator_id)).desc(), Committee.name
        )
    ).all()
    return [(name, n) for name, n in rows]


def month_ends(start: date, today: date) -> list[date]:
    """The last day of each month from `start`'s to the one before today's, then today."""
    days, month = [], date(start.year, start.month, 1)
    while True:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end >= today:
            break
        days.append(end)
        month = following
    return [*days, today]


def _cosponsors(session: Session, start: date, today: date, zone: tzinfo) -> list[tuple[date, int]]:
    """How many sitting state legislators were co-sponsors (or further) at each month's end:
    their stance then, read back from the history of changes."""
    current: dict[int, Stance] = {
        legislator_id: stance
        for legislator_id, stance in session.execute(
            select(Legislator.id, Legislator.stance).where(
                Legislator.active, Legislator.chamber.in_([Chamber.HOUSE, Chamber.SENATE])
            )
        ).all()
    }
    changes: dict[int, list[tuple[datetime, Stance, Stance]]] = defaultdict(list)
    for c in session.scalars(
        select(StanceChange)
        .where(StanceChange.legislator_id.in_(list(current)))
        .order_by(StanceChange.at, StanceChange.id)
    ):
        at = c.at if c.at.tzinfo else c.at.replace(tzinfo=UTC)
        changes[c.legislator_id].append((at, c.from_stance, c.to_stance))
    # A legislator whose stance never changed counts the same every month.
    steady = sum(
        stance.rank >= Stance.COSPONSOR.rank
        for legislator_id, stance in current.items()
        if legislator_id not in changes
    )
    times = {legislator_id: [at for at, _, _ in h] for legislator_id, h in changes.items()}
    points = []
    for day in month_ends(start, today):
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        count = steady
        for legislator_id, history in changes.items():
            i = bisect.bisect_left(times[legislator_id], end)
            stance = history[i - 1][2] if i else history[0][1]
            count += stance.rank >= Stance.COSPONSOR.rank
        points.append((day, count))
    return points


def _by_last_report(
    session: Session, found: Progress, today: date, *, names: bool, limit: int | None
) -> None:
    listed = (Hub.stage == Stage.LISTED, Hub.status.in_(OPEN))
    by_status = dict(
        (status, n)
        for status, n in session.execute(
            select(Hub.status, func.count()).where(*listed).group_by(Hub.status)
        ).all()
    )
    due = (
        session.scalar(
            select(func.count()).where(
                *listed, Hub.status == Status.ACTIVE, Hub.stage_due_date <= today
            )
        )
        or 0
    )
    found.reports = {
        "on_time": by_status.get(Status.ACTIVE, 0) - due,
        "due": due,
        "silent": by_status.get(Status.STALLED, 0),
        "paused": by_status.get(Status.PAUSED, 0),
    }
    if not names:
        return
    found.due = _listed(session, limit, Hub.status == Status.ACTIVE, Hub.stage_due_date <= today)
    found.silent = _listed(session, limit, Hub.status == Status.STALLED)


def _listed(session: Session, limit: int | None, *where: Any) -> list[LastReport]:
    """Listed Hubs matching `where`, soonest due first, each with its last report."""
    last = (
        select(func.max(ProgressReport.submitted_at))
        .where(ProgressReport.hub_id == Hub.id)
        .scalar_subquery()
    )
    stmt = (
        select(Hub.id, Hub.name, District.name.label("district"), Hub.stage_due_date, last)
        .join(District, District.id == Hub.district_id)
        .where(Hub.stage == Stage.LISTED, *where)
        .order_by(Hub.stage_due_date, Hub.name)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [LastReport(r[0], r[1], r[2], r[4], r[3]) for r in session.execute(stmt).all()]


def _working(session: Session) -> list[Working]:
    """Each legislator a current plan targets: the Hubs on them, the action last reported."""
    targets = session.execute(
        select(PlanTarget.legislator_id, Hub.name)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(
            PlanTarget.submission_id.in_(current_plans()),
            PlanTarget.legislator_id.is_not(None),
            Hub.status.in_(OPEN),
        )
        .order_by(Hub.name)
    ).all()
    on: dict[int, dict[str, None]] = defaultdict(dict)  # each legislator's Hubs, A to Z, once
    for legislator_id, name in targets:
        on[legislator_id][name] = None
    hubs = {legislator_id: list(names) for legislator_id, names in on.items()}
    if not hubs:
        return []
    latest = (
        select(ReportAction.legislator_id, func.max(ReportAction.id).label("id"))
        .where(ReportAction.legislator_id.in_(list(hubs)))
        .group_by(ReportAction.legislator_id)
        .subquery()
    )
    last = {
        a.legislator_id: (a.done_on, a.kind, hub)
        for a, hub in session.execute(
            select(ReportAction, Hub.name)
            .join(latest, latest.c.id == ReportAction.id)
            .join(Hub, Hub.id == ReportAction.hub_id)
        ).all()
    }
    legislators = session.scalars(
        select(Legislator).where(Legislator.id.in_(list(hubs))).order_by(Legislator.name)
    ).all()
    return [
        Working(leg.id, leg.name, leg.chamber, leg.stance, hubs[leg.id], last.get(leg.id))
        for leg in legislators
    ]
