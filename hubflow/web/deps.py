"""What a route is given rather than fetches: its database session, the settings and, on
staff pages, the staff member logged in (FastAPI dependencies, one door each)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hubflow.web import security
from hubflow.web.boundary import MAX_ID
from models.errors import InvalidInput
from models.services.hubs import Interest, record_interests
from models.services.staff import logged_in_member
from models.staff import StaffMember
from plumbing.batching import Batcher
from plumbing.db import session_factory, unavailable
from plumbing.settings import Settings, get_settings

# Declared `async def` so that FastAPI runs them on the event loop, not through a thread
# of the pool (a hop each way per dependency). A session connects only when first used.


async def database() -> AsyncIterator[Session]:
    """A session for this request, closed when the request is done."""
    with session_factory()() as session:
        yield session


def in_own_session(work: Callable[..., object], *args: Any) -> None:
    """`work(session, *args)` in a session of its own: for a background task, which runs
    after the request's session is closed."""
    with session_factory()() as session:
        work(session, *args)


async def settings() -> Settings:
    return get_settings()


Db = Annotated[Session, Depends(database)]
Config = Annotated[Settings, Depends(settings)]


class LoginRequired(Exception):
    """A staff page without a session: go and log in."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class NotLoggedIn(Exception):
    """A staff action without a session."""


async def staff_member(request: Request, session: Db) -> StaffMember:
    """The staff member whose session cookie this is. A page without one is sent to log in
    (and back afterwards); an action (a POST) is refused."""
    claims = security.session_claims(request)
    member = None
    if claims and claims[0] <= MAX_ID:
        member = logged_in_member(session, staff_id=claims[0], session_version=claims[1])
    if member is None:
        if request.method not in ("GET", "HEAD"):
            raise NotLoggedIn
        raise LoginRequired(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    return member


# Declared on the staff router, so no staff route can forget it; a route that needs to know
# who acts takes `me: Staff` (FastAPI resolves it once per request).
Staff = Annotated[StaffMember, Depends(staff_member)]


def _record_interests(forms: list[dict[str, Any]]) -> list[Interest | InvalidInput]:
    """The database part of /join posts, off the event loop: the posts that arrived while
    the previous transaction ran share the next one (see plumbing.batching)."""
    with session_factory()() as session:
        return record_interests(session, forms, policy=get_settings().policy)


# What /join is given to record a form: it waits for its batch's transaction.
interests: Batcher[dict[str, Any], Interest | InvalidInput] = Batcher(
    # A failed batch is tried form by form, but not when the database is out of reach.
    _record_interests,
    name="join",
    retry_alone=lambda exc: not unavailable(exc),
)
