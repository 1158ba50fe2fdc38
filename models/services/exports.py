"""What an organizer opens in a spreadsheet: Hubs, contacts, plans, reviews and emails, one
row each, in words (SPEC §6). Contacts honour consent: only the ones who agreed to be
published, unless staff ask for every one (which the audit trail records)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.base import utcnow
from models.email import DELIVERY_WORDS, Email
from models.enums import ActionKind, ContactRole, Goal, OnboardingProcess, Stage, SubmissionState
from models.events import EventType
from models.hub import Contact, Hub, Submission
from models.notes import Note
from models.plan import PlanTarget
from models.review import ReviewTask
from models.services import announcement_views, clocks, newcomer_views
from models.services.common import Actor, clock, emit, transaction
from models.services.coverage import current_plans

KINDS = ("hubs", "contacts", "plans", "reviews", "emails", "notes", "announcements", "newcomers")
Row = dict[str, str]


def _day(value: datetime | None, tz: tzinfo) -> str:
    """A date a spreadsheet reads (YYYY-MM-DD), in the campaign's zone."""
    return value.astimezone(tz).date().isoformat() if value else ""


def _first(hub: Hub, role: ContactRole) -> Contact | None:
    return next((c for c in hub.contacts if c.role is role), None)


def _approved(session: Session) -> dict[tuple[int, Stage], dict[str, Any]]:
    """Each Hub's latest approved work of each stage."""
    found: dict[tuple[int, Stage], dict[str, Any]] = {}
    for hub_id, stage, payload in session.execute(
        select(Submission.hub_id, Submission.stage, Submission.payload)
        .where(Submission.state == SubmissionState.APPROVED)
        .order_by(Submission.id)
    ):
        found[(hub_id, stage)] = payload
    return found


def _work(done: dict[tuple[int, Stage], dict[str, Any]], hub_id: int) -> Row:
    """The approved first action, on-boarding and State Rep plan, as import reads them."""
    action = done.get((hub_id, Stage.FIRST_ACTION), {})
    setup = done.get((hub_id, Stage.ONBOARDING), {})
    plan = done.get((hub_id, Stage.STRATEGIC_PLAN), {})
    targets: list[dict[str, Any]] = plan.get("targets", [])
    rep: dict[str, Any] = next((t for t in targets if t.get("role") == "state_rep"), {})
    return {
        "first_action_kind": ActionKind(action["kind"]).label if action else "",
        "first_action_date": str(action.get("date", "")),
        "first_action_description": str(action.get("description", "")),
        "first_action_participants": str(action.get("participants", "")),
        "onboarding_process": OnboardingProcess(setup["process"]).label if setup else "",
        "onboarding_schedule": str(setup.get("schedule", "")),
        "onboarding_description": str(setup.get("description", "")),
        "plan_goal": Goal(rep["goal"]).label if rep else "",
        "plan_tactics": str(rep.get("tactics", "")),
        "plan_target_date": str(rep.get("target_date", "")),
    }


def hubs(session: Session, tz: tzinfo) -> list[Row]:
    rows = []
    done = _approved(session)
    found = list(
        session.scalars(
            select(Hub)
            .options(selectinload(Hub.contacts), selectinload(Hub.district))
            .order_by(Hub.id)
        )
    )
    moves = clocks.moves(session, found, zone=tz)
    today = utcnow().astimezone(tz).date()
    followed = newcomer_views.follow_up_rates(session)  # new people introduced, reached
    for hub in found:
        new_people = followed.get(hub.id, newcomer_views.FollowUp(0, 0))
        primary = _first(hub, ContactRole.PRIMARY)
        onboarding = _first(hub, ContactRole.ONBOARDING)
        rows.append(
            {
                "external_id": f"hubflow-{hub.id}",
                "group_name": hub.name,
                "kind": hub.kind.label,
                "towns": "; ".join(hub.towns),
                "district": hub.district.name,
                "stage": hub.stage.label,
                "status": hub.status.label,
                "stage_entered": _day(hub.stage_entered_at, tz),
                "due_date": hub.stage_due_date.isoformat() if hub.stage_due_date else "",
                "whose_move": moves[hub.id].whose.label,
                "next_move": moves[hub.id].words(today),
                "listed_on": _day(hub.listed_at, tz),
                "contact_name": primary.name if primary else "",
                "contact_email": primary.email if primary else "",
                "contact_phone": primary.phone if primary else "",
                "onboarding_name": onboarding.name if onboarding else "",
                "onboarding_email": onboarding.email if onboarding else "",
                "onboarding_phone": onboarding.phone if onboarding else "",
                "onboarding_published": (
                    ("yes" if onboarding.consent_to_publish else "no") if onboarding else ""
                ),
                "created": _day(hub.created_at, tz),
                "new_people": str(new_people.introduced),
                "new_people_reached_within_a_week": str(new_people.reached_in_time),
                **_work(done, hub.id),
            }
        )
    return rows


