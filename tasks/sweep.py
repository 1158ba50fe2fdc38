"""Applying the sweep's plan: reminders queued, stalled Hubs escalated, owners nudged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prefect import task
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import MessageKind
from models.enums import ReviewKind, Status
from models.events import EventType
from models.hub import Hub
from models.reminders import HubReminder, ReviewReminder
from models.services.common import Actor, emit, move, transaction
from models.services.review_tasks import ensure_review_task, review_due
from models.services.sweep import (
    HubFacts,
    HubReminderPlan,
    ReviewReminderPlan,
    StallPlan,
    SweepPlan,
    plan,
)
from models.staff import StaffMember
from plumbing.db import session_factory
from plumbing.email.outbox import (
    Recipient,
    email_row,
    insert_emails,
    insert_ignoring_duplicates,
    suppressed_among,
)
from plumbing.settings import Settings, get_settings
from tasks.contexts import hub_fields, staff_url


@dataclass(frozen=True, slots=True)
class Planned:
    """One email the sweep sends: what a dry run lists and the real run queues."""

    kind: str
    to: str
    hub_id: int
    detail: str


@dataclass
class SweepReport:
    emails: list[Planned] = field(default_factory=list)
    stalled: list[int] = field(default_factory=list)
    held_back: int = 0
    emails_queued: int = 0


def _hub(facts: HubFacts, settings: Settings) -> dict[str, Any]:
    return hub_fields(
        id=facts.id,
        name=facts.name,
        district=facts.district,
        stage=facts.stage,
        due=facts.due_date,
        token_version=facts.token_version,
        settings=settings,
    )


def planned_emails(p: SweepPlan) -> list[Planned]:
    """Every email the plan sends, in a stable order."""
    out = [
        Planned(r.kind, email, r.hub.id, f"{r.hub.stage.value} {r.kind} {r.n}")
        for r in p.hub_reminders
        for email, _ in r.recipients
    ]
    out += [
        Planned(
            MessageKind.STALLED_ESCALATION.value,
            s.owner_email,
            s.hub.id,
            f"{s.days_overdue} days overdue",
        )
        for s in p.stall
        if s.owner_email
    ]
    out += [
        Planned(
            MessageKind.REVIEW_OVERDUE.value,
            r.owner_email,
            r.hub.id,
            f"{r.title} ({r.days_overdue} days)",
        )
        for r in p.review_reminders
    ]
    return out


def make_plan(sessions: sessionmaker[Session], *, settings: Settings, now: Any) -> SweepPlan:
    with sessions() as session:
        return plan(session, now=now, policy=settings.policy)


# Emails per transaction: memory stays flat however many Hubs are due, and a sweep that
# dies mid-way keeps its finished chunks (their reminders are marked with their emails, so
# the next sweep plans only the rest).
CHUNK = 2000


def apply(
    sessions: sessionmaker[Session],
    p: SweepPlan,
    *,
    settings: Settings,
    chunk: int = CHUNK,  # at least 1
    phase: Callable[[str], None] = lambda what: None,
) -> SweepReport:
    """Queue every planned email and record every reminder and stall, a chunk at a time,
    each chunk one transaction."""
    report = SweepReport(emails=planned_emails(p), held_back=p.held_back)
    total = len(report.emails)
    parts: list[tuple[Callable[[Session, Any], list[dict[str, Any]]], list[Any], int]] = [
        (lambda s, items: _hub_reminders(s, items, p, settings), p.hub_reminders, chunk),
        # A stall is heavier (status, event, task): fewer to a transaction.
        (lambda s, items: _escalations(s, items, p, settings, report), p.stall, chunk // 4 or 1),
        (lambda s, items: _review_reminders(s, items, p, settings), p.review_reminders, chunk),
    ]
    for write, items, size in parts:
        for start in range(0, len(items), size):
            with sessions() as session, transaction(session):
                rows = write(session, items[start : start + size])
                report.emails_queued += insert_emails(session, rows)
            phase(f"queued {report.emails_queued:,} of {total:,} emails")
    return report


def _hub_reminders(
    session: Session, reminders: list[HubReminderPlan], p: SweepPlan, settings: Settings
) -> list[dict[str, Any]]:
    kinds = {
        "due_soon": MessageKind.DUE_SOON,
        "due_today": MessageKind.DUE_TODAY,
        "overdue_nudge": MessageKind.OVERDUE_NUDGE,
    }
    suppressed = suppressed_among(session, {e for r in reminders for e, _ in r.recipients})
    rows, marks = [], []
    for r in reminders:
        kind = kinds[r.kind]
        context = {
            "hub": _hub(r.hub, settings),
            "days_left": r.days,
            "days_overdue": r.days,
            "nudge_number": r.n,
        }
        key = f"hub-{r.hub.id}/{kind}/{r.hub.stage}/{r.hub.due_date}/{r.n}"
        rows += [
            email_row(
                key=key,
                kind=kind,
                to=Recipient(email, name),
                context=context,
                hub_id=r.hub.id,
                now=p.now,
                suppressed=email.lower() in suppressed,
            )
            for email, name in r.recipients
        ]
        marks.append(
            {
                "hub_id": r.hub.id,
                "stage": r.hub.stage,
                "due_date": r.hub.due_date,
                "kind": r.kind,
                "n": r.n,
                "sent_on": p.today,
                "created_at": p.now,
            }
        )
    insert_ignoring_duplicates(session, HubReminder.__table__, marks)
    return rows


def _escalations(
    session: Session,
    stalls: list[StallPlan],
    p: SweepPlan,
    settings: Settings,
    report: SweepReport,
) -> list[dict[str, Any]]:
    """Stalled: the status changes, the owner gets a check-in task and an email."""
    rows = []
    actor = Actor.system("sweep")
    for s in stalls:
        hub = session.get(Hub, s.hub.id, with_for_update=True)
        if hub is None or hub.status is not Status.ACTIVE:
            continue
        if s.assign_owner and s.owner_id is not None:
            hub.owner_id = s.owner_id
            owner = session.get(StaffMember, s.owner_id)
            if owner is not None:
                owner.last_assigned_at = p.now
        move(
            session,
            hub,
            stage=hub.stage,
            status=Status.STALLED,
            actor=actor,
            reason=f"{s.days_overdue} days past the {hub.stage.label.lower()} due date",
            now=p.now,
            policy=settings.policy,
        )
        emit(
            session,
            EventType.STALLED,
            hub,
            p.now,
            stage=hub.stage.value,
            days_overdue=s.days_overdue,
        )
        task, _ = ensure_review_task(
            session,
            key=f"check-in:{hub.id}:{hub.stage}:{s.hub.due_date}",
            hub=hub,
            kind=ReviewKind.CHECK_IN,
            stage=hub.stage,
            title=f"Check in with {hub.name}",
            due=review_due(p.today, settings.policy.review_due_days),
            now=p.now,
        )
        report.stalled.append(hub.id)
        if s.owner_email:
            rows.append(
                email_row(
                    key=f"hub-{hub.id}/stalled_escalation/{hub.stage}/{s.hub.due_date}",
                    kind=MessageKind.STALLED_ESCALATION,
                    to=Recipient(s.owner_email, s.owner_name or "", staff=True),
                    context={
                        "hub": _hub(s.hub, settings),
                        "days_overdue": s.days_overdue,
                        "task": {
                            "title": task.title,
                            "url": staff_url(settings, f"reviews/{task.id}"),
                        },
                    },
                    hub_id=hub.id,
                    now=p.now,
                    suppressed=False,
                )
            )
    return rows


def _review_reminders(
    session: Session, reminders: list[ReviewReminderPlan], p: SweepPlan, settings: Settings
) -> list[dict[str, Any]]:
    rows, marks = [], []
    for r in reminders:
        task_ctx = {
            "title": r.title,
            "due_date": r.task_due.isoformat(),
            "url": staff_url(settings, f"reviews/{r.task_id}"),
            "days_overdue": r.days_overdue,
        }
        rows.append(
            email_row(
                key=f"review-{r.task_id}/review_overdue/{r.n}",
                kind=MessageKind.REVIEW_OVERDUE,
                to=Recipient(r.owner_email, r.owner_name, staff=True),
                context={"hub": _hub(r.hub, settings), "task": task_ctx},
                hub_id=r.hub.id,
                now=p.now,
                suppressed=False,
            )
        )
        marks.append({"task_id": r.task_id, "n": r.n, "sent_on": p.today, "created_at": p.now})
    insert_ignoring_duplicates(session, ReviewReminder.__table__, marks)
    return rows


def run_sweep(
    sessions: sessionmaker[Session] | None = None,
    *,
    now: Any = None,
    dry_run: bool = False,
    settings: Settings | None = None,
    phase: Callable[[str], None] = lambda what: None,
) -> SweepReport:
    """Plan, then (unless a dry run) apply: the whole sweep without Prefect. `phase` hears
    what is being done, for a progress display."""
    sessions, settings = sessions or session_factory(), settings or get_settings()
    phase("finding what is due")
    p = make_plan(sessions, settings=settings, now=now or utcnow())
    if dry_run:
        return SweepReport(
            emails=planned_emails(p), stalled=[s.hub.id for s in p.stall], held_back=p.held_back
        )
    return apply(sessions, p, settings=settings, phase=phase)


@task(retries=2, retry_delay_seconds=[5, 30])
def sweep_due_dates(now: Any, dry_run: bool) -> SweepReport:
    """Find what is due with set-based queries; queue reminders, escalate stalled Hubs."""
    return run_sweep(now=now, dry_run=dry_run)
