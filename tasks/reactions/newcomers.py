"""What follows a neighbour's "I want to help" (#31): introduced to the listed Hub of their
district (its contact for new people gets their details and a link to say they reached
them; they get the Hub's contact and meeting), or told kindly they are on the list; and
when a Hub of that district is listed, every waiting newcomer introduced to it at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.email import MessageKind
from models.enums import ContactRole, ReviewKind, Stage, Status
from models.hub import Contact, Hub
from models.legislature import District
from models.newcomer import REMIND_AFTER_DAYS, TASK_AFTER_DAYS, Newcomer, NewcomerState
from models.services.directory import meetings, public_entry
from models.services.newcomers import hub_for, introduce, waiting_for
from models.services.review_tasks import ensure_review_task, review_due
from plumbing.email.outbox import Recipient, queue_email
from plumbing.settings import Settings
from plumbing.tokens import newcomer_url
from tasks.reactions.reaction import Reaction


def for_new_people(hub: Hub) -> list[Contact]:
    """Who at the Hub gets newcomers: its contacts for new people, else its primary ones."""
    chosen = [c for c in hub.contacts if c.role is ContactRole.ONBOARDING]
    return chosen or [c for c in hub.contacts if c.role is ContactRole.PRIMARY]


def newcomer_context(n: Newcomer, hub: Hub, settings: Settings) -> dict[str, Any]:
    wanted = settings.campaign.get_involved.interests
    return {
        "name": n.name,
        "first_name": n.first_name,
        "email": n.email,
        "phone": n.phone,
        "town": n.town,
        "interests": [wanted.get(i, i) for i in n.interests],
        "mark_url": newcomer_url(n.id, hub.id, settings=settings),
    }


def _welcome(r: Reaction, n: Newcomer, hub: Hub) -> None:
    entry = public_entry(hub, meetings(r.session, [hub.id]).get(hub.id, ""))
    entry["contacts"] = [
        {"name": c.name, "email": c.email, "phone": c.phone} for c in for_new_people(hub)
    ]
    r.emails_queued += queue_email(
        r.session,
        key=f"newcomer-{n.id}/welcome/hub-{hub.id}",
        kind=MessageKind.NEWCOMER_WELCOME,
        to=Recipient(n.email, n.name),
        context={"hub": entry, "first_name": n.first_name, "phone_given": bool(n.phone)},
        now=r.now,
    )


def _tell_hub(r: Reaction, hub: Hub, kind: MessageKind, key: str, **context: Any) -> None:
    r.emails_queued += _tell(r.session, hub, kind, key, r.now, **context)


def _tell(
    session: Session, hub: Hub, kind: MessageKind, key: str, now: datetime, **context: Any
) -> int:
    """`kind` to the Hub's contacts for new people; how many emails were new."""
    return sum(
        queue_email(
            session,
            key=key,
            kind=kind,
            to=Recipient(contact.email, contact.name),
            context={"hub_name": hub.name, **context},
            hub_id=hub.id,
            now=now,
        )
        for contact in for_new_people(hub)
    )


def route_newcomer(r: Reaction) -> None:
    """A newcomer signed up: to the listed Hub of their district, or onto its waiting list."""
    n = r.session.get(Newcomer, r.payload["newcomer_id"], with_for_update=True)
    if n is None or n.state is not NewcomerState.WAITING or n.hub_id is not None:
        return  # forgotten since, or already introduced
    hub = hub_for(r.session, n.district_id, n.town)
    if hub is not None:
        introduce(n, hub, r.now)
        _welcome(r, n, hub)
        _tell_hub(
            r,
            hub,
            MessageKind.NEWCOMER_TO_HUB,
            f"newcomer-{n.id}/to-hub-{hub.id}",
            newcomer=newcomer_context(n, hub, r.settings),
        )
        return
    forming = r.session.scalars(
        select(Hub.name)
        .where(
            Hub.district_id == n.district_id,
            Hub.stage != Stage.LISTED,
            Hub.status.in_([Status.ACTIVE, Status.STALLED]),
        )
        .order_by(Hub.id)
        .limit(5)
    ).all()
    district = r.session.get(District, n.district_id)
    r.emails_queued += queue_email(
        r.session,
        key=f"newcomer-{n.id}/waiting/{r.event.uid}",
        kind=MessageKind.NEWCOMER_WAITING,
        to=Recipient(n.email, n.name),
        context={
            "first_name": n.first_name,
            "district": district.name if district else "",
            "forming": list(forming),
        },
        now=r.now,
    )


def introduce_waiting(r: Reaction) -> None:
    """A Hub is listed: each newcomer waiting in its district is introduced to it (their
    own email each), and its contact for new people gets them in one list."""
    hub = r.require_hub()
    if hub.stage is not Stage.LISTED:
        return
    waiting = waiting_for(r.session, hub)
    if not waiting:
        return
    for n in waiting:
        introduce(n, hub, r.now)
        _welcome(r, n, hub)
    _tell_hub(
        r,
        hub,
        MessageKind.NEWCOMER_LIST,
        f"hub-{hub.id}/newcomer_list/{r.event.uid}",
        newcomers=[newcomer_context(n, hub, r.settings) for n in waiting],
    )


def follow_ups(session: Session, *, now: datetime, settings: Settings) -> tuple[int, int]:
    """(The sweep's, in the caller's transaction) each newcomer not yet reached a week
    after the introduction: a reminder to the Hub's contact for new people; two weeks: a
    task for the Hub's owner on staff. Each once (marked on the newcomer). Returns (emails
    queued, tasks opened)."""
    emails = tasks = 0
    due = select(Newcomer).where(Newcomer.state == NewcomerState.INTRODUCED)
    remind = due.where(
        Newcomer.reminded_at.is_(None),
        Newcomer.introduced_at <= now - timedelta(days=REMIND_AFTER_DAYS),
    )
    for n in session.scalars(remind.order_by(Newcomer.id).with_for_update()):
        if n.hub is not None:
            days = (now - n.introduced_at).days if n.introduced_at else REMIND_AFTER_DAYS
            emails += _tell(
                session,
                n.hub,
                MessageKind.NEWCOMER_REMINDER,
                f"newcomer-{n.id}/reminder/hub-{n.hub.id}",
                now,
                newcomer=newcomer_context(n, n.hub, settings),
                days=days,
            )
        n.reminded_at = now
    escalate = due.where(
        Newcomer.escalated_at.is_(None),
        Newcomer.introduced_at <= now - timedelta(days=TASK_AFTER_DAYS),
    )
    for n in session.scalars(escalate.order_by(Newcomer.id).with_for_update()):
        if n.hub is not None:
            _task, opened = ensure_review_task(
                session,
                key=f"newcomer:{n.id}:hub-{n.hub.id}",
                hub=n.hub,
                kind=ReviewKind.FOLLOW_UP,
                stage=n.hub.stage,
                title=f"{n.name} asked to help {TASK_AFTER_DAYS} days ago and is not reached yet",
                due=review_due(settings.policy.today(now), settings.policy.review_due_days),
                now=now,
            )
            tasks += opened
        n.escalated_at = now
    return emails, tasks
