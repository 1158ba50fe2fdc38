"""Is this instance well, as an operator asks it (`hubflow status`) and a load balancer does
(`/readyz`): the database answers, Prefect answers (when a server is configured), and
nothing waits past its bound. Each check says what it found in words."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from models.email import EmailState
from models.job_run import JOBS, JobRun
from models.services.system import Backlog, backlog, last_runs
from plumbing.db import ping, session_factory
from plumbing.settings import Settings

# How long a thing may wait before it counts as stuck. The relay hands events over within
# seconds; dispatch sends a due email within its next pass.
EVENTS_WAITING = timedelta(minutes=2)
EMAILS_DUE = timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    says: str
    facts: dict[str, Any] = field(default_factory=dict)


def age(since: datetime | None, now: datetime) -> str:
    """How long ago, in the largest whole unit: "40 seconds", "5 minutes", "2 days"."""
    if since is None:
        return ""
    seconds = max(int((now - _aware(since)).total_seconds()), 0)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite


def _older(since: datetime | None, bound: timedelta, now: datetime) -> bool:
    return since is not None and now - _aware(since) > bound


def prefect_check() -> Check:
    """The Prefect server of PREFECT_API_URL answers, and its version; without one, flows
    run in this process (hubflow serve's own)."""
    url = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not url:
        return Check("Prefect", True, "no server configured: flows run inside hubflow serve")
    try:
        health = httpx.get(f"{url}/health", timeout=3.0)
        version = httpx.get(f"{url}/admin/version", timeout=3.0)
        health.raise_for_status()
    except httpx.HTTPError as exc:
        return Check("Prefect", False, f"the server at {url} does not answer ({exc})", {"url": url})
    try:
        said = str(version.json()) if version.status_code == 200 else "unknown"
    except ValueError:  # an answer that is not JSON: it answers, its version unknown
        said = "unknown"
    return Check(
        "Prefect", True, f"answers at {url}, version {said}", {"url": url, "version": said}
    )


def checks(settings: Settings, *, now: datetime, prefect: bool = True) -> list[Check]:
    """Every check, the database first: when it does not answer, nothing else can be known."""
    try:
        ping()
    except Exception as exc:
        return [Check("database", False, f"does not answer ({type(exc).__name__}: {exc})")]
    found = [Check("database", True, f"answers ({settings.database_url.split(':', 1)[0]})")]
    if prefect:
        found.append(prefect_check())
    lease = timedelta(seconds=settings.dispatch_lease_seconds)
    stuck_run = timedelta(seconds=settings.run_timeout_seconds + settings.handover_retry_seconds)
    with session_factory()() as session:
        b = backlog(session, now=now, lease=lease, today=settings.policy.today(now))
        runs = last_runs(session)
    return [*found, *_backlog_checks(b, now=now, stuck_run=stuck_run), *_job_checks(runs, now)]


# A job still "running" this long after it started has died (its process was killed).
JOB_BOUND = {"sweep": timedelta(hours=1), "daily report": timedelta(hours=1)}


def _job_checks(runs: dict[str, JobRun], now: datetime) -> list[Check]:
    """The last sweep, daily report and dispatch: when, and how each ended."""
    found = []
    for name in JOBS:
        run = runs.get(name)
        if run is None:
            found.append(Check(f"last {name}", True, "has not run here yet", {"outcome": None}))
            continue
        facts = {
            "outcome": run.outcome,
            "started": _iso(run.started_at),
            "finished": _iso(run.finished_at),
            "detail": run.detail,
            "runs": run.runs,
            "last_failed": _iso(run.last_failed_at),
        }
        if run.outcome == "failed":
            says = f"failed {age(run.finished_at, now)} ago: {run.detail}"
            found.append(Check(f"last {name}", False, says, facts))
        elif run.outcome == "running":
            late = _older(run.started_at, JOB_BOUND.get(name, timedelta(minutes=15)), now)
            says = f"started {age(run.started_at, now)} ago and still running"
            if late:
                says += ": its process may have died (see Prefect's run list and the logs)"
            found.append(Check(f"last {name}", not late, says, facts))
        else:
            says = f"completed {age(run.finished_at, now)} ago" + (
                f": {run.detail}" if run.detail else ""
            )
            found.append(Check(f"last {name}", True, says, facts))
    return found


def _backlog_checks(b: Backlog, *, now: datetime, stuck_run: timedelta) -> list[Check]:
    waiting = (
        f"{b.events_waiting} waiting to be handed over, the oldest for {age(b.oldest_waiting, now)}"
        if b.events_waiting
        else "none waiting"
    )
    events_ok = not _older(b.oldest_waiting, EVENTS_WAITING, now)
    if not events_ok:
        waiting += ": is the relay running (hubflow serve, or hubflow relay)?"
    in_runs = (
        f"{b.events_in_runs} in {b.runs} flow run{'s' if b.runs != 1 else ''}, handed over "
        f"{age(b.oldest_in_run, now)} ago at the most"
        if b.events_in_runs
        else "none in a flow run"
    )
    runs_ok = not _older(b.oldest_in_run, stuck_run, now)
    if not runs_ok:
        in_runs += ": a run is stuck (see the relay's log and Prefect's run list)"
    by_state = ", ".join(f"{b.emails[s]} {s.value}" for s in EmailState if b.emails.get(s))
    due_late = _older(b.oldest_due_email, EMAILS_DUE, now)
    emails = by_state or "none"
    if b.emails.get(EmailState.PENDING):
        emails += f"; the oldest due for {age(b.oldest_due_email, now)}"
    if due_late:
        emails += ": is dispatch running (hubflow serve, or hubflow outbox dispatch)?"
    if b.sending_past_lease:
        emails += (
            f"; {b.sending_past_lease} claimed by a dispatcher that has not answered within "
            "its lease (they are taken back when the lease ends)"
        )
    return [
        Check(
            "events",
            events_ok,
            waiting,
            {"waiting": b.events_waiting, "oldest": _iso(b.oldest_waiting)},
        ),
        Check(
            "flow runs",
            runs_ok,
            in_runs,
            {"events": b.events_in_runs, "runs": b.runs, "oldest": _iso(b.oldest_in_run)},
        ),
        Check(
            "emails",
            not due_late and not b.sending_past_lease,
            emails,
            {
                **{s.value: b.emails.get(s, 0) for s in EmailState},
                "oldest_due": _iso(b.oldest_due_email),
                "sending_past_lease": b.sending_past_lease,
            },
        ),
        Check(
            "review tasks",
            True,  # staff's work, not the system's: said, never a failure
            f"{b.tasks_overdue} overdue" if b.tasks_overdue else "none overdue",
            {"overdue": b.tasks_overdue},
        ),
    ]


def _iso(moment: datetime | None) -> str | None:
    return _aware(moment).isoformat() if moment is not None else None
