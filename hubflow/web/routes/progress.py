"""A listed Hub's own page, continued (#32): its progress report and its plan revision,
each through the same input boundary as every form (every error at once, nothing typed
lost)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hubflow.web import forms
from hubflow.web.deps import Config, Db
from hubflow.web.pages import campaign_today, redirect
from hubflow.web.progress_content import report_errors, report_payload
from hubflow.web.routes.hub import hub_for, name_legislators, show
from models.base import utcnow
from models.enums import Stage
from models.errors import HubflowError, InvalidInput
from models.forms import parse_evidence
from models.services import progress, revisions
from models.services.common import Actor
from plumbing.tokens import LinkRefused

router = APIRouter()


@router.post("/hub/{token}/report")
async def hub_report(request: Request, session: Db, settings: Config, token: str) -> Response:
    values = await forms.read_form(request)
    actions = settings.campaign.progress.actions
    used: list[int] = []
    problems = forms.field_errors(values.problems)
    try:
        hub, _ = hub_for(session, token)
        hub_id = hub.id
        payload, used = report_payload(values, [t.id for t in progress.plan_of(session, hub_id)])
        session.commit()
        if problems:  # said with every other error of the form, at once
            progress.check(payload, actions=actions, today=campaign_today())
            raise InvalidInput({})
        progress.report(
            session,
            hub_id,
            payload,
            actions=actions,
            actor=Actor.hub(hub_id),
            now=utcnow(),
            policy=settings.policy,
        )
    except LinkRefused:
        return show(request, session, settings, token)
    except InvalidInput as exc:
        errors = {**problems, **report_errors(exc.errors, used)}
        return show(request, session, settings, token, errors=errors, values=values, status=422)
    except HubflowError as exc:
        return redirect(f"/hub/{token}", flash=forms.sentence(str(exc)), bad=True)
    return redirect(
        f"/hub/{token}#report",
        flash=f"Thank you! The {settings.campaign.team} has your report.",
    )


@router.get("/hub/{token}/plan")
def hub_plan(request: Request, session: Db, settings: Config, token: str) -> Response:
    return show(request, session, settings, token, revising=True)


@router.post("/hub/{token}/plan")
async def hub_revise_plan(request: Request, session: Db, settings: Config, token: str) -> Response:
    values = await forms.read_form(request)
    rows: list[int] = []
    try:
        hub, _ = hub_for(session, token)
        hub_id = hub.id
        payload, rows, row_errors = forms.strategic_plan(values)
        row_errors.update(forms.field_errors(values.problems))
        row_errors.update(name_legislators(session, payload, rows))
        session.commit()
        if row_errors:
            parse_evidence(Stage.STRATEGIC_PLAN, payload, today=campaign_today())
            raise InvalidInput({})
        revisions.revise_plan(
            session, hub_id, payload, actor=Actor.hub(hub_id), policy=settings.policy
        )
    except LinkRefused:
        return show(request, session, settings, token)
    except InvalidInput as exc:
        errors = {**row_errors, **forms.plan_errors(exc.errors, rows)}
        return show(
            request,
            session,
            settings,
            token,
            errors=errors,
            values=values,
            status=422,
            revising=True,
        )
    except HubflowError as exc:
        return redirect(f"/hub/{token}", flash=forms.sentence(str(exc)), bad=True)
    team = settings.campaign.team
    return redirect(
        f"/hub/{token}#report",
        flash=f"Sent! The {team} will review your revised plan and email you.",
    )
