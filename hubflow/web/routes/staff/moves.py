"""Staff's word on a move a Hub's report claims (#32), and a legislator's page: where they
stand, how that changed (who, when, the evidence, the Hub credited), the Hubs on them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hubflow.web.boundary import Id
from hubflow.web.deps import Db, Staff
from hubflow.web.forms import read_form, sentence
from hubflow.web.pages import page, redirect
from hubflow.web.routes.staff.hubs import show_hub
from models.base import utcnow
from models.errors import HubflowError, InvalidInput
from models.services import progress, progress_views
from models.services.common import Actor
from models.services.queries import find_legislator

router = APIRouter(prefix="/staff")

HUBS_SHOWN = 50  # of the Hubs on a legislator: a large campaign has hundreds on each


@router.post("/moves/{action_id}/{verb}")
async def decide_move(
    request: Request, session: Db, me: Staff, action_id: Id, verb: str
) -> Response:
    values = await read_form(request)
    action = progress_views.reported_action(session, action_id)
    if action is None or verb not in ("confirm", "decline"):
        return redirect("/staff/queue", flash="There is no such claimed move.", bad=True)
    hub_id, name = action.hub_id, action.legislator_name
    try:
        values.refuse()
        if verb == "confirm":
            done = progress.confirm_move(
                session,
                action_id,
                actor=Actor.staff(me),
                comment=values.get(f"claim{action_id}-comment", ""),
                now=utcnow(),
            )
            stance = done.claimed_stance.label if done.claimed_stance else ""
            said = f"Confirmed: {name} is now “{stance}”. Every Hub on them will hear it."
        else:
            progress.decline_move(
                session,
                action_id,
                actor=Actor.staff(me),
                reason=values.get(f"claim{action_id}-reason", ""),
                now=utcnow(),
            )
            said = f"Declined; the Hub will read why. {name}'s stance is unchanged."
    except InvalidInput as exc:
        errors = {
            f"claim{action_id}-{field}": sentence(message) for field, message in exc.errors.items()
        }
        return show_hub(
            request,
            session,
            me,
            hub_id,
            form=f"claim{action_id}",
            values=dict(values),
            errors=errors,
        )
    except HubflowError as exc:
        return redirect(f"/staff/hubs/{hub_id}#moves", flash=sentence(str(exc)), bad=True)
    return redirect(f"/staff/hubs/{hub_id}#moves", flash=said)


@router.get("/legislators/{legislator_id}")
def legislator_page(request: Request, session: Db, me: Staff, legislator_id: Id) -> Response:
    legislator = find_legislator(session, legislator_id)
    if legislator is None:
        return redirect("/staff/legislators", flash="There is no such legislator.", bad=True)
    hubs, hubs_total = progress_views.some_hubs_targeting(session, legislator.id, limit=HUBS_SHOWN)
    return page(
        request,
        "staff_legislator.html",
        {
            "leg": legislator,
            "history": progress_views.history(session, legislator.id),
            "hubs": hubs,
            "hubs_total": hubs_total,
            "actions": progress_views.actions_on(session, legislator.id),
        },
        staff=me,
    )
