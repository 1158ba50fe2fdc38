"""The GO! Team console: login, review queue, Hubs, a Hub's timeline and its actions."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hubflow.db import session_factory
from hubflow.settings import get_settings
from hubflow.web import security
from hubflow.web.forms import read_form
from hubflow.web.pages import page, redirect
from hubflow.web.routes.hub import LABELS
from models.audit import StageChange
from models.base import utcnow
from models.email import Email
from models.enums import Decision, ReviewState, Stage, Status, SubmissionState
from models.errors import HubflowError
from models.hub import Hub
from models.review import ReviewTask
from models.services import hubs as hub_services
from models.services import legislators, queries
from models.services.common import Actor
from models.services.review_tasks import reassign
from models.services.reviews import decide, pending_submissions
from models.staff import StaffMember

STANCES = LABELS["stances"]

router = APIRouter(prefix="/staff")


class LoginRequired(Exception):
    """A staff page without a session: go and log in."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class NotLoggedIn(Exception):
    """A staff action without a session."""


def staff_for(request: Request, session: Session, *, action: bool = False) -> StaffMember:
    staff_id = security.session_staff_id(request)
    member = session.get(StaffMember, staff_id) if staff_id else None
    if member is None or not member.active:
        if action:
            raise NotLoggedIn
        raise LoginRequired(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    return member


@router.get("/login")
def login_form(request: Request, next: str = "/staff") -> Response:
    return page(request, "staff_login.html", {"next": next, "email": "", "error_message": ""})


@router.post("/login")
async def login(request: Request) -> Response:
    values = await read_form(request)
    target = values.get("next") or "/staff"
    if not target.startswith("/staff"):
        target = "/staff"  # never send a person off-site after login
    if not security.allowed(request, scope="login", rate=get_settings().login_rate_limit):
        return page(
            request,
            "staff_login.html",
            {
                "next": target,
                "email": "",
                "error_message": "Too many attempts; wait a minute and try again.",
            },
            status=429,
        )
    with session_factory()() as session:
        member = session.scalar(
            select(StaffMember).where(
                StaffMember.email == values.get("email", "").lower(), StaffMember.active
            )
        )
        ok = security.check_password(
            member.password_hash if member else None, values.get("password", "")
        )
    if not ok or member is None:
        return page(
            request,
            "staff_login.html",
            {
                "next": target,
                "email": values.get("email"),
                "error_message": "That email and password do not match.",
            },
            status=401,
        )
    response = redirect(target)
    security.login(response, member.id)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await read_form(request)
    response = redirect("/staff/login", flash="You are logged out.")
    security.logout(response)
    return response


HUBS_PER_PAGE = 50
QUEUE_SHOWN = 25  # of the review queue, oldest first


@router.get("")
def dashboard(
    request: Request,
    mine: str = "0",
    stage: str = "",
    status: str = "",
    page_no: int = Query(1, alias="page"),
) -> Response:
    with session_factory()() as session:
        me = staff_for(request, session)
        today = get_settings().policy.today(utcnow())
        tasks = {
            t.submission_id: t
            for t in session.scalars(
                select(ReviewTask)
                .where(ReviewTask.state == ReviewState.OPEN, ReviewTask.submission_id.is_not(None))
                .options(selectinload(ReviewTask.owner))
            )
        }
        queue = []
        for sub in pending_submissions(session):
            task = tasks.get(sub.id)
            if mine == "1" and (task is None or task.owner_id != me.id):
                continue
            queue.append(
                {"sub": sub, "task": task, "overdue": bool(task and task.due_date < today)}
            )
        filters = {"stage": stage or None, "status": status or None}
        total = queries.count_hubs(session, **filters)
        pages = max(1, -(-total // HUBS_PER_PAGE))
        page_no = min(max(page_no, 1), pages)
        hubs = queries.list_hubs(
            session, **filters, limit=HUBS_PER_PAGE, offset=(page_no - 1) * HUBS_PER_PAGE
        )

        def page_url(n: int) -> str:
            return "/staff?" + urlencode(
                {"mine": mine, "stage": stage, "status": status, "page": n}
            )

        return page(
            request,
            "staff_dashboard.html",
            {
                "queue": queue[:QUEUE_SHOWN],
                "queue_total": len(queue),
                "mine": mine == "1",
                "hubs": hubs,
                "hubs_total": total,
                "first": (page_no - 1) * HUBS_PER_PAGE + 1,
                "page_no": page_no,
                "pages": pages,
                "prev_url": page_url(page_no - 1) if page_no > 1 else None,
                "next_url": page_url(page_no + 1) if page_no < pages else None,
                "stage": stage,
                "status": status,
                "stages": list(Stage),
                "statuses": list(Status),
            },
            staff=me,
        )


@router.get("/hubs/{hub_id}")
def hub_page(request: Request, hub_id: int) -> Response:
    with session_factory()() as session:
        me = staff_for(request, session)
        detail = queries.hub_detail(session, hub_id)
        emails = session.scalars(select(Email).where(Email.hub_id == hub_id)).all()
        timeline = sorted(
            [(c.at, "stage", _change(c)) for c in detail.history]
            + [
                (
                    s.submitted_at,
                    f"{s.stage.label} v{s.version} submitted",
                    f"{s.state.value}{': ' + s.comment if s.comment else ''} {s.payload}",
                )
                for s in detail.submissions
            ]
            + [
                (e.created_at, f"email {e.kind.value}", f"to {e.to_email}: {e.state.value}")
                for e in emails
            ],
            key=lambda row: row[0],
        )
        pending = next((s for s in detail.submissions if s.state is SubmissionState.PENDING), None)
        tasks = session.scalars(
            select(ReviewTask)
            .where(ReviewTask.hub_id == hub_id)
            .options(selectinload(ReviewTask.owner))
            .order_by(ReviewTask.id)
        ).all()
        team = session.scalars(
            select(StaffMember).where(StaffMember.active).order_by(StaffMember.name)
        ).all()
        actions = [
            ("pause", "Pause"),
            ("resume", "Resume"),
            ("withdraw", "Withdraw"),
            ("move-back", "Move back a stage"),
        ]
        return page(
            request,
            "staff_hub.html",
            {
                "hub": detail.hub,
                "timeline": timeline,
                "pending": pending,
                "tasks": tasks,
                "team": team,
                "actions": actions,
            },
            staff=me,
        )


def _change(c: StageChange) -> str:
    frm = f"{c.from_stage.value}/{c.from_status.value}" if c.from_stage and c.from_status else "-"
    return f"{frm} -> {c.to_stage.value}/{c.to_status.value} by {c.actor}" + (
        f": {c.reason}" if c.reason else ""
    )


@router.get("/reviews/{task_id}")
def review_link(request: Request, task_id: int) -> Response:
    """Where review emails link to: the task, on its Hub's page."""
    with session_factory()() as session:
        staff_for(request, session)
        task = session.get(ReviewTask, task_id)
        if task is None:
            return redirect("/staff", flash=f"review task {task_id} not found", bad=True)
        return redirect(f"/staff/hubs/{task.hub_id}#task-{task_id}")


@router.post("/submissions/{submission_id}/decide")
async def decide_submission(request: Request, submission_id: int) -> Response:
    values = await read_form(request)
    with session_factory()() as session:
        me = staff_for(request, session, action=True)
        try:
            sub = decide(
                session,
                submission_id,
                values.get("decision", ""),
                staff_id=me.id,
                comment=values.get("comment", ""),
            )
        except HubflowError as exc:
            return redirect(_back(request), flash=str(exc), bad=True)
        hub = session.get(Hub, sub.hub_id)
        name = hub.name if hub else f"Hub {sub.hub_id}"
    verb = {
        Decision.APPROVE: "approved",
        Decision.REQUEST_CHANGES: "sent back for changes",
        Decision.DECLINE: "declined",
    }[Decision(values["decision"])]
    return redirect(_back(request), flash=f"{name}: {sub.stage.label.lower()} {verb}.")


STATUS_ACTIONS = {
    "pause": hub_services.pause,
    "resume": hub_services.resume,
    "withdraw": hub_services.withdraw,
    "move-back": hub_services.move_back,
}


@router.post("/hubs/{hub_id}/{action}")
async def hub_action(request: Request, hub_id: int, action: str) -> Response:
    values = await read_form(request)
    with session_factory()() as session:
        me = staff_for(request, session, action=True)
        service = STATUS_ACTIONS.get(action)
        if service is None:
            return redirect(f"/staff/hubs/{hub_id}", flash=f"unknown action {action}", bad=True)
        try:
            hub = service(session, hub_id, actor=Actor.staff(me), reason=values.get("reason", ""))
        except HubflowError as exc:
            return redirect(f"/staff/hubs/{hub_id}", flash=str(exc), bad=True)
        text = f"{hub.name} is now {hub.status.value} in {hub.stage.label.lower()}."
    return redirect(f"/staff/hubs/{hub_id}", flash=text)


@router.post("/tasks/{task_id}/reassign")
async def reassign_task(request: Request, task_id: int) -> Response:
    values = await read_form(request)
    with session_factory()() as session:
        me = staff_for(request, session, action=True)
        try:
            staff_id = int(values.get("staff_id", "0"))
            task = reassign(session, task_id, staff_id=staff_id, actor=Actor.staff(me))
        except (HubflowError, ValueError) as exc:
            return redirect(_back(request), flash=str(exc), bad=True)
        return redirect(f"/staff/hubs/{task.hub_id}", flash="Task reassigned.")


@router.get("/legislators")
def legislators_page(request: Request, chamber: str = "", hcf: str = "") -> Response:
    with session_factory()() as session:
        me = staff_for(request, session)
        found = legislators.list_legislators(
            session,
            chamber=chamber or None,
            committee=legislators.HCF_COMMITTEE if hcf else None,
        )
        return page(
            request,
            "staff_legislators.html",
            {
                "legislators": found,
                "chamber": chamber,
                "hcf": bool(hcf),
                "roles": {leg.id: legislators.committee_role(leg) for leg in found},
                "stances": STANCES,
            },
            staff=me,
        )


@router.post("/legislators/{legislator_id}/stance")
async def set_stance(request: Request, legislator_id: int) -> Response:
    values = await read_form(request)
    with session_factory()() as session:
        me = staff_for(request, session, action=True)
        try:
            leg = legislators.set_stance(
                session,
                legislator_id,
                values.get("stance", ""),
                actor=Actor.staff(me),
                reason=values.get("reason", ""),
            )
        except HubflowError as exc:
            return redirect("/staff/legislators", flash=str(exc), bad=True)
        return redirect("/staff/legislators", flash=f"{leg.name}: {leg.stance.value}.")


def _back(request: Request) -> str:
    referer = request.headers.get("referer", "")
    path = "/" + referer.split("/", 3)[3] if referer.count("/") >= 3 else "/staff"
    return path if path.startswith("/staff") else "/staff"


def login_url(next_url: str) -> str:
    return f"/staff/login?next={quote(next_url)}"
