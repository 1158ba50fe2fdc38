"""Deadlines, reminders, nudges and escalation, day by day on simulated time (SPEC §3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import DomainEvent
from models.email import Email
from models.enums import Decision, ReviewKind, Stage, Status
from models.events import EventType
from models.hub import Hub
from models.review import ReviewTask
from models.services import hubs, reports, reviews
from models.services.common import Actor
from plumbing.settings import get_settings
from tasks.events import process_event, process_waiting
from tasks.sweep import run_sweep
from tests import factories
from tests.integration.helpers import row_counts
from tests.system.helpers import ROOT

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 in Boston; the sweep's hour
HUB_KINDS = ("due_soon", "due_today", "overdue_nudge")


def at(day: int, hour: int = 14) -> datetime:
    return START + timedelta(days=day) + timedelta(hours=hour - 14)


def react(sessions: sessionmaker[Session], now: datetime) -> None:
    process_waiting(sessions, settings=get_settings(), now=now)


def react_to_stalls(sessions: sessionmaker[Session], now: datetime) -> None:
    """The reactions to the sweep's `hub.stalled` events alone (the check-in task and the
    escalation email), as the relay would run them a moment after the sweep."""
    with sessions() as s:
        ids = list(
            s.scalars(
                select(DomainEvent.id).where(
                    DomainEvent.type == EventType.STALLED, DomainEvent.processed_at.is_(None)
                )
            )
        )
    for event_id in ids:
        process_event(sessions, event_id, settings=get_settings(), now=now)


class Cohort:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        with sessions() as s:
            self.ann = factories.staff(s, name="Ann", email="ann@masscare.org")
        self.ids: dict[str, int] = {}

    def join(self, name: str, day: int = 0) -> None:
        """Interest on `day`, approved the same morning: in first_action, due in 60 days."""
        with self.sessions() as s:
            hub = hubs.submit_interest(
                s,
                factories.interest_form(group_name=name, email=f"{name.lower()}@example.org"),
                now=at(day, 12),
            )
            self.ids[name] = hub.id
            self.decide(name, Decision.APPROVE, day)

    def submit(self, name: str, day: int, stage: Stage) -> None:
        with self.sessions() as s:
            hubs.submit_stage_work(
                s,
                self.ids[name],
                stage,
                factories.evidence_for(stage, at(day).date()),
                now=at(day, 12),
            )

    def decide(self, name: str, decision: Decision, day: int, comment: str = "") -> None:
        with self.sessions() as s:
            sub = factories.pending(s, s.get(Hub, self.ids[name]))  # type: ignore[arg-type]
            reviews.decide(
                s, sub.id, decision, staff_id=self.ann.id, comment=comment, now=at(day, 13)
            )

    def status(self, name: str, action: Callable[..., object], day: int) -> None:
        with self.sessions() as s:
            action(s, self.ids[name], actor=Actor.staff(self.ann), now=at(day, 12))


def run_days(
    sessions: sessionmaker[Session], days: range, plan: dict[int, list[Callable[[], None]]]
) -> dict[str, list[tuple[int, str]]]:
    """Each day: the people act, events are processed, the sweep runs at 09:00 Boston."""
    for day in days:
        for act in plan.get(day, []):
            act()
        react(sessions, at(day, 13))
        run_sweep(sessions, now=at(day))
        react(sessions, at(day))
    timeline: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with sessions() as s:
        for email in s.scalars(select(Email).order_by(Email.id)):
            day = (email.created_at - START + timedelta(hours=14)).days
            if email.kind in HUB_KINDS or email.kind in ("stalled_escalation", "review_overdue"):
                timeline[email.to_email].append((day, email.kind.value))
    return timeline


def test_a_cohort_over_150_days_gets_exactly_its_reminders(
    sessions: sessionmaker[Session],
) -> None:
    c = Cohort(sessions)
    for name in ("Never", "OnTime", "Late", "Changes", "Paused", "Withdrawn", "Waiting"):
        c.join(name)
    fa, ob, sp = Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN
    approve = Decision.APPROVE
    plan: dict[int, list[Callable[[], None]]] = {
        10: [lambda: c.status("Withdrawn", hubs.withdraw, 10), lambda: c.submit("Waiting", 10, fa)],
        20: [lambda: c.status("Paused", hubs.pause, 20)],
        30: [lambda: c.submit("Changes", 30, fa)],
        33: [lambda: c.decide("Changes", Decision.REQUEST_CHANGES, 33, "How many came?")],
        40: [lambda: c.submit("OnTime", 40, fa), lambda: c.status("Paused", hubs.resume, 40)],
        42: [lambda: c.decide("OnTime", approve, 42)],
        45: [lambda: c.submit("Changes", 45, fa)],
        46: [lambda: c.decide("Changes", approve, 46)],
        60: [lambda: c.submit("OnTime", 60, ob)],
        61: [lambda: c.decide("OnTime", approve, 61)],
        70: [lambda: c.submit("Late", 70, fa)],
        72: [lambda: c.decide("Late", approve, 72)],
        95: [lambda: c.submit("OnTime", 95, sp)],
        96: [lambda: c.decide("OnTime", approve, 96)],
    }
    timeline = run_days(sessions, range(151), plan)

    def nudges(due: int) -> list[tuple[int, str]]:
        return [
            (due - 7, "due_soon"),
            (due, "due_today"),
            (due + 7, "overdue_nudge"),
            (due + 14, "overdue_nudge"),
            (due + 21, "overdue_nudge"),
        ]

    assert timeline["never@example.org"] == nudges(60)
    assert timeline["ontime@example.org"] == []
    assert timeline["late@example.org"] == [
        (53, "due_soon"),
        (60, "due_today"),
        (67, "overdue_nudge"),
        *nudges(72 + 30),
    ]
    # Changes requested on day 33 keep the 30 days it had left when it handed in on day
    # 30 (never cut to 14): due day 63, so nothing is due soon before it resubmits on day
    # 45 and is approved into onboarding (due day 76) the next day.
    assert timeline["changes@example.org"] == nudges(46 + 30)
    assert timeline["paused@example.org"] == nudges(40 + 40)  # 40 days left when paused
    assert timeline["withdrawn@example.org"] == []
    assert timeline["waiting@example.org"] == []  # its clock stopped: the work is with staff
    # Ann: the waiting review (due day 15) three times; each stall's escalation, and
    # then its check-in task (due 5 days later) three times, since nobody closes them.
    stalls = [74, 90, 94, 116]  # Never, Changes, Paused, Late: 14 days past due
    assert timeline["ann@masscare.org"] == sorted(
        [(16, "review_overdue"), (19, "review_overdue"), (22, "review_overdue")]
        + [(d, "stalled_escalation") for d in stalls]
        + [(d + k, "review_overdue") for d in stalls for k in (6, 9, 12)]
    )
    with sessions() as s:
        status = {n: s.get(Hub, i).status for n, i in c.ids.items()}  # type: ignore[union-attr]
        checkins = s.scalars(
            select(ReviewTask.title)
            .where(ReviewTask.kind == ReviewKind.CHECK_IN)
            .order_by(ReviewTask.id)
        ).all()
    assert status == {
        "Never": Status.STALLED,
        "OnTime": Status.ACTIVE,
        "Late": Status.STALLED,
        "Changes": Status.STALLED,
        "Paused": Status.STALLED,
        "Withdrawn": Status.WITHDRAWN,
        "Waiting": Status.ACTIVE,
    }
    # The dashboard counts by the sweep's own rules: what this oracle says of each Hub.
    with sessions() as s:
        counts = reports.move_counts(s, get_settings().policy.today(at(150)))
    stalled_ones = sum(st is Status.STALLED for st in status.values())
    assert counts == {
        "hubs_past_deadline": stalled_ones,  # each stalled Hub is past its own deadline
        "hubs_stalled": stalled_ones,
        "hubs_waiting_on_team": 1,  # Waiting, since day 10
    }
    assert checkins == [
        "Check in with Never",
        "Check in with Changes",
        "Check in with Paused",
        "Check in with Late",
    ]


def hubs_due_in(sessions: sessionmaker[Session], days_left: list[int]) -> None:
    with sessions() as s:
        ann = factories.staff(s)
        for n in days_left:
            hub = factories.hub_in(s, Stage.FIRST_ACTION, reviewer=ann, now=at(-60 + n, 12))
            assert hub.stage_due_date == at(n).date()


def test_sweeping_twice_at_once_or_every_hour_sends_nothing_twice(
    sessions: sessionmaker[Session],
) -> None:
    hubs_due_in(sessions, [0, 7, -7, -14])
    phases: list[str] = []
    first = run_sweep(sessions, now=at(0), phase=phases.append)
    # What a progress bar says: a chunk of reminders, then the stall (whose escalation
    # email is the reaction to its event).
    assert phases == [
        "finding what is due",
        "queued 4 of 4 emails",
        "recorded 1 of 1 stalled Hubs",
    ]
    assert sorted(e.kind for e in first.emails) == [
        "due_soon",
        "due_today",
        "overdue_nudge",
        "overdue_nudge",
        "stalled_escalation",
    ]
    with sessions() as s:
        before = row_counts(s)
    assert run_sweep(sessions, now=at(0)).emails_queued == 0
    for hour in range(24):
        assert run_sweep(sessions, now=at(0) + timedelta(hours=hour - 14)).emails_queued == 0
    with sessions() as s:
        assert row_counts(s) == before


def test_after_a_ten_day_gap_each_hub_gets_at_most_one_reminder(
    sessions: sessionmaker[Session],
) -> None:
    hubs_due_in(sessions, [2, 5, 9, -3, -9, -12])
    report = run_sweep(sessions, now=at(10))  # the first sweep in ten days
    per_hub = defaultdict(list)
    for email in report.emails:
        if email.kind in HUB_KINDS:
            per_hub[email.hub_id].append(email.kind)
    assert all(len(kinds) == 1 for kinds in per_hub.values()), per_hub
    assert sorted(k for kinds in per_hub.values() for k in kinds) == [
        "overdue_nudge",
        "overdue_nudge",
        "overdue_nudge",
        "overdue_nudge",
    ]


def test_dry_run_changes_nothing_and_lists_what_the_real_run_sends(
    sessions: sessionmaker[Session],
) -> None:
    hubs_due_in(sessions, [0, 3, -7, -14, -21])
    with sessions() as s:
        before = row_counts(s)
    dry = run_sweep(sessions, now=at(0), dry_run=True)
    with sessions() as s:
        assert row_counts(s) == before
    real = run_sweep(sessions, now=at(0))
    assert dry.emails and sorted(dry.emails, key=repr) == sorted(real.emails, key=repr)
    react_to_stalls(sessions, at(0))
    with sessions() as s:
        queued = s.execute(
            select(Email.kind, Email.to_email).where(Email.created_at == at(0))
        ).all()
    assert sorted((k.value, t) for k, t in queued) == sorted((e.kind, e.to) for e in dry.emails)
    assert dry.stalled == real.stalled


def test_a_contact_gets_at_most_one_reminder_a_day(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        ann = factories.staff(s)
        for name in ("North", "South"):
            factories.hub_in(
                s,
                Stage.FIRST_ACTION,
                reviewer=ann,
                now=at(-53, 12),
                group_name=f"{name} M4A",
                email="shared@example.org",
            )
    today = run_sweep(sessions, now=at(0))
    assert [(e.kind, e.to) for e in today.emails] == [("due_soon", "shared@example.org")]
    assert today.held_back == 1
    tomorrow = run_sweep(sessions, now=at(1))
    assert [(e.kind, e.to) for e in tomorrow.emails] == [("due_soon", "shared@example.org")]
    assert run_sweep(sessions, now=at(2)).emails == []


def test_a_stalled_hub_that_submits_is_active_again_and_its_check_in_is_done(
    sessions: sessionmaker[Session],
) -> None:
    hubs_due_in(sessions, [-14])
    report = run_sweep(sessions, now=at(0))
    [hub_id] = report.stalled
    react_to_stalls(sessions, at(0, 10))
    with sessions() as s:
        hubs.submit_stage_work(
            s, hub_id, Stage.FIRST_ACTION, factories.first_action(at(0).date()), now=at(0, 15)
        )
        hub = s.get(Hub, hub_id)
        [check_in] = s.scalars(select(ReviewTask).where(ReviewTask.kind == ReviewKind.CHECK_IN))
        assert hub is not None and hub.status is Status.ACTIVE
        assert (check_in.state.value, check_in.comment) == ("done", "the Hub handed in its work")
    assert run_sweep(sessions, now=at(1)).emails == []  # its clock is stopped now


def test_the_sweep_command_dry_run_lists_and_the_real_run_queues(
    sessions: sessionmaker[Session],
) -> None:
    import json

    from tests.integration.test_cli import hubflow

    hubs_due_in(sessions, [0])
    with sessions() as s:
        before = row_counts(s)
    code, out = hubflow("sweep", "--now", at(0).isoformat(), "--dry-run", "--json")
    assert code == 0, out
    listed = json.loads(out)["emails"]
    assert [(e["kind"], e["detail"]) for e in listed] == [("due_today", "first_action due_today 1")]
    with sessions() as s:
        assert row_counts(s) == before
    code, out = hubflow("sweep", "--now", at(0).isoformat())
    assert code == 0 and "due_today" in out
    code, out = hubflow("sweep", "--now", "yesterday")
    assert code == 2 and "now" in out


def test_a_hub_paused_while_overdue_is_as_overdue_when_resumed(
    sessions: sessionmaker[Session],
) -> None:
    """Paused 5 days overdue for 15 days: resumed still 5 days overdue, and stalled 9 days
    later, at 14 days overdue (a paused clock stops; it does not rewind)."""
    cohort = Cohort(sessions)
    cohort.join("Late")  # due on day 60
    cohort.status("Late", hubs.pause, 65)
    cohort.status("Late", hubs.resume, 80)
    with sessions() as s:
        hub = s.get(Hub, cohort.ids["Late"])
        assert hub is not None and (hub.stage_due_date - at(80).date()).days == -5
    for day in range(80, 95):
        run_sweep(sessions, now=at(day))
        with sessions() as s:
            hub = s.get(Hub, cohort.ids["Late"])
            assert hub is not None
            if hub.status is Status.STALLED:
                break
    assert day == 89  # 9 days after resuming


KILL_AFTER_FIRST_CHUNK = """
import os, signal, sys
from datetime import datetime
from plumbing.db import session_factory
from plumbing.settings import get_settings
from tasks.sweep import apply, make_plan

