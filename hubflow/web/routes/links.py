"""A fresh private link, for a Hub contact whose link expired or was lost (SPEC §8)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response

from hubflow.web import forms
from hubflow.web.deps import in_own_session
from hubflow.web.pages import page, redirect
from models.errors import InvalidInput
from models.forms import FreshLinkRequest, parse
from models.services.links import request_fresh_links

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
