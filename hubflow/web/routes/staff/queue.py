"""The dashboard at a glance, and the review queue: one submission in view, decided in one
click, then the next."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hubflow.web.boundary import Id
from hubflow.web.deps import Config, Db, Staff
from hubflow.web.forms import Posted, read_form
from hubflow.web.pages import campaign_today, campaign_zone, page, redirect, when_text
from hubflow.web.progress_content import progress_context
from hubflow.web.routes.staff.auth import back
from models.enums import Decision, Stage, Status, SubmissionState
from models.errors import AlreadyDecided, HubflowError
from models.hub import Hub
from models.services import clocks, newcomer_views, queries, reports
from models.services.coverage import coverage
from models.services.figures import figures
from models.services.kept import kept
from models.services.queries import review_task
from models.services.queue import QUEUE_SORTS, review_queue
from models.services.reviews import decide
from models.services.staff import member_by_email
from models.services.timeline import Version, hub_versions
from models.staff import StaffMember

router = APIRouter(prefix="/staff")


@router.get("")
def dashboard(request: Request, session: Db, settings: Config, me: Staff) -> Response:
    today = campaign_today()
    return page(
        request,
        "staff_dashboard.html",
        {
            # Worked out again only when the campaign changes (a second at 50,000 Hubs).
            **kept(session, ("dashboard", today), lambda: _overview(session, settings, today)),
            "mine": kept(
                session,
                ("dashboard-mine", today, me.id),
                lambda: review_queue(session, today=today, owner_id=me.id, limit=0).total,
            ),
            "hubs_total": reports.hub_count(session),
            "bouncing": reports.bouncing_hubs(session),
            "today": today,
            **newcomer_figures(session),
        },
        staff=me,
    )


def _overview(session: Session, settings: Any, today: date) -> dict[str, Any]:
    """The dashboard's figures made from the Hubs, their work, and the legislators."""
    everyone = review_queue(session, today=today, limit=0)
    waiting_longest = reports.longest_waiting(session)
    return {
        "funnel": reports.funnel(session),
        "stages": list(Stage),
        "statuses": list(Status),
        "waiting": everyone.total,
        "overdue": everyone.overdue,
        "stalled": reports.stalled_hubs(session),
        "coverage": coverage(session, targeting=False, names=0).counts(),
        "moves": reports.move_counts(session, today),
        "waiting_longest": waiting_longest,
        "waiting_moves": clocks.moves(session, waiting_longest, zone=campaign_zone()),
        "figures": figures(session, today=today, zone=campaign_zone()),
        **progress_context(session, settings, today),
    }


def newcomer_figures(session: Session) -> dict[str, Any]:
    """Newcomers waiting per district (most first) and each Hub's follow-up, lowest first."""
    waiting = sorted(newcomer_views.waiting_by_district(session).items(), key=lambda d: -d[1])
    return {
        "newcomers_waiting": waiting[:12],
        "follow_ups": newcomer_views.slowest_follow_ups(session, limit=12),
    }


@router.get("/queue")
def queue_page(
    request: Request,
    session: Db,
    me: Staff,
    who: str = "all",
    stage: str = "",
    q: str = "",
    sort: str = "",
) -> Response:
    today = campaign_today()
    found = review_queue(
        session,
        today=today,
        owner_id=me.id if who == "mine" else None,
        stage=stage,
        search=q,
        sort=sort,
    )
    current = found.items[0] if found.items else None
    filters = {"who": who, "stage": stage, "q": q, "sort": sort}
    filtered = who == "mine" or bool(stage or q)
    # Decided the last of a filtered queue: how many wait beyond the filter, one link away.
    beyond = review_queue(session, today=today, limit=0).total if filtered and not current else 0
    here = "/staff/queue?" + urlencode({k: v for k, v in filters.items() if v})
    return page(
        request,
        "staff_queue.html",
        {
            "queue": found,
            "current": current,
            "version": version_of(session, current.submission.hub, current.submission.id)
            if current
            else None,
            "here": here,
            "filters": filters,
            "filtered": filtered,
            "beyond": beyond,
            "unfiltered": "/staff/queue" + (f"?sort={sort}" if sort else ""),
            "stages": [s for s in Stage if s.takes_submission()],
            "sorts": QUEUE_SORTS,
        },
        staff=me,
    )


