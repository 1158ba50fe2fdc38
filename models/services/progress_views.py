"""A listed Hub's work as pages read it (#32): its reports, its latest plan, the Hubs on a
legislator, a legislator's history of stances, the move a review task is about. The
campaign's figures are in progress_figures.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from models.enums import ReviewKind, Stage, Stance, Status
from models.hub import Hub, Submission
from models.legislature import Legislator, StanceChange
from models.plan import PlanTarget
from models.progress import ProgressReport, ReportAction
from models.review import ReviewTask
from models.services.coverage import is_current_plan
from models.services.staff import staff_names

OPEN = (Status.ACTIVE, Status.STALLED, Status.PAUSED)


def _targeting(legislator_id: int) -> ColumnElement[bool]:
    return Hub.status.in_(OPEN) & Hub.id.in_(
        select(PlanTarget.hub_id).where(
            PlanTarget.legislator_id == legislator_id, is_current_plan()
        )
    )


def hubs_targeting(session: Session, legislator_id: int) -> list[Hub]:
    """The Hubs (not withdrawn or declined) whose current plan targets the legislator,
    with their contacts (to tell each of them)."""
    return list(
        session.scalars(
            select(Hub)
            .where(_targeting(legislator_id))
            .options(selectinload(Hub.contacts))
            .order_by(Hub.id)
        )
    )


def some_hubs_targeting(
    session: Session, legislator_id: int, *, limit: int
) -> tuple[list[tuple[int, str, Stage, Status]], int]:
    """The first `limit` of those Hubs by name (id, name, stage, status), and how many
    there are: a legislator of a large campaign has hundreds."""
    where = _targeting(legislator_id)
    first = session.execute(
        select(Hub.id, Hub.name, Hub.stage, Hub.status)
        .where(where)
        .order_by(Hub.name, Hub.id)
        .limit(limit)
    ).tuples()
    return list(first), session.scalar(select(func.count(Hub.id)).where(where)) or 0


def reported_action(session: Session, action_id: int) -> ReportAction | None:
    """One legislator's part of a report (a claimed move is one)."""
    found = session.get(ReportAction, action_id)
    session.commit()  # end the read
    return found


def reports_of(session: Session, hub_id: int) -> list[ProgressReport]:
    """The Hub's progress reports with what each says, newest first."""
    return list(
        session.scalars(
            select(ProgressReport)
            .where(ProgressReport.hub_id == hub_id)
            .options(selectinload(ProgressReport.actions))
            .order_by(ProgressReport.version.desc())
        )
    )


def latest_plan(session: Session, hub_id: int) -> Submission | None:
    """The Hub's latest strategic plan, whatever became of it."""
    return session.scalar(
        select(Submission)
        .where(Submission.hub_id == hub_id, Submission.stage == Stage.STRATEGIC_PLAN)
        .order_by(Submission.version.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of a legislator's stance: who, when, from, to, the evidence, the Hub."""

    at: datetime
    actor: str
    before: Stance
    after: Stance
    evidence: str
    hub_id: int | None
    hub: str | None


def history(session: Session, legislator_id: int) -> list[HistoryEntry]:
    """The legislator's stance over time, oldest first: who recorded each change (a staff
    member by name), each Hub credited by name."""
    names = staff_names(session)
    rows = session.execute(
        select(StanceChange, Hub.name)
        .outerjoin(Hub, Hub.id == StanceChange.hub_id)
        .where(StanceChange.legislator_id == legislator_id)
        .order_by(StanceChange.at, StanceChange.id)
    ).all()
    return [
        HistoryEntry(
            c.at,
            names.get(c.actor, c.actor.partition(":")[2] or c.actor),
            c.from_stance,
            c.to_stance,
            c.reason,
            c.hub_id,
            hub,
        )
        for c, hub in rows
    ]


@dataclass(frozen=True, slots=True)
class Claim:
    """A move a Hub's report claims, as staff judge it."""

    action: ReportAction
    report: ProgressReport
    legislator: Legislator
    hub: Hub


def claim_for(session: Session, task: ReviewTask) -> Claim | None:
    """The claimed move a review task is about (None for any other task)."""
    if task.kind is not ReviewKind.MOVE_CLAIM or not task.key.startswith("claim:"):
        return None
    action = session.get(ReportAction, int(task.key.removeprefix("claim:")))
    if action is None or action.legislator_id is None:
        return None
    report = session.get(ProgressReport, action.report_id)
    legislator = session.get(Legislator, action.legislator_id)
    hub = session.get(Hub, action.hub_id)
    if report is None or legislator is None or hub is None:
        return None
    return Claim(action, report, legislator, hub)


def actions_on(
    session: Session, legislator_id: int, *, limit: int = 20
) -> list[tuple[ReportAction, str]]:
    """What Hubs reported doing with the legislator, newest first, with each Hub's name."""
    return [
        (action, name)
        for action, name in session.execute(
            select(ReportAction, Hub.name)
            .join(Hub, Hub.id == ReportAction.hub_id)
            .where(ReportAction.legislator_id == legislator_id)
            .order_by(ReportAction.done_on.desc(), ReportAction.id.desc())
            .limit(limit)
        ).tuples()
    ]
