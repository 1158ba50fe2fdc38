"""The GO! Team console (SPEC §6): login, dashboard, review queue, Hubs, legislators,
announcements.

Every route but login and logout is behind `staff_member` (hubflow/web/deps.py), declared
here once for the whole console."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hubflow.web.deps import staff_member
from hubflow.web.routes.staff import (
    announcements,
    auth,
    downloads,
    hubs,
    legislators,
    moves,
    queue,
    system,
    work,
)
from hubflow.web.routes.staff.auth import login_url

router = APIRouter()
router.include_router(auth.router)
console = APIRouter(dependencies=[Depends(staff_member)])
for part in (
    queue,
    work,
    hubs,
    moves,
    legislators,
    announcements,
    system,
    downloads,
):  # work before hubs: /hubs/{id}/{action}
    console.include_router(part.router)
router.include_router(console)

__all__ = ["login_url", "router"]
