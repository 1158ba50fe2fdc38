"""A campaign of n Hubs with a realistic history, written straight into a fresh database
(executemany, explicit ids): every stage and status, contacts, submissions with versions
and a plan (its State Rep and a State Senator as targets), ~8 processed events, ~10 sent
emails, stage changes, review tasks and notes per Hub; a progress report from most listed
Hubs, and a newcomer waiting in every fourth district. For bench/pages.py; a lifecycle run
would take hours at 50,000 Hubs."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from bench.campaign_work import newcomer, progress, targets
from hubflow.cli.demo import evidence
from models.audit import DomainEvent, StageChange
from models.base import utcnow
from models.email import Email, EmailState, MessageKind
from models.enums import (
    ContactRole,
    Decision,
    HubKind,
    ReviewKind,
    ReviewState,
    Stage,
    Status,
    SubmissionState,
)
from models.hub import Contact, Hub, Submission
from models.legislature import District, Legislator
from models.newcomer import Newcomer
from models.notes import Note
from models.plan import PlanTarget
from models.progress import ProgressReport, ReportAction
from models.review import ReviewTask
from models.staff import StaffMember

TOWNS = ["Quincy", "Braintree", "Boston", "Worcester", "Springfield", "Lowell", "Amherst"]
STATUSES = [Status.ACTIVE] * 14 + [Status.STALLED, Status.PAUSED, Status.WITHDRAWN]


def _payload(stage: Stage, i: int, today: Any) -> dict[str, Any]:
    """What the Hub handed in for `stage`: its interest form, or the demo's evidence."""
    if stage is not Stage.INTEREST:
        return evidence(stage.value, today)
    return {
        "group_name": f"Bench Hub {i:05}",
        "kind": "single_issue",
        "towns": ["Quincy", "Braintree"],
        "district": "1st Norfolk",
        "contact_name": f"Contact {i}",
        "email": f"c{i}@example.org",
        "phone": "617-555-0123",
        "first_action_idea": "a canvass at the farmers market",
        "consent_to_contact": True,
    }


