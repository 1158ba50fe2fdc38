"""What follows the clock rather than an event: the sweep's reminders (SPEC §3: due soon,
due today, overdue nudges, overdue reviews) and the GO! Team's daily digest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.email import MessageKind, Topic
from models.hub import Hub
from models.reminders import HubReminder, ReviewReminder
from models.services import clocks, progress_figures, reports
from models.services.coverage import coverage
from models.services.sweep import HubFacts, HubReminderPlan, ReviewReminderPlan, SweepPlan
from plumbing.email.outbox import (
    Recipient,
    email_row,
    insert_emails,
    insert_ignoring_duplicates,
    queue_email,
    suppressed_among,
)
from plumbing.settings import Settings
from tasks.reactions.contexts import hub_fields, staff_url


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


def hub_reminders(
    session: Session, reminders: list[HubReminderPlan], p: SweepPlan, settings: Settings
) -> int:
    """Queue the reminders' emails to the Hubs' contacts, each reminder marked sent, in
    the caller's transaction; returns how many emails were new."""
    suppressed = suppressed_among(
        session, {e for r in reminders for e, _ in r.recipients}, topic=Topic.REMINDERS
    )
    rows, marks = [], []
    for r in reminders:
        context = {
            "hub": _hub(r.hub, settings),
            "days_left": r.days,
            "days_overdue": r.days,
            "nudge_number": r.n,
        }
        key = f"hub-{r.hub.id}/{r.kind}/{r.hub.stage}/{r.hub.due_date}/{r.n}"
        rows += [
            email_row(
                key=key,
                kind=r.kind,
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
                "kind": r.kind.value,
                "n": r.n,
                "sent_on": p.today,
                "created_at": p.now,
            }
        )
    insert_ignoring_duplicates(session, HubReminder.__table__, marks)
    return insert_emails(session, rows)


def review_reminders(
    session: Session, reminders: list[ReviewReminderPlan], p: SweepPlan, settings: Settings
) -> int:
    """A review task past its due date: queue its owner's reminder, marked sent, in the
    caller's transaction; returns how many emails were new."""
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
    return insert_emails(session, rows)


def digest_context(session: Session, *, settings: Settings, now: datetime) -> dict[str, Any]:
    """Everything in the daily digest, as the template reads it."""
    today = settings.policy.today(now)
    cover = coverage(session, targeting=False, names=0).counts()
    waiting = reports.waiting_reviews(session, today)
    hubs = {
        h.id: h for h in session.scalars(select(Hub).where(Hub.id.in_({w.hub_id for w in waiting})))
    }
    moves = clocks.moves(session, hubs.values(), zone=settings.policy.zone)
    return {
        "date": today.isoformat(),
        "coverage": {
            "covered": cover["listed"] + cover["in_progress"],
            "listed": cover["listed"],
            "total": cover["house_districts"],
        },
        "new_interest": [
            {"name": h.name, "district": h.district.name}
            for h in reports.new_interest(session, since=reports.day_before(now))
        ],
        "moves": reports.move_counts(session, today),
        "waiting": [
            {
                "title": w.title,
                "owner": w.owner,
                "due_date": w.due_date.isoformat(),
                "late": w.overdue,
                "hub": hubs[w.hub_id].name,
                "hub_waiting": moves[w.hub_id].words(today)
                if moves[w.hub_id].whose is clocks.Whose.TEAM
                else "",
            }
            for w in waiting
        ],
        "stalled": [
            {
                "name": h.name,
                "district": h.district.name,
                "stage_label": h.stage.label,
                "due_date": h.stage_due_date.isoformat() if h.stage_due_date else "",
            }
            for h in reports.stalled_hubs(session)
        ],
        "progress": _progress(session, settings=settings, now=now, today=today),
    }


def _progress(
    session: Session, *, settings: Settings, now: datetime, today: date
) -> dict[str, Any]:
    """The Hubs' work after listing (#32): moves this session and since yesterday, and the
    listed Hubs by their last report."""
    start = settings.campaign.progress.session_start(today)
    found = progress_figures.progress(
        session, today=today, session_start=start, zone=settings.policy.zone
    )
    since = reports.day_before(now)
    return {
        "since": start.isoformat(),
        "moved": found.legislators_moved,
        "yesterday": [
            {"name": m.name, "from": m.before.label, "to": m.after.label, "hub": m.hub or ""}
            for m in found.moved
            if (m.at if m.at.tzinfo else m.at.replace(tzinfo=UTC)) >= since
        ],
        "on_time": found.reports["on_time"],
        "due": found.reports["due"],
        "silent": found.reports["silent"],
    }


def queue_digest(session: Session, *, settings: Settings, now: datetime) -> bool:
    """Today's digest to the GO! Team address, in the caller's transaction; once a day."""
    context = digest_context(session, settings=settings, now=now)
    return queue_email(
        session,
        key=f"digest/{context['date']}",
        kind=MessageKind.DAILY_DIGEST,
        to=Recipient(settings.go_team_email, settings.campaign.team, staff=True),
        context={"digest": context},
        now=now,
    )
