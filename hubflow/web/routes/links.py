"""A fresh private link, for a Hub contact whose link expired or was lost (SPEC §8)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response

from hubflow.web import forms
from hubflow.web.deps import Config, Db, in_own_session
from hubflow.web.forms import sentence
from hubflow.web.pages import message, page, redirect
from models.errors import InvalidInput
from models.forms import FreshLinkRequest, parse
from models.services.links import request_fresh_links
from models.services.privacy import remember_again
from plumbing.tokens import LinkRefused, read_confirm_token

router = APIRouter()


def ask(request: Request, *, errors: dict[str, str] | None = None, email: str = "") -> Response:
    return page(
        request,
        "fresh_link.html",
        {"errors": errors or {}, "values": {"email": email}},
        status=422 if errors else 200,
    )


@router.get("/hub/link")
def fresh_link_form(request: Request) -> Response:
    return ask(request)


@router.post("/hub/link")
async def fresh_link(request: Request, background: BackgroundTasks) -> Response:
    """Email a fresh private link to a Hub contact. The answer is the same whether or not
    the address belongs to a Hub, so the form tells nobody who is in hubflow. The link is
    sent even to a contact who unsubscribed from reminders: they asked for it."""
    values = await forms.read_form(request)
    if values.problems:
        return ask(request, errors=forms.field_errors(values.problems))
    try:
        address = str(parse(FreshLinkRequest, {"email": values.get("email", "")}).email).lower()
    except InvalidInput as exc:
        return ask(request, errors=forms.field_errors(exc.errors), email=values.get("email", ""))
    # Recorded after the answer is sent: the answer takes as long for an address nobody
    # knows as for a Hub contact's, so its timing tells nobody who is in hubflow.
    background.add_task(in_own_session, request_fresh_links, address)
    return redirect("/hub/link/sent")


@router.get("/hub/link/sent")
def fresh_link_sent(request: Request) -> Response:
    return page(request, "fresh_link_sent.html", {})


@router.get("/confirm/{token}")
def confirm_form(request: Request, token: str) -> Response:
    """The link sent to an address that had been forgotten: a button, not a change (mail
    scanners open links)."""
    try:
        address, _ = read_confirm_token(token)
    except LinkRefused as exc:
        return message(request, "Link not valid", sentence(str(exc)), status=404)
    return page(request, "confirm_address.html", {"email": address, "token": token})


@router.post("/confirm/{token}")
async def confirm(request: Request, session: Db, settings: Config, token: str) -> Response:
    await forms.read_form(request)
    try:
        address, hub_id = read_confirm_token(token)
    except LinkRefused as exc:
        return message(request, "Link not valid", sentence(str(exc)), status=404)
    remember_again(session, address, hub_id, key=settings.key())
    return message(
        request,
        "Thank you",
        f"We will email {address} again: the message about your Hub is on its way.",
    )
