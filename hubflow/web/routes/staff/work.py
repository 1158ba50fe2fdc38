"""Staff work on a Hub's page: notes of calls and meetings, corrections of the Hub and of
its contacts. A form with a problem comes back with every error and what was typed."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hubflow.web.boundary import Id
from hubflow.web.deps import Config, Db, Staff
from hubflow.web.forms import Posted, field_errors, read_form, sentence
from hubflow.web.pages import redirect
from hubflow.web.routes.staff.hubs import show_hub
from models.errors import HubflowError, InvalidInput
from models.services import contacts, corrections, queries
from models.services.common import Actor
from models.services.notes import add_note
from plumbing.geography import geography

router = APIRouter(prefix="/staff")


def _sent_back(
    request: Request, session: Db, me: Staff, hub_id: int, form: str, values: Posted, exc: Exception
) -> Response:
    """The Hub's page again, the form's errors named by its fields (`prefix` + service field)."""
    errors = exc.errors if isinstance(exc, InvalidInput) else {"form": str(exc)}
    named: dict[str, str] = {}
    for key, text in field_errors(errors).items():
        named.setdefault(f"{form}-{key.split('-')[0]}", text)
    return show_hub(request, session, me, hub_id, form=form, values=dict(values), errors=named)


@router.post("/hubs/{hub_id}/notes")
async def note(request: Request, session: Db, settings: Config, me: Staff, hub_id: Id) -> Response:
    values = await read_form(request)
    try:
        values.refuse()
        add_note(
            session,
            hub_id,
            author_id=me.id,
            text=values.get("note-text", ""),
            kind=values.get("note-kind", "") or "other",
            follow_up=values.get("note-follow_up", "") or None,
            policy=settings.policy,
        )
    except HubflowError as exc:
        return _sent_back(request, session, me, hub_id, "note", values, exc)
    return redirect(f"/staff/hubs/{hub_id}#timeline", flash="Note added to the timeline.")


@router.post("/hubs/{hub_id}/correct")
async def correct(request: Request, session: Db, me: Staff, hub_id: Id) -> Response:
    values = await read_form(request)
    fields = ("name", "kind", "towns", "district")
    try:
        values.refuse()
        hub = corrections.correct_hub(
            session,
            hub_id,
            {f: values.get(f"fix-{f}", "") for f in fields},
            actor=Actor.staff(me),
            geo=geography(),
        )
    except HubflowError as exc:
        return _sent_back(request, session, me, hub_id, "fix", values, exc)
    return redirect(f"/staff/hubs/{hub_id}", flash=f"{hub.name}: corrected.")


@router.post("/hubs/{hub_id}/contacts")
async def add_contact(request: Request, session: Db, me: Staff, hub_id: Id) -> Response:
    values = await read_form(request)
    try:
        values.refuse()
        added = contacts.add_contact(
            session,
            hub_id,
            name=values.get("add-name", ""),
            email=values.get("add-email", ""),
            phone=values.get("add-phone", ""),
            actor=Actor.staff(me),
        )
    except HubflowError as exc:
        return _sent_back(request, session, me, hub_id, "add", values, exc)
    return redirect(
        f"/staff/hubs/{hub_id}", flash=f"{added.name} added; they are emailed the Hub's link."
    )


@router.post("/contacts/{contact_id}/{action}")
async def contact_action(
    request: Request, session: Db, me: Staff, contact_id: Id, action: str
) -> Response:
    values = await read_form(request)
    found = queries.contact(session, contact_id)
    if found is None:
        return redirect("/staff/hubs", flash=f"There is no contact {contact_id}.", bad=True)
    hub_id, form = found.hub_id, f"c{contact_id}"
    actor = Actor.staff(me)
    done: dict[str, Callable[[], str]] = {
        "change": lambda: _change(session, contact_id, values, actor),
        "primary": lambda: _primary(session, contact_id, actor),
        "remove": lambda: _remove(session, contact_id, actor),
    }
    if action not in done:
        return redirect(f"/staff/hubs/{hub_id}", flash="That is not a contact action.", bad=True)
    try:
        values.refuse()
        text = done[action]()
    except InvalidInput as exc:
        return _sent_back(request, session, me, hub_id, form, values, exc)
    except HubflowError as exc:
        return redirect(f"/staff/hubs/{hub_id}", flash=sentence(str(exc)), bad=True)
    return redirect(f"/staff/hubs/{hub_id}", flash=text)


def _change(session: Db, contact_id: int, values: Posted, actor: Actor) -> str:
    prefix = f"c{contact_id}"
    changed = contacts.change_contact(
        session,
        contact_id,
        name=values.get(f"{prefix}-name"),
        email=values.get(f"{prefix}-email"),
        phone=values.get(f"{prefix}-phone"),
        actor=actor,
    )
    return f"{changed.name}'s details are corrected."


def _primary(session: Db, contact_id: int, actor: Actor) -> str:
    return f"{contacts.make_primary(session, contact_id, actor=actor).name} is the primary contact."


def _remove(session: Db, contact_id: int, actor: Actor) -> str:
    contacts.remove_contact(session, contact_id, actor=actor)
    return "The contact is removed; their links no longer work, and the others get fresh ones."
