"""A fresh private link, for a Hub contact whose link expired or was lost (SPEC §8)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response
from sqlalchemy import select

from hubflow.web import forms
from hubflow.web.pages import page, redirect
from models.base import utcnow
from models.email import MessageKind
from models.enums import Status
from models.errors import InvalidInput
from models.forms import FreshLinkRequest, parse
from models.hub import Contact, Hub
from models.services.common import transaction
from plumbing.db import session_factory
from plumbing.email.outbox import Recipient, queue_email
from plumbing.settings import get_settings
from tasks.contexts import hub_context

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
    # Queued after the answer is sent: the answer takes as long for an address nobody
    # knows as for a Hub contact's, so its timing tells nobody who is in hubflow.
    background.add_task(_send_fresh_links, address)
    return redirect("/hub/link/sent")


def _send_fresh_links(address: str) -> None:
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


@router.get("/hub/link/sent")
def fresh_link_sent(request: Request) -> Response:
    return page(request, "fresh_link_sent.html", {})
