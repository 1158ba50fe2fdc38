"""The System page (#34): what `hubflow status` says, for staff in the console."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from hubflow.web.deps import Config, Staff
from hubflow.web.pages import page
from models.base import utcnow
from plumbing.health import checks

router = APIRouter(prefix="/staff")


@router.get("/system")
async def system(request: Request, settings: Config, me: Staff) -> Response:
    # Prefect is asked over HTTP (up to a few seconds): off the event loop.
    found = await run_in_threadpool(checks, settings, now=utcnow())
    return page(
        request,
        "staff_system.html",
        {"checks": found, "well": all(c.ok for c in found), "instance": settings.instance_name},
        staff=me,
    )
