"""Staff login and logout (who is logged in: hubflow/web/deps.py)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hubflow.web import security
from hubflow.web.boundary import MAX_ID
from hubflow.web.deps import Config, Db
from hubflow.web.forms import read_form
from hubflow.web.pages import page, redirect
from models.services.staff import active_member, end_sessions
from plumbing.passwords import check_password

router = APIRouter(prefix="/staff")


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
async def login(request: Request, session: Db, settings: Config) -> Response:
    values = await read_form(request)
    values.refuse()
    target = back(request, values.get("next") or "/staff")
    rate, account = settings.login_rate_limit, values.get("email", "").lower()[:254]
    # Rotating addresses does not buy more tries at one account, and a flood of wrong
    # passwords from one address does not lock the account's owner out.
    if not security.login_allowed(request, account=account, rate=rate):
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
    member = active_member(session, values.get("email", ""))
    ok = check_password(member.password_hash if member else None, values.get("password", ""))
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
    security.login(response, member.id, member.session_version)
    return response


@router.post("/logout")
async def logout(request: Request, session: Db) -> Response:
    await read_form(request)
    claims = security.session_claims(request)
    if claims and claims[0] <= MAX_ID:
        end_sessions(session, claims[0])  # the cookie, even if kept, no longer works
    response = redirect("/staff/login", flash="You are logged out.")
    security.logout(response)
    return response