def version_of(session: Session, hub: Hub, submission_id: int) -> Version:
    """The submission as a document, with what changed since the version before it."""
    mine = hub_versions(session, hub, today=campaign_today())
    return next(v for v in mine if v.submission.id == submission_id)


@router.get("/reviews/{task_id}")
def review_link(session: Db, task_id: Id) -> Response:
    """Where review emails link to: the task, on its Hub's page."""
    task = review_task(session, task_id)
    if task is None:
        return redirect("/staff/queue", flash=f"There is no review task {task_id}.", bad=True)
    return redirect(f"/staff/hubs/{task.hub_id}#task-{task_id}")


VERBS = {
    Decision.APPROVE: "approved",
    Decision.REQUEST_CHANGES: "sent back for changes",
    Decision.DECLINE: "declined",
}


@router.post("/submissions/{submission_id}/decide")
async def decide_submission(
    request: Request, session: Db, settings: Config, me: Staff, submission_id: Id
) -> Response:
    values = await read_form(request)
    target = back(request, values.get("next", ""))
    if values.get("decision") == Decision.DECLINE and values.get("confirm") != "yes":
        # Declining stops the Hub: a second, separate step that says so and asks why.
        return confirm_decline(request, session, me, submission_id, values, target)
    try:
        values.refuse()
        sub = decide(
            session,
            submission_id,
            values.get("decision", ""),
            staff_id=me.id,
            comment=values.get("comment", ""),
            policy=settings.policy,
        )
    except AlreadyDecided as exc:
        return redirect(target, flash=_already(session, exc), bad=True)
    except HubflowError as exc:
        return redirect(target, flash=_sentence(exc), bad=True)
    hub = session.get(Hub, sub.hub_id)
    name = hub.name if hub else f"Hub {sub.hub_id}"
    verb = VERBS[Decision(values["decision"])]
    return redirect(target, flash=f"{name}: {sub.stage.label.lower()} {verb}.")


def confirm_decline(
    request: Request,
    session: Session,
    me: StaffMember,
    submission_id: int,
    values: Posted,
    target: str,
) -> Response:
    """The page that asks staff to confirm a decline, with the reason it will send."""
    sub = queries.submission(session, submission_id)
    if sub is None:
        return redirect(target, flash=f"There is no submission {submission_id}.", bad=True)
    if sub.state is not SubmissionState.PENDING:  # decided meanwhile: nothing to confirm
        decided = AlreadyDecided(
            submission_id=sub.id,
            state=sub.state.value,
            by=sub.decided_by or "the Hub",
            at=sub.decided_at,
        )
        return redirect(target, flash=_already(session, decided), bad=True)
    comment = values.get("comment", "").strip()
    return page(
        request,
        "staff_decline.html",
        {
            "sub": sub,
            "hub": sub.hub,
            "comment": comment,
            "next": target,
        },
        staff=me,
    )


def _already(session: Session, exc: AlreadyDecided) -> str:
    """'Bea Ruiz already approved this at Nov 26, 2:05 PM EST.'"""
    member = member_by_email(session, exc.by.removeprefix("staff:"))
    who = member.name if member else exc.by.removeprefix("staff:")
    verb = {"approved": "approved", "changes_requested": "asked for changes to"}.get(
        exc.state, "declined"
    )
    at = f" at {when_text(exc.at)}" if exc.at else ""
    return f"{who} already {verb} this submission{at}; nothing was changed."


def _sentence(exc: HubflowError) -> str:
    """'Comment: tell the Hub what to change….' (the field named in words)."""
    text = str(exc)
    for field in ("comment", "decision", "next"):
        text = text.replace(f"{field}: ", f"{field.capitalize()}: ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
