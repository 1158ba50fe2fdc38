"""What the dashboard's time figures (figures.py) are made from, Hub by Hub, brought up to date
from the rows added since the last look instead of read again whole: at 50,000 Hubs reading
every stage change and submission takes seconds; the rows added since, milliseconds.

A Hub's materials come from its own rows only, so a Hub with a new stage change or a new or
decided submission is worked out again from all of its rows. Stage changes are only ever
added; a submission is added, then decided once (a decision that changes what a Hub's
figures count, an approval, also moves the Hub: a stage change). The rows added are those
past the highest id seen, and the last OVERLAP ids are read again (a transaction may commit a
lower id after a higher one was read). Counts check the rest: a table whose rows do not add
up (a row committed later than that, rows deleted, a database made again) is read whole.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.enums import Stage, Status, SubmissionState
from models.hub import Submission
from models.services.directory import LISTED_STATUSES

OVERLAP = 2000  # ids read again at each look
CHUNK = 500  # Hubs read at once when worked out again

CHANGE_COLUMNS = (
    StageChange.id,
    StageChange.hub_id,
    StageChange.at,
    StageChange.from_stage,
    StageChange.to_stage,
    StageChange.from_status,
    StageChange.to_status,
)
SUBMISSION_COLUMNS = (
    Submission.id,
    Submission.hub_id,
    Submission.stage,
    Submission.state,
    Submission.submitted_at,
    Submission.decided_at,
)


@dataclass(frozen=True, slots=True)
class HubMaterials:
    entered: frozenset[Stage]  # every stage it ever entered
    # Each stage it was approved out of: days on its own clock, days waiting on staff.
    times: tuple[tuple[Stage, float, float], ...]
    steps: tuple[tuple[datetime, int], ...]  # into (+1) or out of (-1) the listing, when


def days(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds() / 86400, 1)


def _listed(stage: Stage | None, status: Status | None) -> int:
    return int(stage is Stage.LISTED and status in LISTED_STATUSES)  # as the directory counts


def materials(changes: Sequence[Any], subs: Sequence[Any]) -> HubMaterials:
    """One Hub's materials from its stage changes (by time, then id) and its submissions (by
    stage, then version)."""
    entered_at: dict[Stage, datetime] = {}
    for c in changes:
        if c.from_stage is None or c.from_stage != c.to_stage:  # a status change is no entry
            entered_at[c.to_stage] = c.at  # the latest entry into each stage
    versions: dict[Stage, list[Any]] = defaultdict(list)
    for s in subs:
        versions[s.stage].append(s)
    times = []
    for stage, handed_in in versions.items():
        start = entered_at.get(stage)
        if start is None or handed_in[-1].state is not SubmissionState.APPROVED:
            continue
        mine = team = 0.0  # its clock ran from entering (or being sent back) to each hand-in
        for s in handed_in:
            if s.submitted_at < start:
                continue  # handed in before the latest entry (it was moved back since)
            mine += max(days(s.submitted_at, start), 0.0)
            if s.decided_at is not None:
                team += days(s.decided_at, s.submitted_at)
                start = s.decided_at
        times.append((stage, round(mine, 1), round(team, 1)))
    steps = tuple(
        (c.at, step)
        for c in changes
        if (step := _listed(c.to_stage, c.to_status) - _listed(c.from_stage, c.from_status))
    )
    entered = frozenset(entered_at)
    return HubMaterials(_SHARED.setdefault(entered, entered), tuple(times), steps)


# Hubs share a few sets of stages entered: each set kept once (the ledger of 50,000 Hubs:
# 23.5 MiB, 33.8 without).
_SHARED: dict[frozenset[Stage], frozenset[Stage]] = {}


@dataclass
class _Tail:
    """What was seen of one table: how many rows, its highest id, its last ids' rows."""

    count: int = 0
    top: int = 0
    rows: dict[int, tuple[Any, ...]] = field(default_factory=dict)

    def since(self) -> int:
        return self.top - OVERLAP

    def added(self, rows: Sequence[Any], count: int) -> tuple[set[int], bool]:
        """The Hubs of the rows added or changed in the tail, and whether the table adds up."""
        hubs: set[int] = set()
        added = 0
        for row in rows:
            before = self.rows.get(row.id)
            if before is None:
                added += 1
            elif before == tuple(row):
                continue
            hubs.add(row.hub_id)
        gone = len(self.rows) - (len(rows) - added)  # rows seen before and not there now
        return hubs, gone == 0 and count == self.count + added

    def seen(self, rows: Sequence[Any], count: int) -> None:
        self.count = count
        self.top = max([self.top, *(row.id for row in rows)])
        self.rows = {row.id: tuple(row) for row in rows if row.id > self.since()}


