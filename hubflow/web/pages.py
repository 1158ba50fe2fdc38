"""Rendering pages: every page gets its CSRF token, the logged-in staff member and a flash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from hubflow.web import security
from models import words
from models.base import utcnow
from plumbing.settings import get_settings

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.undefined = StrictUndefined
templates.env.auto_reload = False  # the templates ship with the code


def campaign_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().policy.timezone)


def campaign_today() -> date:
    return get_settings().policy.today(utcnow())


def team_words(options: dict[str, str]) -> dict[str, str]:
    """Choices whose words say "the team", with the campaign's name for its team."""
    team = f"the {get_settings().campaign.team}"
    return {key: words.replace("the team", team) for key, words in options.items()}


def when_text(value: datetime | None) -> str:
    return words.when(value, tz=campaign_zone(), now=utcnow())


# Dates and times as people read them (models/words.py), in the campaign's zone.
templates.env.filters.update(
    day=lambda v: words.day(v, today=campaign_today()),
    longday=lambda v: words.longday(v, today=campaign_today()),
    when=when_text,
    due=lambda v: words.days_from(v, campaign_today()),
    plural=words.plural,
    upper_first=lambda text: text[:1].upper() + text[1:],
)


def page(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    staff: Any = None,
) -> HTMLResponse:
    flash = request.cookies.get(security.FLASH_COOKIE)
    text, bad = (unquote(flash[1:]), flash.startswith("!")) if flash else ("", False)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "csrf": security.csrf_token(request),
            "staff": staff,
            "flash": text,
            "flash_bad": bad,
            "campaign": get_settings().campaign,
            **(context or {}),
        },
        status_code=status,
    )
    security.set_csrf_cookie(request, response)
    if flash:
        response.delete_cookie(security.FLASH_COOKIE)
    return response


def redirect(url: str, *, flash: str = "", bad: bool = False) -> RedirectResponse:
    """See-other to `url`, carrying a one-time message for the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        if len(flash) > FLASH_MAX:  # it may quote what someone typed: never a huge cookie
            flash = flash[: FLASH_MAX - 1] + "…"
        response.set_cookie(
            security.FLASH_COOKIE,
            ("!" if bad else ".") + quote(flash),
            httponly=True,
            samesite="lax",
            max_age=60,
            secure=get_settings().base_url.startswith("https://"),
        )
    return response


FLASH_MAX = 300  # characters; quoted, well under a browser's 4 kB cookie


RETRY_AFTER = "60"  # seconds: a database that is restarting or locked is back by then
BUSY = "We could not reach our database just now. Nothing was saved: please try again in a minute."


def busy(request: Request) -> Response:
    """503: the database is out of reach or locked; try again in a minute."""
    response = message(request, "Please try again in a minute", BUSY, status=503)
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def message(
    request: Request, heading: str, text: str, *, status: int = 200, ask_link: bool = False
) -> Response:
    return page(
        request,
        "message.html",
        {"heading": heading, "text": text, "ask_link": ask_link},
        status=status,
    )


@dataclass(frozen=True, slots=True)
class Paging:
    """Which page of a list is shown, and the links to its neighbours (filters kept)."""

    total: int
    page_no: int
    pages: int
    first: int  # the number of its first row, from 1
    offset: int
    prev_url: str | None
    next_url: str | None
    here: str

    @classmethod
    def of(
        cls, *, total: int, asked: int, per_page: int, path: str, filters: dict[str, str]
    ) -> Paging:
        pages = max(1, -(-total // per_page))
        page_no = min(max(asked, 1), pages)  # past the end: the last page

        def url(n: int) -> str:
            return f"{path}?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": n})

        return cls(
            total=total,
            page_no=page_no,
            pages=pages,
            first=(page_no - 1) * per_page + 1,
            offset=(page_no - 1) * per_page,
            prev_url=url(page_no - 1) if page_no > 1 else None,
            next_url=url(page_no + 1) if page_no < pages else None,
            here=url(page_no),
        )
