"""Whose move it is (SPEC §9): a Hub's clock runs only while the next move is the Hub's;
while its work waits on staff (an intro call, a submission to review) the review clock
runs instead. One set of rules, read by the sweep, every page, export, report and email."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Exists, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from models.enums import Stage, Status, SubmissionState, Term
from models.hub import Hub, Submission
from models.words import plural

# Stages whose deadline is the Hub's to meet (at interest the next move is an intro call;
# once listed, the deadline is its next progress report).
WORKING = (Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN, Stage.LISTED)
OPEN = (Status.ACTIVE, Status.STALLED)


class Whose(StrEnum):
    HUB = "hub"  # the Hub's clock runs: its due date counts
    TEAM = "team"  # waiting on staff: the review clock runs
    NOBODY = "nobody"  # paused, withdrawn or declined: no clock runs

    @property
    def label(self) -> str:
        return {"hub": "The Hub", "team": f"The {Term.TEAM.label}", "nobody": "Nobody"}[self]


def waiting_for_staff() -> Exists:
    """(SQL) the Hub's work for its current stage waits for a decision."""
    return exists().where(
        Submission.hub_id == Hub.id,
        Submission.stage == Hub.stage,
        Submission.state == SubmissionState.PENDING,
    )


def teams_move() -> ColumnElement[bool]:
    """(SQL) the next move is staff's: an intro call, or a submission to decide."""
    return and_(Hub.status.in_(OPEN), or_(Hub.stage == Stage.INTEREST, waiting_for_staff()))


def waiting_since() -> ColumnElement[datetime]:
    """(SQL) since when the next move has been staff's (for Hubs where it is)."""
    pending = (
        select(func.min(Submission.submitted_at))
        .where(
            Submission.hub_id == Hub.id,
            Submission.stage == Hub.stage,
            Submission.state == SubmissionState.PENDING,
        )
        .scalar_subquery()
    )
    return func.coalesce(pending, Hub.stage_entered_at)


def hubs_move() -> ColumnElement[bool]:
    """(SQL) the next move is the Hub's: its due date counts (what the sweep nudges)."""
    return and_(Hub.status.in_(OPEN), Hub.stage.in_(WORKING), ~waiting_for_staff())


@dataclass(frozen=True, slots=True)
class Move:
    """Whose move it is, and since when (staff's) or by when (the Hub's)."""

    whose: Whose
    since: date | None = None  # waiting on staff since this day
    due: date | None = None  # the Hub's due date
    why: str = ""  # for Whose.NOBODY: "listed", "paused", ...

    def days_waiting(self, today: date) -> int:
        return (today - self.since).days if self.since is not None else 0

    def days_late(self, today: date) -> int:
        """Days past the Hub's deadline (0 when not the Hub's move or not late)."""
        if self.whose is not Whose.HUB or self.due is None:
            return 0
        return max((today - self.due).days, 0)

    def words(self, today: date) -> str:
        """'waiting on the GO! Team for 9 days', 'due in 4 days', '11 days past its deadline'."""
        if self.whose is Whose.TEAM:
            days = self.days_waiting(today)
            team = f"the {Term.TEAM.label}"
            return f"waiting on {team} for {plural(days, 'day')}" if days else f"with {team} today"
        if self.whose is Whose.HUB and self.due is not None:
            delta = (self.due - today).days
            if delta > 0:
                return f"due in {plural(delta, 'day')}"
            return "due today" if delta == 0 else f"{plural(-delta, 'day')} past its deadline"
        return self.why


def move_of(hub: Hub, *, waiting_since: datetime | None, zone: tzinfo) -> Move:
    """Whose move it is for `hub`; `waiting_since` is when its pending submission for the
    current stage was handed in (None: nothing pending)."""
    if hub.status not in OPEN:
        return Move(Whose.NOBODY, why=hub.status.label.lower())
    if hub.stage is Stage.LISTED:  # its next progress report (no submission waits)
        return Move(Whose.HUB, due=hub.stage_due_date)
    if waiting_since is None and hub.stage is Stage.INTEREST:
        waiting_since = hub.stage_entered_at
    if waiting_since is not None:
        return Move(Whose.TEAM, since=_day(waiting_since, zone))
    return Move(Whose.HUB, due=hub.stage_due_date)


def _day(moment: datetime, zone: tzinfo) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).date()


def moves(session: Session, hubs: Iterable[Hub], *, zone: tzinfo) -> dict[int, Move]:
    """Whose move it is for each of `hubs`, in one query for their pending submissions."""
    hubs = list(hubs)
    ids = [h.id for h in hubs]
    since: dict[int, datetime] = {}
    for start in range(0, len(ids), 500):
        since.update(
            session.execute(
                select(Submission.hub_id, func.min(Submission.submitted_at))
                .join(Hub, Hub.id == Submission.hub_id)
                .where(
                    Submission.hub_id.in_(ids[start : start + 500]),
                    Submission.stage == Hub.stage,
                    Submission.state == SubmissionState.PENDING,
                )
                .group_by(Submission.hub_id)
            )
            .tuples()
            .all()
        )
    return {h.id: move_of(h, waiting_since=since.get(h.id), zone=zone) for h in hubs}
