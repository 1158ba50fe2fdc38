"""A neighbour's "I want to help" (#31): the Get involved form (the district from the town,
as on /join), its thanks, and the private link a Hub's contact for new people uses to say
they reached someone."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hubflow.web import security
from hubflow.web.boundary import unreadable
from hubflow.web.deps import Config, Db
from hubflow.web.forms import checked, field_errors, read_form, sentence
from hubflow.web.pages import message, page, redirect
from hubflow.web.routes.public import district_choices, find_place, place_given
from models.base import utcnow
from models.errors import HubflowError, InvalidInput, NotFound
from models.newcomer import Newcomer
from models.services import newcomers
from plumbing.geography import geography
from plumbing.settings import Settings
from plumbing.tokens import LinkRefused, read_newcomer_token

router = APIRouter()
LABELS = {
    "name": "Your name",
    "email": "Your email",
    "phone": "Your phone",
    "town": "Your town or city",
    "ward": "Ward",
    "precinct": "Precinct",
    "district": "Your district",
    "interests": "What you would like to do",
    "consent": "Sharing your details with the Hub",
}


def involved_page(
    request: Request,
    session: Session,
    settings: Settings,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    step: str = "",
) -> Response:
    values = values or {}
    order = list(LABELS)
    errors = dict(
        sorted((errors or {}).items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)
    )
    return page(
        request,
        "get_involved.html",
        {
            "values": values,
            "errors": errors,
            "labels": LABELS,
            "step": step,
            "towns": geography().towns,
            "place": district_choices(session, values),
            "interests": settings.campaign.get_involved.interests,
            "chosen": values.get("interests_chosen", []),
        },
        status=422 if errors else 200,
    )


@router.get("/get-involved")
def get_involved(
    request: Request, session: Db, settings: Config, town: str = "", district: str = ""
) -> Response:
    return involved_page(request, session, settings, values=place_given(town, district))


@router.post("/get-involved")
async def sign_up(request: Request, session: Db, settings: Config) -> Response:
    if not security.allowed(request, scope="join", rate=settings.join_rate_limit):
        return message(
            request, "Too many requests", "Please wait a minute and try again.", status=429
        )
    posted = await read_form(request)
    values: dict[str, Any] = dict(posted)
    raw = await request.form()
    chosen = [v for v in raw.getlist("interests") if isinstance(v, str)]
    problems = dict(posted.problems)
    if any(unreadable(v) for v in chosen):
        problems["interests"] = "Choose from the list."
        chosen = []
    values["interests_chosen"] = chosen
    district, town, place, step = find_place(posted, posted.get("town", ""))
    form = {
        "name": posted.get("name", ""),
        "email": posted.get("email", ""),
        "phone": posted.get("phone", ""),
        "town": town,
        "district": district or "?",
        "interests": chosen,
        "consent": checked(posted, "consent"),
    }
    errors: dict[str, str] = {}
    try:
        newcomers.check(form, settings.campaign.get_involved.interests)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if "town" in place or "town" in problems:
        errors.pop("town", None)
    errors.update(place)
    errors.update(problems)
    if errors or step:
        return involved_page(
            request, session, settings, values=values, errors=field_errors(errors), step=step
        )
    try:
        newcomers.sign_up(
            session, form, interests=settings.campaign.get_involved.interests, now=utcnow()
        )
    except InvalidInput as exc:
        return involved_page(
            request, session, settings, values=values, errors=field_errors(exc.errors)
        )
    return redirect("/get-involved/thanks")


@router.get("/get-involved/thanks")
def thanks(request: Request) -> Response:
    return message(
        request,
        "Thank you",
        "We have your details. Look in your inbox in a minute or two: we are writing to tell "
        "you about the Hub near you, or, if there is none yet, that you are on its list.",
    )


def _newcomer(session: Session, token: str) -> Newcomer:
    newcomer_id, hub_id = read_newcomer_token(token)
    found = session.get(Newcomer, newcomer_id)
    if found is None or found.hub_id != hub_id:
        raise NotFound("newcomer", newcomer_id)
    return found


@router.get("/newcomer/{token}")
def newcomer_page(request: Request, session: Db, settings: Config, token: str) -> Response:
    try:
        found = _newcomer(session, token)
    except (LinkRefused, NotFound) as exc:
        text = (
            sentence(str(exc)) if isinstance(exc, LinkRefused) else "This person is no longer here."
        )
        return message(request, "Link not valid", text, status=404)
    wanted = settings.campaign.get_involved.interests
    return page(
        request,
        "newcomer.html",
        {"n": found, "interests": [wanted.get(i, i) for i in found.interests], "token": token},
    )


@router.post("/newcomer/{token}/{outcome}")
async def newcomer_follow_up(request: Request, session: Db, token: str, outcome: str) -> Response:
    posted = await read_form(request)
    if outcome not in ("reached", "unreachable"):
        return redirect(f"/newcomer/{token}")
    try:
        posted.refuse()
        found = _newcomer(session, token)
        newcomers.follow_up(
            session, found.id, reached=outcome == "reached", hub_id=found.hub_id or 0, now=utcnow()
        )
    except (LinkRefused, NotFound):
        return message(request, "Link not valid", "This link is not valid.", status=404)
    except HubflowError as exc:
        return redirect(f"/newcomer/{token}", flash=sentence(str(exc)), bad=True)
    said = (
        "Thank you: marked reached."
        if outcome == "reached"
        else "Thank you: noted that you could not reach them."
    )
    return redirect(f"/newcomer/{token}", flash=said)
