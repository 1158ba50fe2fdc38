"""What is waiting in the system, for an operator (`hubflow status`, `/readyz`): events not
yet processed, emails by state, and how long the oldest of each has waited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.audit import DomainEvent
from models.email import Email, EmailState
from models.enums import ReviewState
from models.hub import Hub, Submission
from models.job_run import JobRun
from models.review import ReviewTask


@dataclass(frozen=True)
class Backlog:
    events_waiting: int  # not yet handed to a flow run
    oldest_waiting: datetime | None
    events_in_runs: int  # handed over, not yet processed
    runs: int  # the flow runs holding them
    oldest_in_run: datetime | None  # when the oldest of them was handed over
    emails: dict[EmailState, int] = field(default_factory=dict)
    oldest_due_email: datetime | None = None  # pending, due since
    sending_past_lease: int = 0  # claimed by a dispatcher that has not answered in time
    tasks_overdue: int = 0  # staff review tasks open past their due date


def backlog(session: Session, *, now: datetime, lease: timedelta, today: date) -> Backlog:
    """The backlog now (five aggregate queries, whatever its size)."""
    waiting = session.execute(
        select(func.count(DomainEvent.id), func.min(DomainEvent.occurred_at)).where(
            DomainEvent.processed_at.is_(None), DomainEvent.handed_over_at.is_(None)
        )
    ).one()
    in_runs = session.execute(
        select(
            func.count(DomainEvent.id),
            func.count(func.distinct(DomainEvent.handed_to)),
            func.min(DomainEvent.handed_over_at),
        ).where(DomainEvent.processed_at.is_(None), DomainEvent.handed_over_at.is_not(None))
    ).one()
    # Each from an index alone (ix_emails_due, ix_emails_state_times): a campaign keeps
    # hundreds of thousands of emails sent, and only a few waiting.
    rows = session.execute(select(Email.state, func.count()).group_by(Email.state))
    emails: dict[EmailState, int] = {EmailState(state): count for state, count in rows}
    due_since = session.scalar(
        select(func.min(func.coalesce(Email.next_attempt_at, Email.created_at))).where(
            Email.state == EmailState.PENDING
        )
    )
    past_lease = session.scalar(
        select(func.count()).where(
            Email.state == EmailState.SENDING, Email.claimed_at < now - lease
        )
    )
    overdue = session.scalar(
        select(func.count(ReviewTask.id)).where(
            ReviewTask.state == ReviewState.OPEN, ReviewTask.due_date < today
        )
    )
    session.commit()  # end the read
    return Backlog(
        events_waiting=waiting[0],
        oldest_waiting=waiting[1],
        events_in_runs=in_runs[0],
        runs=in_runs[1],
        oldest_in_run=in_runs[2],
        emails=emails,
        oldest_due_email=due_since,
        sending_past_lease=past_lease or 0,
        tasks_overdue=overdue or 0,
    )


@dataclass(frozen=True)
class Counts:
    """What /metrics reports, counted in the database (so every process reports the same)."""

    hubs: dict[tuple[str, str], int]  # (stage, status) -> Hubs
    forms: dict[str, int]  # submissions received, by stage
    events: dict[str, int]  # waiting, in a run, processed
    emails: dict[str, int]  # by state


def counts(session: Session) -> Counts:
    """Four grouped counts, whatever the campaign's size."""
    hubs = session.execute(
        select(Hub.stage, Hub.status, func.count(Hub.id)).group_by(Hub.stage, Hub.status)
    ).all()
    forms = session.execute(
        select(Submission.stage, func.count(Submission.id)).group_by(Submission.stage)
    ).all()
    where = case(
        (DomainEvent.processed_at.is_not(None), "processed"),
        (DomainEvent.handed_over_at.is_not(None), "in_run"),
        else_="waiting",
    )
    events = session.execute(select(where, func.count(DomainEvent.id)).group_by(where)).all()
    emails = session.execute(select(Email.state, func.count(Email.id)).group_by(Email.state))
    session.commit()  # end the read
    return Counts(
        hubs={(str(stage), str(status)): n for stage, status, n in hubs},
        forms={str(stage): n for stage, n in forms},
        events={"waiting": 0, "in_run": 0, "processed": 0} | {str(k): n for k, n in events},
        emails={state.value: 0 for state in EmailState} | {str(k): n for k, n in emails},
    )


def last_runs(session: Session) -> dict[str, JobRun]:
    """The last run of each scheduled job that has run here, by name."""
    return {run.name: run for run in session.scalars(select(JobRun))}
