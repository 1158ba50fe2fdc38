"""Pages anyone may see: the interest form and its thanks (places.py: the directory and
coverage; unsubscribe.py: the emails a person gets)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hubflow.web import security
from hubflow.web.boundary import MAX_ID, unreadable
from hubflow.web.deps import Config, Db, interests
from hubflow.web.forms import checked, field_errors, read_form, sentence
from hubflow.web.pages import BUSY, RETRY_AFTER, campaign_today, message, page, redirect
from models.enums import HubKind, Term
from models.errors import InvalidInput
from models.forms import InterestForm, parse
from models.geography import house_district_for, natural_key
from models.services.queries import covered_districts, find_hub, interest_form_of
from models.services.timeline import facts_for, versions
from plumbing.db import unavailable
from plumbing.geography import geography
from plumbing.tokens import (
    LinkRefused,
    hub_url,
    read_receipt_token,
    receipt_token,
)

router = APIRouter()
JOIN_FIELDS = (
    "group_name",
    "kind",
    "towns",
    "district",
    "contact_name",
    "email",
    "phone",
    "first_action_idea",
)


JOIN_LABELS = {
    "group_name": "Group name",
    "kind": "Kind of group",
    "town": "Your town or city",
    "ward": "Ward",
    "precinct": "Precinct",
    "towns": "Other towns",
    "district": "Your district",
    "contact_name": "Your name",
    "email": "Your email",
    "phone": "Your phone",
    "first_action_idea": "Your first-action idea",
    "consent_to_contact": "Agreeing to be contacted",
}


# What a field left empty asks for, as a person would ask it.
JOIN_ASKS = {
    "group_name": "Enter your group's name",
    "kind": "Choose the kind of group",
    "town": "Enter your town or city",
    "contact_name": "Enter your name",
    "email": "Enter your email address",
    "phone": "Enter your phone number",
}


def join_errors(errors: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    """The form's errors in the order of its fields (the summary reads top to bottom), an
    empty field asked for rather than called wrong."""
    order = {name: i for i, name in enumerate(JOIN_LABELS)}
    asked = {
        name: JOIN_ASKS[name] + "."
        if name in JOIN_ASKS and not values.get(name, "").strip()
        else message
        for name, message in errors.items()
    }
    return dict(sorted(asked.items(), key=lambda item: order.get(item[0], len(order))))


def join_page(
    request: Request,
    session: Session,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    busy: bool = False,
    step: str = "",
) -> Response:
    values = values or {}
    errors = join_errors(errors or {}, values)
    response = page(
        request,
        "join.html",
        {
            "errors": errors,
            "values": values,
            "step": step,
            # An asked-for field's message names it: the summary says only the message.
            "labels": {
                **JOIN_LABELS,
                "district": f"Your {Term.DISTRICT.label}",
                **{name: "" for name, ask in JOIN_ASKS.items() if errors.get(name) == ask + "."},
            },
            "kinds": [(k, k.label) for k in HubKind],
            "towns": geography().towns,
            "place": district_choices(session, values),
            "busy": BUSY if busy else "",
        },
        status=503 if busy else 422 if errors else 200,  # a step to take is no error
    )
    if busy:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


def district_choices(session: Session, values: dict[str, str]) -> tuple[str, list[str]]:
    """The districts the form offers: the town's (narrowed by ward and precinct where they
    are right) with the town's name, or every district when the town is not known (or
    hubflow has no town data for the state)."""
    geo = geography()
    if not geo:
        try:
            return "", covered_districts(session)
        except Exception as exc:  # the busy page still shows the district chosen
            if not unavailable(exc):
                raise
            return "", [values["district"]] if values.get("district") else []
    town = values.get("town", "")
    for ward, precinct in ((values.get("ward", ""), values.get("precinct", "")), ("", "")):
        try:
            found = geo.lookup(town, ward=ward, precinct=precinct)
        except InvalidInput:
            continue
        return found.town, sorted(found.house, key=natural_key)
    return "", geo.house_districts


def find_place(values: dict[str, str], town: str) -> tuple[str, str, dict[str, str], str]:
    """(district, town as the table writes it, errors of the place fields, step): the
    district found from the town (and ward and precinct) or chosen; when the town is split
    and nothing chose, the step asks for it (the form's next step, not a mistake)."""
    district, place = "", {}
    try:
        district = house_district_for(
            geography(),
            town,
            ward=values.get("ward", ""),
            precinct=values.get("precinct", ""),
            district=values.get("district", ""),
        )
        town = geography().town(town)
    except InvalidInput as exc:
        place = exc.errors
    step = ""
    if set(place) == {"district"} and not values.get("district", "").strip():
        step = sentence(place.pop("district"))  # the town is split: choose the district
    return district, town, place, step


def _join_form(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str], str]:
    """What the service takes from the posted fields (the town first among the Hub's
    towns, the district found from the town), the errors of the place fields, and the
    step left when the town is split among districts and none was chosen: choosing one
    is the form's next step, not a mistake."""
    form: dict[str, Any] = {name: values.get(name, "") for name in JOIN_FIELDS}
    form["consent_to_contact"] = checked(values, "consent_to_contact")
    others = [t.strip() for t in values.get("towns", "").split(",") if t.strip()]
    town = values.get("town", "")
    if not town.strip() and others:  # the towns alone: the first is where the group is
        town, others = others[0], others[1:]
    place: dict[str, str] = {}
    if not geography():  # no town data for the state: the district is chosen from the list
        form["district"] = values.get("district", "").strip()
        if not form["district"]:
            place["district"] = "choose your district from the list"
        if not town.strip():
            place["town"] = "this is required"
        form["towns"] = list(dict.fromkeys(t for t in [town.strip(), *others] if t))
        return form, place, ""
    form["district"], town, place, step = find_place(values, town)
    form["towns"] = [t for t in [town.strip(), *others] if t]
    form["towns"] = list(dict.fromkeys(form["towns"]))  # the town once, in the order given
    return form, place, step


