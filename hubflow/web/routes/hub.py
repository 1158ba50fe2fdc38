"""A Hub's own page, reached by its signed private link: where it stands, what is due by
when, the form for its step (every error at once, nothing typed lost), and its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hubflow.web import forms
from hubflow.web.boundary import MAX_ID, ascii_int
from hubflow.web.deps import Config, Db
from hubflow.web.hub_content import (
    ACTION_EXAMPLES,
    DUE_WORDS,
    FORM_TITLES,
    checklist,
    field_labels,
    form_choices,
    open_sections,
    plan_asks,
    plan_rows,
)
from hubflow.web.pages import campaign_today, campaign_zone, message, page, redirect
from hubflow.web.progress_content import listed_context, revision_values
from models.enums import Stage, SubmissionState
from models.errors import HubflowError, InvalidInput
from models.forms import parse_evidence
from models.hub import Hub
from models.services import newcomer_views
from models.services.common import Actor
from models.services.hubs import submit_stage_work
from models.services.legislators import sitting_senators
from models.services.queries import find_legislator, hub_with_contacts
from models.services.timeline import Version, hub_versions, timeline
from models.services.working_on import circles
from plumbing.geography import geography
from plumbing.settings import Settings
from plumbing.tokens import LinkRefused, newcomer_url, read_hub_link

router = APIRouter()


def hub_for(session: Session, token: str) -> tuple[Hub, datetime]:
    """The Hub a private link is for, and until when the link works; or LinkRefused."""
    hub_id, version, expires = read_hub_link(token)
    if hub_id > MAX_ID:
        raise LinkRefused("this link is not valid")
    hub = hub_with_contacts(session, hub_id)
    if hub is None or hub.token_version != version:
        raise LinkRefused("this link is no longer valid")
    return hub, expires


def _stage_context(mine: list[Version], hub: Hub) -> dict[str, Any]:
    """Where the Hub's current step stands: waiting, sent back, or to do; what it sent."""
    current = [v for v in mine if v.submission.stage is hub.stage]
    latest = current[-1] if current else None
    state = latest.submission.state if latest else None
    plan = [
        v
        for v in mine
        if v.submission.stage is Stage.STRATEGIC_PLAN
        and v.submission.state is SubmissionState.APPROVED
    ]
    return {
        "waiting": latest if state is SubmissionState.PENDING else None,
        "changes": latest if state is SubmissionState.CHANGES_REQUESTED else None,
        "approved_plan": plan[-1] if plan else None,
    }


def show(
    request: Request,
    session: Session,
    settings: Settings,
    token: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    revising: bool = False,
) -> Response:
    try:
        hub, link_expires = hub_for(session, token)
        today = campaign_today()
        mine = hub_versions(session, hub, today=today)
        stage = _stage_context(mine, hub)
        revising = revising and hub.stage is Stage.LISTED
        form_stage = Stage.STRATEGIC_PLAN if revising else hub.stage
        rows = plan_rows(session, hub) if form_stage is Stage.STRATEGIC_PLAN else []
        # The first few by name, the rest counted: hundreds may share a State Senator.
        others = circles(session, geography(), hub)
        listed = (
            listed_context(
                session,
                hub,
                errors=errors or {},
                values=values or {},
                actions=settings.campaign.progress.actions,
            )
            if hub.stage is Stage.LISTED
            else {}
        )
        if values is None and stage["changes"] is not None:
            # Sent back for changes: the version they sent, ready to edit.
            values = forms.values_from(stage["changes"].submission.payload, rows)
        if values is None and revising:
            values = revision_values(listed["revision_sent_back"], stage["approved_plan"], rows)
        context = {
            "hub": hub,
            "token": token,
            "checklist": checklist(settings.campaign.cause),
            **stage,
            "can_submit": (
                form_stage in FORM_TITLES
                and stage["waiting"] is None
                and hub.status.is_open()
                and not (revising and listed["revision_waiting"])
            ),
            "form_title": "Revise your plan" if revising else FORM_TITLES.get(hub.stage, ""),
            "form_stage": form_stage.value,
            "revising": revising,
            "report_errors": bool(errors) and hub.stage is Stage.LISTED and not revising,
            **listed,
            "due_words": DUE_WORDS.get(hub.stage, ""),
            "action_examples": ACTION_EXAMPLES,
            "errors": plan_asks(errors or {}, rows),
            "labels": field_labels(form_stage, rows),
            "values": values or {},
            "plan_rows": rows,
            "open_rows": open_sections(errors or {}, values or {}, rows),
            "senators": sitting_senators(session) if rows else [],
            "neighbours": others.neighbours,
            "more_neighbours": others.more_neighbours,
            # Its own newcomers, and each one's link to say they were reached (#31).
            "newcomers": [
                (n, newcomer_url(n.id, hub.id, settings=settings))
                for n in newcomer_views.of_hub(session, hub.id)
            ],
            "nearby": others.nearby,
            "more_nearby": others.more_nearby,
            "history": timeline(session, hub, today=today, for_staff=False, known=mine),
            "go_team_email": settings.go_team_email,
            "link_expires": link_expires.astimezone(campaign_zone()).date(),
            "review_days": settings.policy.review_due_days,
            **form_choices(federal_bill=settings.campaign.federal_bill is not None),
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
def hub_page(request: Request, session: Db, settings: Config, token: str) -> Response:
    return show(request, session, settings, token)


@router.post("/hub/{token}/submit")
async def hub_submit(request: Request, session: Db, settings: Config, token: str) -> Response:
    values = await forms.read_form(request)
    try:
        hub, _ = hub_for(session, token)
        stage, hub_id = hub.stage, hub.id
        rows: list[int] = []
        row_errors: dict[str, str] = forms.field_errors(values.problems)
        if stage is Stage.FIRST_ACTION:
            payload = forms.first_action(values)
        elif stage is Stage.ONBOARDING:
            payload = forms.onboarding(values)
        else:
            payload, rows, plan_row_errors = forms.strategic_plan(values)
            row_errors.update(plan_row_errors)
            row_errors.update(name_legislators(session, payload, rows))
        session.commit()
        if row_errors:  # reported with every other error of the form, at once
            parse_evidence(stage, payload, today=campaign_today())
            raise InvalidInput({})
        submit_stage_work(
            session, hub_id, stage, payload, actor=Actor.hub(hub_id), policy=settings.policy
        )
    except LinkRefused:
        return show(request, session, settings, token)
    except InvalidInput as exc:
        errors = (
            forms.plan_errors(exc.errors, rows)
            if stage is Stage.STRATEGIC_PLAN
            else forms.field_errors(exc.errors)
        )
        return show(
            request,
            session,
            settings,
            token,
            errors={**row_errors, **errors},
            values=values,
            status=422,
        )
    except HubflowError as exc:
        return redirect(f"/hub/{token}", flash=forms.sentence(str(exc)), bad=True)
    team = settings.campaign.team
    return redirect(f"/hub/{token}#sent", flash=f"Sent! The {team} will review it and email you.")


def name_legislators(session: Session, payload: dict[str, Any], rows: list[int]) -> dict[str, str]:
    """Each chosen legislator's name; an id that names nobody is an error on its field."""
    errors = {}
    for target, row in zip(payload["targets"], rows, strict=True):
        raw = str(target.get("legislator_id") or "")
        if raw and not target.get("legislator"):
            number = ascii_int(raw)
            leg = find_legislator(session, number) if number else None
            if leg is None:
                errors[f"targets-{row}-legislator_id"] = "Choose one from the list."
                target.pop("legislator_id")
            else:
                target["legislator"] = leg.name
    return errors