now = datetime.fromisoformat(sys.argv[1])
sessions, settings = session_factory(), get_settings()
p = make_plan(sessions, settings=settings, now=now)
apply(sessions, p, settings=settings, chunk=3,
      phase=lambda what: os.kill(os.getpid(), signal.SIGKILL))
"""


def test_a_sweep_killed_after_its_first_chunk_sends_every_reminder_once_when_run_again(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    hubs_due_in(sessions, [0, 7, -7, 1, 3, -3, 0, 7, -14, -21])
    planned = run_sweep(sessions, now=at(0), dry_run=True).emails
    assert len(planned) > 3
    env = {**os.environ, "HUBFLOW_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_FIRST_CHUNK, at(0).isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with sessions() as s:
        after_kill = s.execute(select(Email.kind, Email.to_email)).all()
    assert len(after_kill) == 3  # the first chunk, committed; the rest never written

    again = run_sweep(sessions, now=at(0))
    escalations = sum(e.kind == "stalled_escalation" for e in planned)
    assert escalations == 2 and again.emails_queued == len(planned) - 3 - escalations
    react_to_stalls(sessions, at(0))
    with sessions() as s:
        queued = sorted((k.value, t) for k, t in s.execute(select(Email.kind, Email.to_email)))
    assert queued == sorted((e.kind, e.to) for e in planned)  # each once, none missing
