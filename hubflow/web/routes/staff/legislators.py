"""Legislators and where they stand, filtered and a page at a time; staff set stances."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from hubflow.web.boundary import MAX_ID, Id
from hubflow.web.deps import Config, Db, Staff
from hubflow.web.forms import read_form
from hubflow.web.pages import Paging, page, redirect
from hubflow.web.routes.staff.auth import back
from models.enums import Chamber, Stance
from models.errors import HubflowError
from models.services import legislators
from models.services.common import Actor
from models.services.kept import kept
from models.services.working_on import hubs_working_on

router = APIRouter(prefix="/staff")

PER_PAGE = 40


@router.get("/legislators")
def legislators_page(
    request: Request,
    session: Db,
    settings: Config,
    me: Staff,
    chamber: str = "",
    stance: str = "",
    hcf: str = "",
    q: str = "",
    page_no: int = Query(1, alias="page", ge=1, le=MAX_ID),
) -> Response:
    focus = settings.campaign.committee.name
    wanted: dict[str, Any] = {
        "chamber": chamber or None,
        "stance": stance or None,
        "committee": focus if hcf else None,
        "search": q,
    }
    filters = {"chamber": chamber, "stance": stance, "hcf": hcf, "q": q}
    paging = Paging.of(
        total=legislators.count_legislators(session, **wanted),
        asked=page_no,
        per_page=PER_PAGE,
        path="/staff/legislators",
        filters=filters,
    )
    shown = legislators.list_legislators(session, **wanted, offset=paging.offset, limit=PER_PAGE)
    return page(
        request,
        "staff_legislators.html",
        {
            "legislators": shown,
            "paging": paging,
            "filters": filters,
            "roles": {leg.id: legislators.committee_role(leg, focus) for leg in shown},
            # Kept until the campaign changes: thousands of Hubs may work on these 40.
            "workers": kept(
                session,
                ("working-on", tuple(leg.id for leg in shown)),
                lambda: hubs_working_on(session, shown),
            ),
            "chambers": list(Chamber),
            "stances": list(Stance),
        },
        staff=me,
    )


@router.post("/legislators/{legislator_id}/stance")
async def set_stance(request: Request, session: Db, me: Staff, legislator_id: Id) -> Response:
    values = await read_form(request)
    target = back(request, values.get("next", "/staff/legislators"))
    try:
        values.refuse()
        leg = legislators.set_stance(
            session,
            legislator_id,
            values.get("stance", ""),
            actor=Actor.staff(me),
            reason=values.get("reason", ""),
        )
    except HubflowError as exc:
        return redirect(target, flash=str(exc), bad=True)
    return redirect(target, flash=f"{leg.name}: {leg.stance.label.lower()}.")
