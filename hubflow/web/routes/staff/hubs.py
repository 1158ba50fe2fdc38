"""Hubs for staff: the list, a Hub's page with its timeline, and what can be done to it."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hubflow.web.boundary import MAX_ID, Id, ascii_int
from hubflow.web.deps import Config, Db, Staff
from hubflow.web.forms import read_form, sentence
from hubflow.web.pages import Paging, campaign_today, campaign_zone, page, redirect, team_words
from hubflow.web.routes.staff.auth import back
from models.enums import HubKind, NoteKind, ReviewState, Stage, Status, SubmissionState
from models.errors import HubflowError
from models.lifecycle import Action, available
from models.services import clocks, hub_list, owners, progress_views, queries
from models.services import hubs as hub_services
from models.services.common import Actor
from models.services.links import revoke_links
from models.services.review_tasks import reassign
from models.services.staff import active_team
from models.services.timeline import hub_versions, timeline
from models.staff import StaffMember
from models.words import plural
from plumbing.tokens import hub_url

router = APIRouter(prefix="/staff")

HUBS_PER_PAGE = 50


@router.get("/hubs")
def hubs_list(
    request: Request,
    session: Db,
    me: Staff,
    stage: str = "",
    status: str = "",
    q: str = "",
    whose: str = "",
    bounced: str = "",
    owner: str = "",
    sort: str = "",
    page_no: int = Query(1, alias="page", ge=1, le=MAX_ID),
) -> Response:
    filters = {
        "stage": stage,
        "status": status,
        "q": q,
        "whose": whose,
        "owner": owner,
        "sort": sort,
    }
    bouncing = bounced == "1"
    total = hub_list.count_hubs(
        session, stage=stage, status=status, q=q, whose=whose, bounced=bouncing, owner=owner
    )
    paging = Paging.of(
        total=total,
        asked=page_no,
        per_page=HUBS_PER_PAGE,
        path="/staff/hubs",
        filters={**filters, "bounced": bounced},
    )
    found = hub_list.list_hubs(
        session, **filters, bounced=bouncing, limit=HUBS_PER_PAGE, offset=paging.offset
    )
    return page(
        request,
        "staff_hubs.html",
        {
            "hubs": found,
            "moves": clocks.moves(session, found, zone=campaign_zone()),
            "today": campaign_today(),
            "paging": paging,
            "filters": filters,
            "stages": list(Stage),
            "statuses": list(Status),
            "sorts": team_words(hub_list.HUB_SORTS),
            "whose_choices": team_words(hub_list.WHOSE),
            "team": active_team(session),
            "bounced": bouncing,
        },
        staff=me,
    )


# What each action is called on the page, and the words that ask for its reason.
ACTION_WORDS = {
    Action.PAUSE: ("pause", "Pause the Hub", "Why pause it? (optional)"),
    Action.RESUME: ("resume", "Resume the Hub", "Note (optional)"),
    Action.WITHDRAW: ("withdraw", "Record that the Hub withdrew", "Why? (optional)"),
    Action.MOVE_BACK: ("move-back", "Move back a stage", "Why move it back? (required)"),
    Action.REOPEN: ("reopen", "Reopen the Hub", "Why reopen it? (required, sent to the Hub)"),
}


@router.get("/hubs/{hub_id}")
def hub_page(request: Request, session: Db, me: Staff, hub_id: Id) -> Response:
    return show_hub(request, session, me, hub_id)


def show_hub(
    request: Request,
    session: Session,
    me: StaffMember,
    hub_id: int,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    """A Hub's page for staff; `form` names a form sent back with `errors`, what was typed
    in it kept (`values`)."""
    hub = queries.get_hub(session, hub_id)
    mine = hub_versions(session, hub, today=campaign_today())
    tasks = queries.hub_tasks(session, hub_id)
    pending = next((v for v in mine if v.submission.state is SubmissionState.PENDING), None)
    state = hub.state(waiting_for_staff=pending is not None)
    actions = [ACTION_WORDS[a] for a in available(state)]
    return page(
        request,
        "staff_hub.html",
        {
            "hub": hub,
            "timeline": timeline(session, hub, today=campaign_today(), known=mine, tasks=tasks),
            "pending": pending,
            "move": clocks.move_of(
                hub,
                waiting_since=pending.submission.submitted_at if pending else None,
                zone=campaign_zone(),
            ),
            "today": campaign_today(),
            "tasks": tasks,
            # Moves its reports claim, for staff to confirm or decline (#32).
            "claims": [
                c
                for t in tasks
                if t.state is ReviewState.OPEN and (c := progress_views.claim_for(session, t))
            ],
            "reports": progress_views.reports_of(session, hub_id),
            "team": active_team(session),
            "owner": queries.staff_member(session, hub.owner_id),
            "actions": actions,
            "open": ReviewState.OPEN,
            "kinds": list(HubKind),
            "note_kinds": list(NoteKind),
            "form": form,
            "values": values or {},
            "errors": errors or {},
        },
        staff=me,
        status=422 if errors else 200,
    )


@router.get("/hubs/{hub_id}/as-hub")
def as_hub(session: Db, settings: Config, hub_id: Id) -> Response:
    """The Hub's own page, as its contacts see it (through its current private link)."""
    hub = queries.get_hub(session, hub_id)
    return RedirectResponse(hub_url(hub.id, hub.token_version, settings=settings), status_code=303)


