"""What the campaign's overview pages show, kept between views and worked out again only
when what it is made from changes: the dashboard, /coverage, the legislators' page, the
progress figures. At 50,000 Hubs working them out takes a second; telling whether anything
changed takes one query of indexed maxima.

Two things tell a change. Any process's write to a watched table moves a mark in the
database (an id, or a time its write set: `updated_at`, `decided_at`): a web process sees
what a flow run or the CLI changed. A write by this process moves its own counter at once,
before any mark could (time may stand still in tests, or two writes share a microsecond).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.hub import Hub, Submission
from models.legislature import Legislator, StanceChange
from models.newcomer import Newcomer
from models.progress import ProgressReport, ReportAction
from models.review import ReviewTask

T = TypeVar("T")

# The tables the kept views are made from: a write to one of them by this process forgets
# them at once. (Emails, events and logins are written all day and change none of them.)
WATCHED = (
    "hubs",
    "submissions",
    "plan_targets",
    "review_tasks",
    "stage_changes",
    "districts",
    "legislators",
    "committees",
    "committee_memberships",
    "stance_changes",
    "progress_reports",
    "report_actions",
    "newcomers",
    "staff_members",
)
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|TRUNCATE(?:\s+TABLE)?)"
    r"\s+\"?(\w+)",
    re.IGNORECASE,
)

# What moves when any process writes what the views show (each column indexed, or its
# table small): new rows by id; changed rows by the time their write set.
MARKS = (
    func.max(Hub.updated_at),
    func.max(Submission.id),
    func.max(Submission.decided_at),
    func.max(ReviewTask.id),
    func.max(ReviewTask.updated_at),
    func.max(StageChange.id),
    func.max(Legislator.updated_at),
    func.max(StanceChange.id),
    func.max(ProgressReport.id),
    func.max(ReportAction.decided_at),
    func.max(Newcomer.id),
    func.max(Newcomer.updated_at),
)


class _Writes:
    """This process's writes to the watched tables, counted."""

    def __init__(self) -> None:
        self.count = 0

    def seen(self, statement: str) -> None:
        found = _WRITE.match(statement)
        if found and found.group(1).lower() in WATCHED:
            self.count += 1  # under the GIL; a lost increment is caught by the marks


WRITES = _Writes()


@event.listens_for(Engine, "before_cursor_execute")
def _written(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    WRITES.seen(statement)


def mark(session: Session) -> tuple[Any, ...]:
    """Where the watched tables stand: one statement of indexed maxima."""
    row = session.execute(select(*(select(m).scalar_subquery() for m in MARKS))).one()
    return (str(session.get_bind().engine.url), *row)


class Kept:
    """Views by key, each with the marks it was made at; the latest `size` keys."""

    def __init__(self, size: int = 64) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._slots: OrderedDict[Hashable, tuple[tuple[Any, ...], Any]] = OrderedDict()

    def get(self, key: Hashable, marks: tuple[Any, ...]) -> Any:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None or slot[0] != marks:
                return None
            self._slots.move_to_end(key)
            return slot[1]

    def keep(self, key: Hashable, marks: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._slots[key] = (marks, value)
            self._slots.move_to_end(key)
            while len(self._slots) > self._size:
                self._slots.popitem(last=False)

    def forget(self) -> None:
        with self._lock:
            self._slots.clear()


KEPT = Kept()


def kept(session: Session, key: Hashable, work_out: Callable[[], T]) -> T:
    """`work_out()`, or what it gave last time for `key` if nothing watched has changed
    since. What it returns is shared between views: never change it."""
    writes = WRITES.count
    marks = (writes, *mark(session))
    found = KEPT.get(key, marks)
    if found is None:
        found = work_out()
        KEPT.keep(key, marks, found)
    return found
