"""Factories for test data: valid by default, overridable field by field."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Chamber, Decision, Stage
from models.hub import Hub, Submission
from models.legislature import District, Legislator
from models.services import hubs, reviews
from models.services.staff import add_staff
from models.staff import StaffMember

_seq = itertools.count(1)


def interest_form(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    form: dict[str, Any] = {
        "group_name": f"South Shore M4A {n}",
        "kind": "single_issue",
        "towns": ["Quincy", "Braintree"],
        "district": "1st Norfolk",
        "contact_name": "Bo Diaz",
        "email": f"bo{n}@example.org",
        "phone": "617-555-0123",
        "first_action_idea": "a canvass at the farmers market",
        "consent_to_contact": True,
    }
    form.update(overrides)
    return form


def first_action(today: date, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": "canvass",
        "date": (today - timedelta(days=3)).isoformat(),
        "description": "Knocked on 200 doors in Quincy Point and signed up 12 new people.",
        "participants": 9,
    }
    payload.update(overrides)
    return payload


def onboarding(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "contacts": [{"name": "Cy Park", "email": "cy@example.org", "phone": "617 555 0199"}],
        "process": "monthly_meeting",
        "schedule": "First Tuesday of each month, 7pm, Thomas Crane Library",
        "description": "",
        "consent_to_publish": True,
    }
    payload.update(overrides)
    return payload


def plan_target(today: date, **overrides: Any) -> dict[str, Any]:
    target: dict[str, Any] = {
        "role": "state_rep",
        "legislator": "Bruce Ayers",
        "stance": "not_cosponsor",
        "goal": "win_cosponsorship",
        "tactics": "Constituent meetings every month and a district town hall.",
        "target_date": (today + timedelta(days=90)).isoformat(),
    }
    target.update(overrides)
    return target


def strategic_plan(today: date, *targets: dict[str, Any]) -> dict[str, Any]:
    return {"targets": list(targets) or [plan_target(today)]}


def staff(session: Session, *, name: str = "Ann Lee", email: str | None = None) -> StaffMember:
    return add_staff(session, name=name, email=email or f"staff{next(_seq)}@masscare.org")


def evidence_for(stage: Stage, today: date) -> dict[str, Any]:
    if stage is Stage.FIRST_ACTION:
        return first_action(today)
    if stage is Stage.ONBOARDING:
        return onboarding()
    if stage is Stage.STRATEGIC_PLAN:
        return strategic_plan(today)
    raise ValueError(stage)


def pending(session: Session, hub: Hub) -> Submission:
    sub = session.scalar(
        select(Submission)
        .where(Submission.hub_id == hub.id, Submission.state == "pending")
        .order_by(Submission.id.desc())
    )
    session.commit()  # end the read; unlike rollback, keeps loaded objects usable
    assert sub is not None, f"Hub {hub.id} has nothing pending"
    return sub


def hub_in(
    session: Session,
    stage: Stage,
    *,
    reviewer: StaffMember,
    now: datetime | None = None,
    **form: Any,
) -> Hub:
    """A Hub that has been approved through every stage before `stage`."""
    hub = hubs.submit_interest(session, interest_form(**form), now=now)
    today = (now or datetime.now().astimezone()).date()
    for current in list(Stage)[: stage.order]:
        if current is not Stage.INTEREST:
            hubs.submit_stage_work(session, hub.id, current, evidence_for(current, today), now=now)
        reviews.decide(
            session, pending(session, hub).id, Decision.APPROVE, staff_id=reviewer.id, now=now
        )
    session.expire_all()
    refreshed = session.get(Hub, hub.id)
    session.commit()  # end the read; unlike rollback, keeps loaded objects usable
    assert refreshed is not None and refreshed.stage is stage
    return refreshed


def house_rep(session: Session, district: str = "1st Norfolk") -> Legislator:
    rep = session.scalar(
        select(Legislator)
        .join(District)
        .where(District.chamber == Chamber.HOUSE, District.name == district, Legislator.active)
    )
    session.commit()  # end the read; unlike rollback, keeps loaded objects usable
    assert rep is not None
    return rep


def pending_emails(session: Session, n: int, *, prefix: str = "bulk") -> list[str]:
    """`n` rendered, pending emails (one rendering, many rows), as the outbox would hold."""
    from sqlalchemy import insert

    from models.email import Email, MessageKind
    from plumbing.email.outbox import Recipient, email_key, queue_email
    from tests.email_samples import context

    with session.begin():
        queue_email(
            session,
            key=f"{prefix}-template",
            kind=MessageKind.DUE_SOON,
            to=Recipient("template@example.org", "T"),
            context=context(MessageKind.DUE_SOON),
        )
        template = session.scalar(select(Email).where(Email.key.startswith(f"{prefix}-template")))
        assert template is not None
        keys = [email_key(f"{prefix}-{i}", Recipient(f"r{i}@example.org", "R")) for i in range(n)]
        session.execute(
            insert(Email),
            [
                {
                    "key": key,
                    "kind": template.kind,
                    "to_email": f"r{i}@example.org",
                    "to_name": "R",
                    "subject": template.subject,
                    "html": template.html,
                    "text": template.text,
                    "unsubscribe_url": template.unsubscribe_url,
                }
                for i, key in enumerate(keys)
            ],
        )
        session.delete(template)
    return keys


def pending_ids(session: Session) -> list[int]:
    """Every submission waiting for staff, oldest first."""
    ids = list(
        session.scalars(
            select(Submission.id).where(Submission.state == "pending").order_by(Submission.id)
        )
    )
    session.commit()
    return ids


def every_kind_of_hub(
    session: Session,
    reviewer: StaffMember,
    *,
    place: dict[str, Any] | None = None,
    rep: str = "Bruce Ayers",
    member_of_congress: str = "Stephen Lynch",
) -> dict[str, Hub]:
    """A Hub in every stage and status, with a submission of every kind waiting (one of
    them a second version after changes were requested, one a plan of three legislators),
    and the reactions run, so that timelines hold tasks and emails too. `place` is the
    interest form's district and towns (1st Norfolk's by default)."""
    from datetime import UTC

    from models.base import utcnow
    from models.enums import Status
    from models.services.common import Actor
    from plumbing.settings import get_settings
    from tasks.events import process_waiting
    from tasks.sweep import run_sweep

    now = utcnow()
    today = now.date()
    actor = Actor.staff(reviewer)
    made: dict[str, Hub] = {}
    place = place or {}
    made["interest"] = hubs.submit_interest(
        session, interest_form(group_name="Waiting Interest Hub", **{"towns": ["Salem"], **place})
    )
    for stage in (Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN, Stage.LISTED):
        made[stage.value] = hub_in(
            session, stage, reviewer=reviewer, group_name=f"{stage.label} Hub", **place
        )
    for stage in (Stage.FIRST_ACTION, Stage.ONBOARDING):
        hub = made[stage.value]
        hubs.submit_stage_work(session, hub.id, stage, evidence_for(stage, today))
    senator = session.scalar(
        select(Legislator).where(Legislator.chamber == Chamber.SENATE, Legislator.active)
    )
    session.commit()
    assert senator is not None
    plan = strategic_plan(
        today,
        plan_target(today, legislator=rep),
        plan_target(
            today,
            role="state_senator",
            legislator=senator.name,
            legislator_id=senator.id,
            goal="cohost_event",
        ),
        plan_target(
            today, role="member_of_congress", legislator=member_of_congress, goal="public_statement"
        ),
    )
    hubs.submit_stage_work(session, made["strategic_plan"].id, Stage.STRATEGIC_PLAN, plan)

    resubmitted = hub_in(
        session, Stage.FIRST_ACTION, reviewer=reviewer, group_name="Again Hub", **place
    )
    hubs.submit_stage_work(session, resubmitted.id, Stage.FIRST_ACTION, first_action(today))
    reviews.decide(
        session,
        pending(session, resubmitted).id,
        Decision.REQUEST_CHANGES,
        staff_id=reviewer.id,
        comment="Please say how many people came and where you canvassed.",
    )
    hubs.submit_stage_work(
        session,
        resubmitted.id,
        Stage.FIRST_ACTION,
        first_action(
            today,
            participants=14,
            description="Knocked on 300 doors in Quincy Point and Wollaston; 14 came.",
        ),
    )
    made["resubmitted"] = resubmitted

    made["paused"] = hub_in(
        session, Stage.ONBOARDING, reviewer=reviewer, group_name="Paused Hub", **place
    )
    hubs.pause(session, made["paused"].id, actor=actor, reason="summer break")
    made["withdrawn"] = hub_in(
        session, Stage.FIRST_ACTION, reviewer=reviewer, group_name="Withdrawn Hub", **place
    )
    hubs.withdraw(session, made["withdrawn"].id, actor=actor, reason="merged with a neighbour")
    made["declined"] = hubs.submit_interest(
        session, interest_form(group_name="Declined Hub", **place)
    )
    reviews.decide(
        session,
        pending(session, made["declined"]).id,
        Decision.DECLINE,
        staff_id=reviewer.id,
        comment="This group meets outside the state.",
    )
    long_ago = datetime.now(UTC) - timedelta(days=90)
    made["stalled"] = hub_in(
        session,
        Stage.FIRST_ACTION,
        reviewer=reviewer,
        group_name="Stalled Hub",
        now=long_ago,
        **place,
    )
    settings = get_settings()
    process_waiting(_sessions(session), settings=settings, now=now)
    run_sweep(_sessions(session), now=now, settings=settings)
    process_waiting(_sessions(session), settings=settings, now=now)
    session.expire_all()
    for key, hub in list(made.items()):
        fresh = session.get(Hub, hub.id)
        assert fresh is not None
        made[key] = fresh
    session.commit()
    assert made["stalled"].status is Status.STALLED, made["stalled"].status
    return made


def _sessions(session: Session) -> Any:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(session.get_bind(), expire_on_commit=False)
