"""Bringing in the Hubs a campaign already has, from a spreadsheet (SPEC §2, §6): the file
read whole first (models/services/import_rows.py), then each new Hub enters its stage with
an "imported" entry in its history and the due date its dates imply; nothing is emailed
unless asked. The same file imported twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import ContactRole, Stage, Status, SubmissionState
from models.events import EventType
from models.forms import EVIDENCE, StrategicPlan, dedup_key, parse
from models.hub import Contact, Hub, Submission
from models.policy import Policy
from models.services.common import Actor, append_audit, change_row, emit, transaction
from models.services.hubs import plan_targets
from models.services.import_rows import Row, read_rows


@dataclass
class ImportReport:
    added: list[Row] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)
    by_stage: dict[str, int] = field(default_factory=dict)


def import_hubs(
    session: Session,
    text: str,
    *,
    source: str,
    actor: Actor,
    policy: Policy,
    now: datetime,
    notify: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Store the Hubs of `text` not already here (by external id, or by group name and
    district); all or nothing. `dry_run` reports the same and stores nothing."""
    if dry_run:
        try:
            return _plan(session, text, policy=policy, now=now)
        finally:
            session.rollback()
    zone = ZoneInfo(policy.timezone)
    with transaction(session):
        report = _plan(session, text, policy=policy, now=now)
        changes = []
        for row in report.added:
            entered = datetime.combine(row.entered, time(12), zone)
            listed = datetime.combine(row.listed_on, time(12), zone) if row.listed_on else None
            # A listed Hub's first progress report is due a full rhythm after its import.
            start = now if row.stage is Stage.LISTED else entered
            due = row.due or policy.due_date(row.stage, start)
            # As pausing does: the clock stops, with the days left kept for the resume; a
            # closed Hub has no deadline.
            days_left = None
            if row.status is Status.PAUSED and due is not None:
                days_left = max((due - policy.today(now)).days, 0)
            if row.status in (Status.PAUSED, Status.WITHDRAWN, Status.DECLINED):
                due = None
            hub = Hub(
                name=row.name,
                kind=row.kind,
                towns=row.towns,
                district_id=row.district_id,
                stage=row.stage,
                status=row.status,
                stage_entered_at=entered,
                stage_due_date=due,
                paused_days_left=days_left,
                dedup_key=dedup_key(row.name, row.contact_email),
                external_id=row.external_id,
                listed_at=listed,
                created_at=datetime.combine(row.created, time(12), zone),
            )
            session.add(hub)
            session.flush()
            session.add(
                Contact(
                    hub_id=hub.id,
                    name=row.contact_name,
                    email=row.contact_email,
                    phone=row.contact_phone,
                    role=ContactRole.PRIMARY,
                )
            )
            if row.onboarding is not None:
                name, email, phone, published = row.onboarding
                session.add(
                    Contact(
                        hub_id=hub.id,
                        name=name,
                        email=email,
                        phone=phone,
                        role=ContactRole.ONBOARDING,
                        consent_to_publish=published,
                    )
                )
            for done, payload in row.evidence.items():
                _approved(session, hub, done, payload, actor=actor, at=entered, now=now)
            waiting = _interest_waiting(session, hub, row, actor=actor, at=entered)
            changes.append(
                change_row(
                    hub.id,
                    actor=actor,
                    now=now,
                    to=(row.stage, row.status),
                    from_=None,
                    reason=f"imported from {source} (line {row.line})",
                )
            )
            emit(
                session,
                EventType.HUB_IMPORTED,
                hub,
                now,
                source=source,
                notify=notify,
                **waiting,
            )
        append_audit(session, changes=changes, events=[])
    return report


def _interest_waiting(
    session: Session, hub: Hub, row: Row, *, actor: Actor, at: datetime
) -> dict[str, Any]:
    """An open Hub imported at the interest stage waits for its intro call like one that
    joined: its interest, as the file gives it, is a submission waiting for a decision
    (the reaction opens the intro-call task). What the file does not say (the first-action
    idea, the consent asked on /join) is left out, not made up."""
    if row.stage is not Stage.INTEREST or not row.status.is_open():
        return {}
    submission = Submission(
        hub_id=hub.id,
        stage=Stage.INTEREST,
        version=1,
        payload={
            "group_name": row.name,
            "kind": row.kind.value,
            "towns": row.towns,
            "district": row.district,
            "contact_name": row.contact_name,
            "email": row.contact_email,
            "phone": row.contact_phone,
        },
        state=SubmissionState.PENDING,
        submitted_by=actor.label,
        submitted_at=at,
    )
    session.add(submission)
    session.flush()
    return {"submission_id": submission.id, "stage": Stage.INTEREST.value}


def _approved(
    session: Session,
    hub: Hub,
    stage: Stage,
    payload: dict[str, Any],
    *,
    actor: Actor,
    at: datetime,
    now: datetime,
) -> None:
    """A stage's work the Hub did before hubflow, recorded as sent and approved."""
    plan = parse(EVIDENCE[stage], payload, today=None, prefix="payload.")
    submission = Submission(
        hub_id=hub.id,
        stage=stage,
        version=1,
        payload=plan.model_dump(mode="json"),
        state=SubmissionState.APPROVED,
        submitted_by=actor.label,
        submitted_at=at,
        decided_by_id=actor.staff_id,
        decided_by=actor.label,
        decided_at=now,
        comment="imported: approved before hubflow",
    )
    session.add(submission)
    session.flush()
    if isinstance(plan, StrategicPlan):
        for target in plan_targets(session, plan, seats=hub.district.seats):
            target.submission_id, target.hub_id = submission.id, hub.id
            session.add(target)


def _plan(session: Session, text: str, *, policy: Policy, now: datetime) -> ImportReport:
    report = ImportReport()
    for row in read_rows(session, text, today=policy.today(now)):
        if _known(session, row):
            report.unchanged.append(row)
        else:
            report.added.append(row)
            report.by_stage[row.stage.label] = report.by_stage.get(row.stage.label, 0) + 1
    return report


def _known(session: Session, row: Row) -> bool:
    if row.external_id and session.scalar(select(Hub.id).where(Hub.external_id == row.external_id)):
        return True
    return bool(
        session.scalar(
            select(Hub.id).where(
                func.lower(Hub.name) == row.name.casefold(), Hub.district_id == row.district_id
            )
        )
    )
