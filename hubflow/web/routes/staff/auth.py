"""Staff login and logout, and who is logged in."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from hubflow.db import session_factory
from hubflow.settings import get_settings
from hubflow.web import security
from hubflow.web.forms import read_form
from hubflow.web.pages import page, redirect
from models.staff import StaffMember

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


def login_url(next_url: str) -> str:
    return f"/staff/login?next={quote(next_url)}"


def back(request: Request, wanted: str = "") -> str:
    """Where a staff action returns to: the page it names, else the page it came from."""
    if not wanted:
        referer = request.headers.get("referer", "")
        wanted = "/" + referer.split("/", 3)[3] if referer.count("/") >= 3 else ""
    return wanted if wanted.startswith("/staff") and "//" not in wanted else "/staff"


@router.get("/login")
def login_form(request: Request, next: str = "/staff") -> Response:
    return page(request, "staff_login.html", {"next": next, "email": "", "error_message": ""})


@router.post("/login")
async def login(request: Request) -> Response:
    values = await read_form(request)
    target = back(request, values.get("next") or "/staff")
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
