"""Applying the sweep's plan: reminders queued, stalls recorded, owners nudged (the
emails themselves are built by tasks/reactions/clock.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prefect import task
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import MessageKind
from models.hub import Hub
from models.services.common import transaction
from models.services.status import record_stall
from models.services.sweep import StallPlan, SweepPlan, plan
from plumbing.db import session_factory
from plumbing.settings import Settings, get_settings
from tasks.reactions import clock, newcomers


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
    newcomer_tasks: int = 0  # newcomers not reached in two weeks: a task for the owner


def planned_emails(p: SweepPlan) -> list[Planned]:
    """Every email the plan sends, in a stable order."""
    out = [
        Planned(r.kind.value, email, r.hub.id, f"{r.hub.stage.value} {r.kind} {r.n}")
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
    """Queue every reminder and record every stall, a chunk at a time, each chunk one
    transaction. A stall's escalation email is its event's reaction, not queued here."""
    report = SweepReport(emails=planned_emails(p), held_back=p.held_back)
    total = sum(e.kind != MessageKind.STALLED_ESCALATION for e in report.emails)

    def queued() -> str:
        return f"queued {report.emails_queued:,} of {total:,} emails"

    def stalled() -> str:
        return f"recorded {len(report.stalled):,} of {len(p.stall):,} stalled Hubs"

    parts: list[tuple[Callable[[Session, Any], int], list[Any], int, Callable[[], str]]] = [
        (lambda s, i: clock.hub_reminders(s, i, p, settings), p.hub_reminders, chunk, queued),
        # A stall is heavier (status, audit row, event): fewer to a transaction.
        (lambda s, i: _stalls(s, i, p, settings, report), p.stall, chunk // 4 or 1, stalled),
        (lambda s, i: clock.review_reminders(s, i, p, settings), p.review_reminders, chunk, queued),
    ]
    for write, items, size, says in parts:
        for start in range(0, len(items), size):
            with sessions() as session, transaction(session):
                report.emails_queued += write(session, items[start : start + size])
            phase(says())
    with sessions() as session, transaction(session):  # newcomers not yet reached (#31)
        emails, tasks = newcomers.follow_ups(session, now=p.now, settings=settings)
    report.emails_queued += emails
    report.newcomer_tasks = tasks
    return report


def _stalls(
    session: Session, stalls: list[StallPlan], p: SweepPlan, settings: Settings, report: SweepReport
) -> int:
    """Each stall recorded (`hub.stalled`: its check-in task and the owner's email are that
    event's reactions); no email is queued here."""
    for s in stalls:
        hub = session.get(Hub, s.hub.id, with_for_update=True)
        if hub is not None and record_stall(
            session,
            hub,
            days_overdue=s.days_overdue,
            due_date=s.hub.due_date,
            owner_id=s.owner_id if s.assign_owner else None,
            now=p.now,
            policy=settings.policy,
        ):
            report.stalled.append(hub.id)
    return 0


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