STATUS_ACTIONS = {
    "pause": hub_services.pause,
    "resume": hub_services.resume,
    "withdraw": hub_services.withdraw,
    "move-back": hub_services.move_back,
    "reopen": hub_services.reopen,
}
DONE = {
    "pause": "{name} is paused; its clock has stopped.",
    "resume": "{name} is active again; its clock runs.",
    "withdraw": "{name} is recorded as withdrawn.",
    "move-back": "{name} is back at {stage}.",
    "reopen": "{name} is active again at {stage}, with a new due date; its contacts are told.",
}


@router.post("/hubs/{hub_id}/revoke-links")
async def revoke_hub_links(request: Request, session: Db, hub_id: Id) -> Response:
    await read_form(request)
    hub = revoke_links(session, hub_id)
    text = f"Every link to {hub.name}'s page sent so far no longer works."
    return redirect(f"/staff/hubs/{hub_id}", flash=text)


@router.post("/hubs/{hub_id}/{action}")
async def hub_action(
    request: Request, session: Db, settings: Config, me: Staff, hub_id: Id, action: str
) -> Response:
    values = await read_form(request)
    here = f"/staff/hubs/{hub_id}"
    service = STATUS_ACTIONS.get(action)
    if service is None:
        return redirect(here, flash="That is not something a Hub can do.", bad=True)
    try:
        values.refuse()
        hub = service(
            session,
            hub_id,
            actor=Actor.staff(me),
            reason=values.get("reason", ""),
            policy=settings.policy,
        )
    except HubflowError as exc:
        text = str(exc).replace("reason: ", "Reason: ")
        return redirect(here, flash=text[:1].upper() + text[1:] + ".", bad=True)
    text = DONE[action].format(name=hub.name, stage=hub.stage.label.lower())
    return redirect(here, flash=text)


@router.post("/hubs/assign")
async def assign_hubs(request: Request, session: Db, me: Staff) -> Response:
    """Give the Hubs chosen on the list (and their open review tasks) to one staff member."""
    values = await read_form(request)
    target = back(request, values.get("next", ""))
    chosen = [ascii_int(k.removeprefix("hub-")) for k in values if k.startswith("hub-")]
    for listed in values.get("page_hubs", "").split(","):
        chosen.append(ascii_int(listed))
    ids = [i for i in chosen if i is not None]
    if values.get("all_matching") == "1":  # every Hub the list's filters match, every page
        matching = {
            name: values.get(f"match-{name}", "")
            for name in ("stage", "status", "q", "whose", "owner")
        }
        ids += hub_list.hub_ids(
            session,
            limit=owners.MAX_AT_ONCE + 1,
            bounced=values.get("match-bounced") == "1",
            **matching,
        )
    staff_id = ascii_int(values.get("staff_id", ""))
    if staff_id is None:
        return redirect(target, flash="Choose who should take the Hubs.", bad=True)
    try:
        values.refuse()
        handed = owners.assign(session, ids, staff_id=staff_id, actor=Actor.staff(me))
    except HubflowError as exc:
        return redirect(target, flash=sentence(str(exc)), bad=True)
    who = queries.staff_member(session, staff_id)
    name = who.name if who else "them"
    return redirect(
        target,
        flash=f"{plural(len(set(ids)), 'Hub')} now with {name}: {handed.hubs} changed owner, "
        f"{plural(handed.tasks, 'open task')} followed.",
    )


@router.post("/tasks/{task_id}/reassign")
async def reassign_task(request: Request, session: Db, me: Staff, task_id: Id) -> Response:
    values = await read_form(request)
    staff_id = ascii_int(values.get("staff_id", ""))
    if staff_id is None:
        return redirect(back(request), flash="Choose who should take the task.", bad=True)
    try:
        task = reassign(session, task_id, staff_id=staff_id, actor=Actor.staff(me))
    except HubflowError as exc:
        return redirect(back(request), flash=str(exc), bad=True)
    owner = task.owner.name if task.owner else "nobody"
    return redirect(f"/staff/hubs/{task.hub_id}", flash=f"Task given to {owner}.")
