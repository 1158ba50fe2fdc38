"""The GO! Team console (SPEC §6): login, dashboard, review queue, Hubs, legislators."""

from __future__ import annotations

from fastapi import APIRouter

from hubflow.web.routes.staff import auth, downloads, hubs, legislators, queue
from hubflow.web.routes.staff.auth import LoginRequired, NotLoggedIn, login_url, staff_for

router = APIRouter()
for part in (auth, queue, hubs, legislators, downloads):
    router.include_router(part.router)

__all__ = ["LoginRequired", "NotLoggedIn", "login_url", "router", "staff_for"]