def seed(engine: Engine, n: int, *, chunk: int = 2000) -> dict[str, int]:
    """Write n Hubs and their history; returns the rows written per table."""
    rng = random.Random(n)
    now = utcnow()
    today = now.date()
    with Session(engine) as session:
        districts = list(session.scalars(select(District.id).where(District.chamber == "house")))
        members = session.execute(
            select(Legislator.id, Legislator.name, Legislator.stance, Legislator.district_id)
            .join(District)
            .where(Legislator.active, District.chamber.in_(["house", "senate"]))
        ).all()
        rep = {m.district_id: m for m in members if m.district_id in set(districts)}
        senators = [m for m in members if m.district_id not in rep]
        staff_id = session.execute(
            insert(StaffMember)
            .values(name="Ann Lee", email="ann@masscare.org")
            .returning(StaffMember.id)
        ).scalar_one()
        session.commit()
    stages = list(Stage)
    written: dict[str, int] = {}
    counters = {"sub": 0, "task": 0, "email": 0, "report": 0}
    for start in range(0, n, chunk):
        rows: dict[Any, list[dict[str, Any]]] = {
            t: []
            for t in (
                Hub,
                Contact,
                Submission,
                PlanTarget,
                ProgressReport,
                ReportAction,
                DomainEvent,
                Email,
                StageChange,
                ReviewTask,
                Note,
                Newcomer,
            )
        }
        for i in range(start, min(n, start + chunk)):
            hub_id = i + 1
            stage = Stage.LISTED if rng.random() < 0.3 else rng.choice(stages[:4])
            status = rng.choice(STATUSES) if stage is not Stage.LISTED else Status.ACTIVE
            entered = now - timedelta(days=rng.randint(1, 300))
            rows[Hub].append(
                {
                    "id": hub_id,
                    "name": f"Bench Hub {i:05}",
                    "kind": HubKind.SINGLE_ISSUE,
                    "towns": rng.sample(TOWNS, 2),
                    "district_id": districts[i % len(districts)],
                    "stage": stage,
                    "status": status,
                    "stage_due_date": today + timedelta(days=rng.randint(-20, 40))
                    if stage is not Stage.LISTED
                    else None,
                    "stage_entered_at": entered,
                    "dedup_key": f"bench hub {i}|c{i}@example.org",
                    "listed_at": entered if stage is Stage.LISTED else None,
                    "owner_id": staff_id,
                }
            )
            rows[Contact].append(
                {
                    "hub_id": hub_id,
                    "name": f"Contact {i}",
                    "email": f"c{i}@example.org",
                    "phone": "617-555-0123",
                    "role": ContactRole.PRIMARY,
                    "consent_to_publish": False,
                }
            )
            if stage.order >= Stage.STRATEGIC_PLAN.order:
                rows[Contact].append(
                    {
                        "hub_id": hub_id,
                        "name": f"Cy {i}",
                        "email": f"o{i}@example.org",
                        "phone": "617 555 0199",
                        "role": ContactRole.ONBOARDING,
                        "consent_to_publish": True,
                    }
                )
            for s in stages[: stage.order + 1]:
                if s is Stage.LISTED:
                    continue
                done = s.order < stage.order
                versions = 2 if rng.random() < 0.2 else 1
                for v in range(1, versions + 1):
                    counters["sub"] += 1
                    last = v == versions
                    state = (
                        SubmissionState.APPROVED
                        if done and last
                        else SubmissionState.CHANGES_REQUESTED
                        if not last
                        else SubmissionState.PENDING
                    )
                    rows[Submission].append(
                        {
                            "id": counters["sub"],
                            "hub_id": hub_id,
                            "stage": s,
                            "version": v,
                            "payload": _payload(s, i, today),
                            "state": state,
                            "submitted_by": f"Contact {i}",
                            "submitted_at": entered,
                            "decided_at": entered if state is not SubmissionState.PENDING else None,
                            "decided_by": "Ann Lee"
                            if state is not SubmissionState.PENDING
                            else None,
                        }
                    )
                    if s is Stage.STRATEGIC_PLAN:
                        aims = [rep.get(districts[i % len(districts)]), rng.choice(senators)]
                        rows[PlanTarget] += targets(counters["sub"], hub_id, aims, today)
                    counters["task"] += 1
                    rows[ReviewTask].append(
                        {
                            "id": counters["task"],
                            "key": f"bench-task-{counters['task']}",
                            "hub_id": hub_id,
                            "submission_id": counters["sub"],
                            "kind": ReviewKind.SUBMISSION,
                            "stage": s,
                            "title": f"Review Bench Hub {i:05}'s {s.value}",
                            "owner_id": staff_id,
                            "due_date": today + timedelta(days=rng.randint(-5, 5)),
                            "state": ReviewState.OPEN
                            if state is SubmissionState.PENDING
                            else ReviewState.DONE,
                            "decision": None
                            if state is SubmissionState.PENDING
                            else Decision.APPROVE
                            if last
                            else Decision.REQUEST_CHANGES,
                        }
                    )
                rows[StageChange].append(
                    {
                        "hub_id": hub_id,
                        "at": entered,
                        "actor": "Ann Lee",
                        "from_stage": stages[s.order - 1] if s.order else None,
                        "to_stage": s,
                        "from_status": Status.ACTIVE if s.order else None,
                        "to_status": Status.ACTIVE,
                    }
                )
            for e in range(8):
                rows[DomainEvent].append(
                    {
                        "type": "hub.stage_approved",
                        "hub_id": hub_id,
                        "payload": {"n": e},
                        "occurred_at": entered,
                        "handed_over_at": entered,
                        "processed_at": entered,
                    }
                )
            for _ in range(10):
                counters["email"] += 1
                rows[Email].append(
                    {
                        "key": f"bench-email-{counters['email']}",
                        "kind": MessageKind.STAGE_APPROVED,
                        "hub_id": hub_id,
                        "to_email": f"c{i}@example.org",
                        "to_name": f"Contact {i}",
                        "subject": "Your Hub moved on",
                        "html": "<p>Approved.</p>",
                        "text": "Approved.",
                        "state": EmailState.SENT,
                        "created_at": entered,
                        "sent_at": entered,
                        "delivery": "delivered",
                        "delivery_at": entered,
                    }
                )
            if stage is Stage.LISTED and rng.random() < 0.7:
                counters["report"] += 1
                member = rep.get(districts[i % len(districts)])
                report, actions = progress(counters["report"], hub_id, i, entered, member)
                rows[ProgressReport].append(report)
                rows[ReportAction] += actions
            if i % 4 == 0 and i < 4 * len(districts):
                rows[Newcomer].append(newcomer(i, districts[i % len(districts)], now, rng))
            if i % 5 == 0:
                rows[Note].append(
                    {
                        "hub_id": hub_id,
                        "author_id": staff_id,
                        "text": "Called; they meet Tuesday.",
                        "created_at": entered,
                    }
                )
        with engine.begin() as conn:
            for table, batch in rows.items():
                if batch:
                    conn.execute(insert(table), batch)
                    written[table.__tablename__] = written.get(table.__tablename__, 0) + len(batch)
    return written