@router.get("/join")
def join_form(request: Request, session: Db, town: str = "", district: str = "") -> Response:
    return join_page(request, session, values=place_given(town, district))


def place_given(town: str, district: str) -> dict[str, str]:
    """The place a link names (coverage's, the dashboard's waiting newcomers'): a form
    starts there; anything unreadable is left out."""
    given = {"town": town[:100], "district": district[:100]}
    return {k: v for k, v in given.items() if v and unreadable(v) is None}


@router.post("/join")
async def join(request: Request, session: Db, settings: Config) -> Response:
    if not security.allowed(request, scope="join", rate=settings.join_rate_limit):
        return message(
            request, "Too many requests", "Please wait a minute and try again.", status=429
        )
    values = await read_form(request)
    form, place, step = _join_form(values)
    if values.problems or place or step:  # nothing is recorded; every error is reported
        try:
            parse(InterestForm, {**form, "district": form["district"] or "?"})
            others = {}
        except InvalidInput as exc:
            others = exc.errors
        if "town" in place or values.problems.get("town"):
            others = {k: v for k, v in others.items() if not k.startswith("towns")}
        errors = field_errors({**others, **place, **values.problems})
        return join_page(request, session, errors=errors, values=values, step=step)
    try:
        outcome = await interests.run(form)
    except Exception as exc:
        if not unavailable(exc):
            raise
        return join_page(request, session, values=values, busy=True)  # what was typed, kept
    if isinstance(outcome, InvalidInput):
        return join_page(request, session, errors=field_errors(outcome.errors), values=values)
    # See other: a reload of the answer shows it again and sends nothing.
    return redirect(f"/join/thanks/{receipt_token(outcome.hub_id, new=outcome.new)}")


@router.get("/join/thanks/{token}")
def join_thanks(request: Request, session: Db, settings: Config, token: str) -> Response:
    """The answer to a sent interest form: what happens next, what was sent and the Hub's
    own page. For a form repeating one already received (the same group and email), none
    of what is stored is shown: knowing a group's name and email gives nobody its details."""
    try:
        hub_id, new = read_receipt_token(token)
    except LinkRefused as exc:
        return message(request, "Thank you", sentence(str(exc)), status=410)
    hub = find_hub(session, hub_id) if hub_id <= MAX_ID else None
    sent = interest_form_of(session, hub_id)
    if hub is None or sent is None:
        return message(request, "Not found", "There is no such form.", status=404)
    facts = facts_for(session, hub, today=campaign_today())
    [version] = versions([sent], facts)
    return page(
        request,
        "join_done.html",
        {
            "hub_name": hub.name,
            "district": hub.district.name,
            "new": new,
            "email": sent.payload.get("email", "") if new else "",
            "intro_days": settings.policy.review_due_days,
            "sent": version.document if new else None,
            "hub_link": hub_url(hub.id, hub.token_version) if new else "",
        },
    )