def contacts(session: Session, tz: tzinfo, *, include_private: bool = False) -> list[Row]:
    query = (
        select(Contact, Hub.name)
        .join(Hub, Hub.id == Contact.hub_id)
        .order_by(Contact.hub_id, Contact.id)
    )
    if not include_private:
        query = query.where(Contact.consent_to_publish.is_(True))
    return [
        {
            "hub": hub_name,
            "role": c.role.label,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "published": "yes" if c.consent_to_publish else "no",
            "unsubscribed": _day(c.unsubscribed_at, tz),
            "bounced": _day(c.bounced_at, tz),
        }
        for c, hub_name in session.execute(query)
    ]


def plans(session: Session, tz: tzinfo) -> list[Row]:
    query = (
        select(PlanTarget, Hub.name)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(PlanTarget.submission_id.in_(current_plans()))
        .order_by(Hub.name, PlanTarget.id)
    )
    return [
        {
            "hub": hub_name,
            "role": t.role.label,
            "legislator": t.legislator_name,
            "stance": t.stance.label,
            "goal": t.goal.label,
            "target_date": t.target_date.isoformat(),
        }
        for t, hub_name in session.execute(query)
    ]


def reviews(session: Session, tz: tzinfo) -> list[Row]:
    query = (
        select(ReviewTask)
        .options(selectinload(ReviewTask.hub), selectinload(ReviewTask.owner))
        .order_by(ReviewTask.id)
    )
    return [
        {
            "hub": t.hub.name,
            "task": t.title,
            "stage": t.stage.label,
            "owner": t.owner.name if t.owner else "",
            "due_date": t.due_date.isoformat(),
            "state": t.state.label,
            "decision": t.decision.label if t.decision else "",
            "decided": _day(t.decided_at, tz),
        }
        for t in session.scalars(query)
    ]


def emails(session: Session, tz: tzinfo) -> list[Row]:
    query = select(Email, Hub.name).outerjoin(Hub, Hub.id == Email.hub_id).order_by(Email.id)
    return [
        {
            "hub": hub_name or "",
            "to": e.to_email,
            "subject": e.subject,
            "state": str(e.state.value).capitalize(),
            "delivery": DELIVERY_WORDS.get(e.delivery or "", e.delivery or ""),
            "queued": _day(e.created_at, tz),
            "sent": _day(e.sent_at, tz),
        }
        for e, hub_name in session.execute(query)
    ]


def notes(session: Session, tz: tzinfo) -> list[Row]:
    """Staff's notes on the Hubs (for staff: the Hubs never see them)."""
    query = (
        select(Note, Hub.name)
        .join(Hub, Hub.id == Note.hub_id)
        .options(selectinload(Note.author))
        .order_by(Note.id)
    )
    return [
        {
            "hub": hub_name,
            "written": _day(n.created_at, tz),
            "author": n.author.name,
            "kind": n.kind.label,
            "note": n.text,
            "follow_up": n.follow_up.isoformat() if n.follow_up else "",
        }
        for n, hub_name in session.execute(query)
    ]


_EXPORTS: dict[str, Callable[..., list[Row]]] = {
    "hubs": hubs,
    "plans": plans,
    "reviews": reviews,
    "emails": emails,
    "notes": notes,
    "announcements": announcement_views.export_rows,
}


def export(
    session: Session,
    kind: str,
    tz: tzinfo,
    *,
    include_private: bool = False,
    actor: Actor | None = None,
    now: datetime | None = None,
    interests: dict[str, str] | None = None,
) -> list[Row]:
    """The rows of one kind. Every contact (`include_private`) is for staff, named in
    `actor`, and the export is recorded."""
    if kind == "newcomers":  # people's details, every one of them: for staff, recorded
        _recorded(session, actor, clock(now), "newcomers", newcomers=True)
        return newcomer_views.rows(session, tz, interests)
    if kind == "contacts":
        if include_private:
            _recorded(session, actor, clock(now), "private contacts", private=True)
        return contacts(session, tz, include_private=include_private)
    return _EXPORTS[kind](session, tz)


def _recorded(
    session: Session, actor: Actor | None, now: datetime, what: str, **payload: Any
) -> None:
    """An export of people's details, in the record under the name of who asked."""
    if actor is None:
        raise ValueError(f"an export of {what} names who asked for it")
    with transaction(session):
        emit(session, EventType.CONTACTS_EXPORTED, None, now, actor=actor.label, **payload)


def columns(rows: list[Row]) -> list[str]:
    return list(rows[0]) if rows else []
