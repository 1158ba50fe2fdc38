"""Announcements (#30): staff write to a chosen set of Hubs, see exactly who it reaches and
who is left out, preview it for one real Hub, test it, send it now or at a time, cancel it
until it starts, and follow how it went."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hubflow.web.boundary import Id, unreadable
from hubflow.web.deps import Config, Db, Staff
from hubflow.web.forms import Posted, field_errors, read_form
from hubflow.web.pages import campaign_zone, page, redirect
from hubflow.web.routes.staff.announcement_page import audience_choices, show
from models.base import utcnow
from models.errors import HubflowError, InvalidInput
from models.services import announcements
from models.services.audience import parse_audience
from plumbing.geography import geography
from plumbing.settings import Settings
from tasks.reactions.announce import send as send_announcement

router = APIRouter(prefix="/staff")

MULTI = ("stages", "statuses", "counties", "senate", "congress", "house")
LABELS = {
    "subject": "Subject",
    "body": "What it says",
    "stages": "Stages",
    "statuses": "Statuses",
    "counties": "Counties",
    "senate": "Senate districts",
    "congress": "Congressional districts",
    "house": "State Rep districts",
    "hub_ids": "Hub numbers",
    "owner": "Owner",
    "whose": "Whose move",
    "listed": "Listed",
    "contacts": "Who at each Hub",
    "audience": "Audience",
    "send_at": "Send at",
    "form": "",
}


@router.get("/announcements")
def announcement_list(request: Request, session: Db, me: Staff) -> Response:
    found = announcements.list_announcements(session)
    return page(request, "staff_announcements.html", {"announcements": found}, staff=me)


def _form(
    request: Request,
    session: Db,
    me: Staff,
    values: dict[str, list[str]],
    errors: dict[str, str],
    *,
    action: str,
    status: int = 200,
) -> Response:
    return page(
        request,
        "staff_announcement_form.html",
        {
            "values": values,
            "errors": errors,
            "labels": LABELS,
            "action": action,
            **audience_choices(session),
        },
        staff=me,
        status=status,
    )


@router.get("/announcements/new")
def new(request: Request, session: Db, me: Staff) -> Response:
    return _form(request, session, me, {"contacts": ["primary"]}, {}, action="/staff/announcements")


@router.get("/announcements/{announcement_id}/edit")
def edit(request: Request, session: Db, me: Staff, announcement_id: Id) -> Response:
    found = announcements.load(session, announcement_id)
    values: dict[str, list[str]] = {"subject": [found.subject], "body": [found.body]}
    for key, value in found.audience.items():
        if isinstance(value, list):
            values[key] = (
                ["\n".join(map(str, value))] if key == "hub_ids" else [str(v) for v in value]
            )
        else:
            values[key] = ["yes" if value is True else "" if value is False else str(value)]
    return _form(request, session, me, values, {}, action=f"/staff/announcements/{found.id}")


async def _posted(request: Request) -> tuple[Posted, dict[str, list[str]]]:
    """The form's fields, the multiple choices as lists (each checked at the boundary)."""
    values = await read_form(request)
    raw = await request.form()  # parsed once: Starlette keeps it
    lists: dict[str, list[str]] = {k: [v] for k, v in values.items()}
    for name in MULTI:
        given = [v for v in raw.getlist(name) if isinstance(v, str)]
        if any(unreadable(v) for v in given):
            values.problems[name] = "Choose from the list."
            given = []
        lists[name] = [v.strip() for v in given]
    return values, lists


@router.post("/announcements")
async def create(request: Request, session: Db, me: Staff) -> Response:
    return await _save(request, session, me, None)


@router.post("/announcements/{announcement_id}")
async def update(request: Request, session: Db, me: Staff, announcement_id: Id) -> Response:
    return await _save(request, session, me, announcement_id)


async def _save(request: Request, session: Db, me: Staff, announcement_id: int | None) -> Response:
    values, lists = await _posted(request)
    action = (
        f"/staff/announcements/{announcement_id}" if announcement_id else "/staff/announcements"
    )
    errors: dict[str, str] = dict(values.problems)
    audience = None
    try:
        audience = parse_audience(session, lists, geography())
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        announcements.check_text(values.get("subject", ""), values.get("body", ""))
        if audience is not None:
            announcements.check_for(audience, values.get("subject", ""), values.get("body", ""))
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors or audience is None:
        return _form(request, session, me, lists, field_errors(errors), action=action, status=422)
    try:
        found = announcements.write(
            session,
            author=me,
            subject=values["subject"],
            body=values["body"],
            audience=audience,
            announcement_id=announcement_id,
        )
    except HubflowError as exc:
        return _form(request, session, me, lists, {"form": str(exc)}, action=action, status=409)
    return redirect(
        f"/staff/announcements/{found.id}", flash="Saved. Look it over below, then send it."
    )


@router.get("/announcements/{announcement_id}")
def announcement(
    request: Request,
    session: Db,
    settings: Config,
    me: Staff,
    announcement_id: Id,
    page_no: int = 1,
) -> Response:
    return show(request, session, settings, me, announcement_id, page_no=page_no)


def parse_send_at(text: str, now: datetime) -> datetime | None:
    """'2026-12-08T19:00' in the campaign's zone, as UTC; None for 'now'."""
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.one(
            "send_at", "Give a date and a time, e.g. 2026-12-08 19:00."
        ) from None
    if local.tzinfo is not None:
        raise InvalidInput.one("send_at", "Give a date and a time, e.g. 2026-12-08 19:00.")
    return local.replace(tzinfo=campaign_zone()).astimezone(now.tzinfo)


@router.post("/announcements/{announcement_id}/send")
async def send(
    request: Request, session: Db, settings: Config, me: Staff, announcement_id: Id
) -> Response:
    values = await read_form(request)
    now = utcnow()
    try:
        values.refuse()
        at = parse_send_at(values.get("send_at", "") if values.get("when") == "later" else "", now)
        done, _people = send_announcement(
            session, announcement_id, by=me, at=at, settings=settings, now=now
        )
    except HubflowError as exc:
        return show(
            request,
            session,
            settings,
            me,
            announcement_id,
            errors=_errors(exc),
            values=dict(values),
            status=422,
        )
    return redirect(
        f"/staff/announcements/{announcement_id}", flash=_said(done.state.value, settings)
    )


def _errors(exc: HubflowError) -> dict[str, str]:
    return field_errors(exc.errors) if isinstance(exc, InvalidInput) else {"form": str(exc)}


def _said(state: str, settings: Settings) -> str:
    return {
        "awaiting_approval": "It reaches more than "
        f"{settings.campaign.announcements.approval_over:,} people: it waits for another "
        f"{settings.campaign.team} member's approval.",
        "scheduled": "Scheduled. It can be cancelled until it starts.",
    }.get(state, "Done.")


@router.post("/announcements/{announcement_id}/{action}")
async def act(
    request: Request, session: Db, settings: Config, me: Staff, announcement_id: Id, action: str
) -> Response:
    values = await read_form(request)
    steps = {
        "approve": (announcements.approve, "Approved and scheduled."),
        "cancel": (announcements.cancel, "Cancelled: nothing will be sent."),
        "test": (announcements.request_test, f"A test is on its way to {me.email}."),
    }
    if action not in steps:
        return redirect(f"/staff/announcements/{announcement_id}")
    step, said = steps[action]
    try:
        values.refuse()
        step(session, announcement_id, by=me, now=utcnow())
    except HubflowError as exc:
        return show(
            request, session, settings, me, announcement_id, errors=_errors(exc), status=409
        )
    return redirect(f"/staff/announcements/{announcement_id}", flash=said)
