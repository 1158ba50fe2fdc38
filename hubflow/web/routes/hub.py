"""A Hub's own page, reached by its signed private link."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hubflow.db import session_factory
from hubflow.email.outbox import Recipient, queue_email
from hubflow.settings import get_settings
from hubflow.tokens import LinkRefused, read_hub_token
from hubflow.web import forms
from hubflow.web.pages import message, page, redirect
from models.base import utcnow
from models.email import MessageKind
from models.enums import (
    ActionKind,
    Chamber,
    Goal,
    OnboardingProcess,
    Stage,
    Stance,
    Status,
    SubmissionState,
)
from models.errors import HubflowError, InvalidInput
from models.hub import Contact, Hub, Submission
from models.legislature import Legislator
from models.services.common import Actor, transaction
from models.services.coverage import neighbours
from models.services.hubs import submit_stage_work, waiting_for_staff
from models.services.timeline import timeline
from tasks.contexts import hub_context

router = APIRouter()

CHECKLIST = [
    (Stage.FIRST_ACTION, "Organize a first action for Medicare for All"),
    (Stage.ONBOARDING, "Set up on-boarding for new activists"),
    (Stage.STRATEGIC_PLAN, "Make a strategic plan to move your legislators"),
]
LABELS = {
    "action_kinds": [
        (ActionKind.CANVASS, "Canvass"),
        (ActionKind.PHONEBANK, "Phonebank"),
        (ActionKind.DELEGATION, "Delegation to a legislator"),
        (ActionKind.EDUCATIONAL_EVENT, "Educational event"),
    ],
    "processes": [
        (OnboardingProcess.MONTHLY_MEETING, "A monthly meeting"),
        (OnboardingProcess.ONE_ON_ONE, "One-on-one meetings"),
        (OnboardingProcess.OTHER, "Another way (describe it)"),
    ],
    "stances": [
        (Stance.NOT_COSPONSOR, "Not a co-sponsor"),
        (Stance.COSPONSOR, "Co-sponsor"),
        (Stance.CAUCUS_MEMBER, "Medicare for All Caucus member"),
        (Stance.CHAMPION, "Champion"),
    ],
    "goals": [
        (Goal.WIN_COSPONSORSHIP, "Win co-sponsorship"),
        (Goal.JOIN_CAUCUS, "Join the caucus"),
        (Goal.COHOST_EVENT, "Co-host a district event"),
        (Goal.PERSUADE_COLLEAGUES, "Persuade colleagues (e.g. Health Care Financing)"),
    ],
}
FORM_TITLES = {
    Stage.INTEREST: "",
    Stage.FIRST_ACTION: "Report your first action",
    Stage.ONBOARDING: "Set up on-boarding",
    Stage.STRATEGIC_PLAN: "Your strategic plan",
}


def hub_for(session: Session, token: str) -> Hub:
    hub_id, version = read_hub_token(token)
    hub = session.scalar(
        select(Hub)
        .where(Hub.id == hub_id)
        .options(selectinload(Hub.district), selectinload(Hub.contacts))
    )
    if hub is None or hub.token_version != version:
        raise LinkRefused("this link is no longer valid")
    return hub


def _plan_rows(session: Session, hub: Hub) -> list[dict[str, Any]]:
    rep = session.scalar(
        select(Legislator).where(Legislator.district_id == hub.district_id, Legislator.active)
    )
    first = {
        "role": "state_rep",
        "legend": "Your State Representative (required)",
        "name": rep.name if rep else "",
        "id": rep.id if rep else None,
        "stance": rep.stance.value if rep else "not_cosponsor",
        "goal": "",
    }
    return [
        first,
        {
            "role": "state_senator",
            "legend": "Your State Senator (optional)",
            "name": "",
            "id": None,
            "stance": "not_cosponsor",
            "goal": "",
        },
        {
            "role": "member_of_congress",
            "legend": "A Member of Congress (optional)",
            "name": "",
            "id": None,
            "stance": "not_cosponsor",
            "goal": "",
        },
    ]


def show(
    request: Request,
    token: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    try:
        with session_factory()() as session:
            hub = hub_for(session, token)
            latest = session.scalars(
                select(Submission)
                .where(Submission.hub_id == hub.id, Submission.stage == hub.stage)
                .order_by(Submission.id.desc())
            ).first()
            waiting = waiting_for_staff(session, hub)
            policy = get_settings().policy
            context = {
                "hub": hub,
                "token": token,
                "checklist": CHECKLIST,
                "waiting": waiting,
                "changes": latest
                if latest and latest.state is SubmissionState.CHANGES_REQUESTED
                else None,
                "can_submit": (
                    hub.stage in FORM_TITLES
                    and hub.stage is not Stage.INTEREST
                    and not waiting
                    and hub.status.is_open()
                ),
                "form_title": FORM_TITLES.get(hub.stage, ""),
                "errors": errors or {},
                "values": values or {},
                "plan_rows": _plan_rows(session, hub) if hub.stage is Stage.STRATEGIC_PLAN else [],
                "senators": list(
                    session.scalars(
                        select(Legislator)
                        .where(Legislator.chamber == Chamber.SENATE, Legislator.active)
                        .options(selectinload(Legislator.district))
                        .order_by(Legislator.name)
                    )
                )
                if hub.stage is Stage.STRATEGIC_PLAN
                else [],
                "neighbours": neighbours(session, hub.id),
                "history": timeline(session, hub, today=policy.today(utcnow()), for_staff=False),
                **LABELS,
            }
            return page(request, "hub.html", context, status=status)
    except LinkRefused as exc:
        expired = "expired" in str(exc)
        return message(
            request,
            "This link has expired" if expired else "Link not valid",
            f"{str(exc).capitalize()}. Enter your email and we will send you a "
            "fresh link to your Hub's page.",
            status=410 if expired else 404,
            ask_link=True,
        )


@router.get("/hub/{token}")
def hub_page(request: Request, token: str) -> Response:
    return show(request, token)


@router.post("/hub/{token}/submit")
async def hub_submit(request: Request, token: str) -> Response:
    values = await forms.read_form(request)
    try:
        with session_factory()() as session:
            hub = hub_for(session, token)
            stage, hub_id = hub.stage, hub.id
            rows: list[int] = []
            if stage is Stage.FIRST_ACTION:
                payload = forms.first_action(values)
            elif stage is Stage.ONBOARDING:
                payload = forms.onboarding(values)
            else:
                payload, rows = forms.strategic_plan(values)
                _name_legislators(session, payload)
            session.commit()
            submit_stage_work(session, hub_id, stage, payload, actor=Actor.hub(hub_id))
    except LinkRefused:
        return show(request, token)
    except InvalidInput as exc:
        errors = (
            forms.plan_errors(exc.errors, rows)
            if stage is Stage.STRATEGIC_PLAN
            else forms.field_errors(exc.errors)
        )
        return show(request, token, errors=errors, values=values, status=422)
    except HubflowError as exc:
        return redirect(f"/hub/{token}", flash=str(exc), bad=True)
    return redirect(f"/hub/{token}", flash="Sent! The GO! Team will review it and email you.")


def _name_legislators(session: Session, payload: dict[str, Any]) -> None:
    for target in payload["targets"]:
        if target.get("legislator_id") and not target.get("legislator"):
            leg = (
                session.get(Legislator, int(target["legislator_id"]))
                if str(target["legislator_id"]).isdigit()
                else None
            )
            target["legislator"] = leg.name if leg else ""


@router.post("/hub/link")
async def fresh_link(request: Request) -> Response:
    """Email a fresh private link to a Hub contact. The answer is the same whether or not
    the address belongs to a Hub, so the form tells nobody who is in hubflow."""
    values = await forms.read_form(request)
    address = values.get("email", "").lower()
    settings, now = get_settings(), utcnow()
    with session_factory()() as session, transaction(session):
        contacts = session.scalars(
            select(Contact)
            .join(Hub)
            .where(Contact.email == address, Hub.status.not_in([Status.WITHDRAWN, Status.DECLINED]))
        )
        for contact in contacts:
            hub = contact.hub
            queue_email(
                session,
                key=f"hub-{hub.id}/hub_link/{now:%Y-%m-%dT%H}",
                kind=MessageKind.HUB_LINK,
                to=Recipient(contact.email, contact.name),
                context={"hub": hub_context(hub, settings)},
                hub_id=hub.id,
                now=now,
            )
    return message(
        request,
        "Check your email",
        "If that address belongs to a Hub contact, a fresh link is on its way.",
    )