@dataclass
class _Book:
    hubs: dict[int, HubMaterials] = field(default_factory=dict)
    changes: _Tail = field(default_factory=_Tail)
    submissions: _Tail = field(default_factory=_Tail)


class Ledger:
    """Each database's books (by its URL), brought up to date when asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._books: dict[str, _Book] = {}
        self.read_whole = 0  # how many times a book was read whole (for tests and benches)

    def hubs(self, session: Session) -> dict[int, HubMaterials]:
        """Every Hub's materials as the database holds them now. Shared between threads and
        views: never change it (a look that finds changes makes a new one)."""
        where = str(session.get_bind().engine.url)
        with self._lock:
            book = self._books.get(where)
            if book is None or not _brought_up_to_date(session, book):
                book = self._books[where] = _read_whole(session)
                self.read_whole += 1
            return book.hubs

    def forget(self) -> None:
        with self._lock:
            self._books.clear()


LEDGER = Ledger()


def _counts(session: Session) -> tuple[int, int]:
    changes, submissions = session.execute(
        select(
            select(func.count(StageChange.id)).scalar_subquery(),
            select(func.count(Submission.id)).scalar_subquery(),
        )
    ).one()
    return int(changes), int(submissions)


def _tails(session: Session, book: _Book) -> tuple[list[Any], list[Any]]:
    changes = select(*CHANGE_COLUMNS).where(StageChange.id > book.changes.since())
    subs = select(*SUBMISSION_COLUMNS).where(Submission.id > book.submissions.since())
    return list(session.execute(changes)), list(session.execute(subs))


# Each look reads the counts, then the tails, then the Hubs' rows: a row committed between two
# of these reads is caught at the next look (as an added row, or by the counts), never lost.


def _brought_up_to_date(session: Session, book: _Book) -> bool:
    """Work out again the Hubs whose rows changed since the last look; False when the tables
    do not add up, or so many Hubs changed that reading them whole is quicker."""
    counts = _counts(session)
    changes, subs = _tails(session, book)
    changed, changes_add_up = book.changes.added(changes, counts[0])
    decided, subs_add_up = book.submissions.added(subs, counts[1])
    affected = changed | decided
    if not (changes_add_up and subs_add_up) or len(affected) > max(CHUNK, len(book.hubs) // 5):
        return False
    if affected:  # a new dict: a thread still adding up the last one keeps it whole
        hubs = dict(book.hubs)
        for some in _chunks(sorted(affected)):
            hubs.update(_work_out(session, some))
        book.hubs = hubs
    book.changes.seen(changes, counts[0])
    book.submissions.seen(subs, counts[1])
    return True


def _read_whole(session: Session) -> _Book:
    counts = _counts(session)
    book = _Book()
    tops = session.execute(
        select(
            select(func.max(StageChange.id)).scalar_subquery(),
            select(func.max(Submission.id)).scalar_subquery(),
        )
    ).one()
    book.changes.top, book.submissions.top = tops[0] or 0, tops[1] or 0
    changes, subs = _tails(session, book)
    book.changes.seen(changes, counts[0])
    book.submissions.seen(subs, counts[1])
    book.hubs = _work_out(session, None)
    return book


def _work_out(session: Session, hub_ids: list[int] | None) -> dict[int, HubMaterials]:
    """The materials of these Hubs (None: every Hub with a row)."""
    changes_of: dict[int, list[Any]] = defaultdict(list)
    subs_of: dict[int, list[Any]] = defaultdict(list)
    changes: Select[Any] = select(*CHANGE_COLUMNS).order_by(StageChange.at, StageChange.id)
    subs: Select[Any] = select(*SUBMISSION_COLUMNS).order_by(
        Submission.hub_id, Submission.stage, Submission.version
    )
    if hub_ids is not None:
        changes = changes.where(StageChange.hub_id.in_(hub_ids))
        subs = subs.where(Submission.hub_id.in_(hub_ids))
    for c in session.execute(changes):
        changes_of[c.hub_id].append(c)
    for s in session.execute(subs):
        subs_of[s.hub_id].append(s)
    ids: Iterable[int] = hub_ids if hub_ids is not None else set(changes_of) | set(subs_of)
    return {hub: materials(changes_of.get(hub, ()), subs_of.get(hub, ())) for hub in ids}


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
