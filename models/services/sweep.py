"""What the daily sweep should do now: set-based queries over due dates (SPEC §3).

`plan` reads only; applying the plan is the sweep task's job. A dry run prints the same
plan the real run applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, exists, select
from sqlalchemy.orm import Session

from models.email import Email, MessageKind
from models.enums import ReviewState, Stage, Status
from models.hub import Contact, Hub
from models.legislature import District
from models.policy import Policy
from models.reminders import (
    HUB_REMINDER_KINDS,
    HubReminder,
    ReviewReminder,
    Window,
    hub_windows,
    review_windows,
    stall_due_before,
)
from models.review import ReviewTask
from models.services.clocks import OPEN, WORKING, waiting_for_staff
from models.staff import StaffMember


@dataclass(frozen=True, slots=True)
class HubFacts:
    id: int
    name: str
    district: str
    stage: Stage
    due_date: date
    token_version: int


@dataclass(frozen=True, slots=True)
class HubReminderPlan:
    hub: HubFacts
    kind: MessageKind
    n: int
    days: int  # days left (due soon) or days overdue (nudges)
    recipients: tuple[tuple[str, str], ...]  # (email, name)


@dataclass(frozen=True, slots=True)
class ReviewReminderPlan:
    task_id: int
    title: str
    task_due: date
    n: int
    days_overdue: int
    hub: HubFacts
    owner_email: str
    owner_name: str


@dataclass(frozen=True, slots=True)
class StallPlan:
    hub: HubFacts
    owner_id: int | None
    owner_email: str | None
    owner_name: str | None
    assign_owner: bool  # the Hub had no active owner: this one is next in the round
    days_overdue: int


@dataclass
class SweepPlan:
    now: datetime
    today: date
    hub_reminders: list[HubReminderPlan] = field(default_factory=list)
    stall: list[StallPlan] = field(default_factory=list)
    review_reminders: list[ReviewReminderPlan] = field(default_factory=list)
    held_back: int = 0  # contacts already reminded today: they get theirs tomorrow


def _facts(row: Row[Any]) -> HubFacts:
    return HubFacts(
        row.id, row.name, row.district, row.stage, row.stage_due_date, row.token_version
    )


_HUB_COLUMNS = (
    Hub.id,
    Hub.name,
    District.name.label("district"),
    Hub.stage,
    Hub.stage_due_date,
    Hub.token_version,
)


def _hubs_in(session: Session, window: Window) -> Iterator[tuple[HubFacts, str, str]]:
    """(hub, contact email, contact name) for Hubs whose due date is in the window and
    who have not had this reminder for this stage and due date."""
    already = exists().where(
        HubReminder.hub_id == Hub.id,
        HubReminder.stage == Hub.stage,
        HubReminder.due_date == Hub.stage_due_date,
        HubReminder.kind == window.kind,
        HubReminder.n == window.n,
    )
    stmt = (
        select(*_HUB_COLUMNS, Contact.email, Contact.name.label("contact"))
        .join(District, District.id == Hub.district_id)
        .join(Contact, Contact.hub_id == Hub.id)
        .where(
            Hub.stage.in_(WORKING),
            Hub.status.in_(OPEN),
            Hub.stage_due_date.between(window.due_from, window.due_to),
            ~waiting_for_staff(),
            ~already,
        )
        .order_by(Hub.id, Contact.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(stmt):
        yield _facts(row), row.email, row.contact


def _reminded_today(session: Session, today: date, policy: Policy) -> set[str]:
    """Addresses that already had a reminder today (in the campaign's time zone)."""
    midnight = datetime.combine(today, time(), tzinfo=ZoneInfo(policy.timezone)).astimezone(UTC)
    return set(
        session.scalars(
            select(Email.to_email).where(
                Email.kind.in_(HUB_REMINDER_KINDS), Email.created_at >= midnight
            )
        )
    )


def plan(session: Session, *, now: datetime, policy: Policy) -> SweepPlan:
    today = policy.today(now)
    result = SweepPlan(now=now, today=today)
    used = _reminded_today(session, today, policy)
    for window in hub_windows(today, policy):
        current: HubFacts | None = None
        recipients: list[tuple[str, str]] = []
        for hub, email, name in [*_hubs_in(session, window), (None, "", "")]:
            if current is not None and hub != current:
                result.held_back += _add(result, current, window, recipients, today, used)
                recipients = []
            current = hub
            if hub is not None and email not in {e for e, _ in recipients}:
                recipients.append((email, name))
    result.stall = _stalls(session, today, policy)
    for window in review_windows(today, policy):
        result.review_reminders += _tasks_in(session, window, today)
    session.commit()
    return result


def _add(
    result: SweepPlan,
    hub: HubFacts,
    window: Window,
    recipients: list[tuple[str, str]],
    today: date,
    used: set[str],
) -> int:
    """Plan one Hub's reminder to the contacts not yet reminded today; count the others."""
    fresh = tuple((e, n) for e, n in recipients if e not in used)
    if not fresh:
        return len(recipients)
    used.update(e for e, _ in fresh)
    days = abs((hub.due_date - today).days)
    result.hub_reminders.append(HubReminderPlan(hub, window.kind, window.n, days, fresh))
    return len(recipients) - len(fresh)


def _stalls(session: Session, today: date, policy: Policy) -> list[StallPlan]:
    """Hubs now past the stall point, each with the staff member who will check in."""
    rows = session.execute(
        select(
            *_HUB_COLUMNS,
            StaffMember.id.label("owner_id"),
            StaffMember.email.label("owner_email"),
            StaffMember.name.label("owner_name"),
        )
        .join(District, District.id == Hub.district_id)
        .outerjoin(StaffMember, and_(StaffMember.id == Hub.owner_id, StaffMember.active))
        .where(
            Hub.stage.in_(WORKING),
            Hub.status == Status.ACTIVE,
            Hub.stage_due_date <= stall_due_before(today, policy),
            ~waiting_for_staff(),
        )
        .order_by(Hub.id)
    ).all()
    rotation = (
        list(
            session.execute(
                select(StaffMember.id, StaffMember.email, StaffMember.name)
                .where(StaffMember.active)
                .order_by(StaffMember.last_assigned_at.asc().nulls_first(), StaffMember.id)
            ).all()
        )
        if any(r.owner_id is None for r in rows)
        else []
    )
    stalls = []
    for row in rows:
        owner, assign = (row.owner_id, row.owner_email, row.owner_name), False
        if row.owner_id is None and rotation:
            owner, assign = tuple(rotation[0]), True
            rotation = rotation[1:] + rotation[:1]
        stalls.append(
            StallPlan(
                _facts(row),
                *owner,
                assign_owner=assign,
                days_overdue=(today - row.stage_due_date).days,
            )
        )
    return stalls


def _tasks_in(session: Session, window: Window, today: date) -> list[ReviewReminderPlan]:
    already = exists().where(ReviewReminder.task_id == ReviewTask.id, ReviewReminder.n == window.n)
    rows = session.execute(
        select(
            ReviewTask.id.label("task_id"),
            ReviewTask.title,
            ReviewTask.due_date,
            StaffMember.email.label("owner_email"),
            StaffMember.name.label("owner_name"),
            *_HUB_COLUMNS,
        )
        .join(Hub, Hub.id == ReviewTask.hub_id)
        .join(District, District.id == Hub.district_id)
        .join(StaffMember, and_(StaffMember.id == ReviewTask.owner_id, StaffMember.active))
        .where(
            ReviewTask.state == ReviewState.OPEN,
            Hub.status.in_(OPEN),
            ReviewTask.due_date.between(window.due_from, window.due_to),
            ~already,
        )
        .order_by(ReviewTask.id)
    )
    return [
        ReviewReminderPlan(
            task_id=r.task_id,
            title=r.title,
            task_due=r.due_date,
            n=window.n,
            days_overdue=(today - r.due_date).days,
            hub=_facts(r),
            owner_email=r.owner_email,
            owner_name=r.owner_name,
        )
        for r in rows
    ]
