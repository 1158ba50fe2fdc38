"""The FastAPI application (SPEC §6): server-rendered pages that work without JavaScript."""

from __future__ import annotations

import gc
import logging
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError

from hubflow.web.boundary import check_query
from hubflow.web.deps import LoginRequired, NotLoggedIn
from hubflow.web.forms import CSRFError
from hubflow.web.pages import busy, message
from hubflow.web.routes import (
    hub,
    involved,
    links,
    ops,
    places,
    progress,
    public,
    staff,
    unsubscribe,
    webhooks,
)
from models.errors import InvalidInput, NotFound
from plumbing.db import ping, unavailable
from plumbing.settings import MissingSecret, get_settings

log = logging.getLogger(__name__)


def create_app() -> FastAPI:
    try:
        get_settings().key()  # refuse to serve with no key, or with a key anyone knows
    except MissingSecret as exc:
        raise SystemExit(f"hubflow: {exc}") from None
    app = FastAPI(
        title="hubflow",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_query)],  # every query parameter, at the boundary
    )
    app.include_router(public.router)
    app.include_router(involved.router)
    app.include_router(unsubscribe.router)
    app.include_router(places.router)
    app.include_router(links.router)  # before hub: /hub/link is not a Hub's token
    app.include_router(hub.router)
    app.include_router(progress.router)
    app.include_router(staff.router)
    app.include_router(webhooks.router)
    app.include_router(ops.router)

    @app.get("/")
    def home() -> RedirectResponse:
        return RedirectResponse("/join", status_code=303)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        """Up, and the database answers. Nothing about where it is: the log has that."""
        try:
            ping()
        except Exception:
            log.exception("health check: the database does not answer")
            return JSONResponse({"status": "error", "database": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.exception_handler(InvalidInput)
    def invalid_input(request: Request, exc: InvalidInput) -> Response:
        """Bad input no form caught (a filter in a URL, say): named, as forms do."""
        fields = "; ".join(f"{field}: {text}" for field, text in exc.errors.items())
        return message(request, "That did not work", fields, status=400)

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        return message(request, "Not found", f"There is no {exc.what} {exc.key}.", status=404)

    @app.exception_handler(RequestValidationError)
    def malformed(request: Request, exc: RequestValidationError) -> Response:
        """A URL part that cannot be what it names (/staff/hubs/abc): no such page; a
        query parameter: bad input, named."""
        errors = exc.errors()
        for e in errors:
            if e["loc"][0] == "path":
                what = THINGS.get(str(e["loc"][-1]), "page")
                given = str(e.get("input", ""))[:40]
                return message(request, "Not found", f"There is no {what} “{given}”.", status=404)
        fields = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in errors)
        return message(request, "That did not work", fields, status=400)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(TimeoutError)
    def database_trouble(request: Request, exc: Exception) -> Response:
        """The database out of reach or locked: a page that says so and when to try again,
        never a bare 500 (forms that can keep what was typed do so themselves)."""
        if not unavailable(exc):
            raise exc
        log.warning("database unavailable: %s", exc)
        return busy(request)

    @app.exception_handler(CSRFError)
    def csrf_refused(request: Request, exc: CSRFError) -> Response:
        return message(
            request,
            "This form has expired",
            "For your safety the form could not be accepted. Go back, reload the "
            "page and send it again.",
            status=403,
        )

    @app.exception_handler(LoginRequired)
    def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(staff.login_url(exc.next_url), status_code=303)

    @app.exception_handler(NotLoggedIn)
    def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        return PlainTextResponse("Log in as staff first.", status_code=401)

    return SecurityHeaders(BodyLimit(app))  # type: ignore[return-value]


# What a path id names, for "there is no such …".
THINGS = {
    "hub_id": "Hub",
    "task_id": "review task",
    "submission_id": "submission",
    "legislator_id": "legislator",
}


def server_app() -> FastAPI:
    """The app as a long-running server runs it (`hubflow serve`, bench/join.py).

    Everything built so far (modules, mappers, routes) lives as long as the process:
    frozen out of the garbage collector's sight, so that a full collection does not walk
    it all again in the middle of a request (that walk was most of /join's p99).
    """
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# Pages that show one person's data (a staff session, a Hub's private page, a receipt):
# never kept by a browser or a proxy.
PRIVATE = ("/staff", "/hub/", "/join/thanks/", "/unsubscribe/")
NO_STORE = (b"cache-control", b"no-store")


# What a request may post, refused from its Content-Length before a byte of it is read: a
# form is a few kB; SendGrid batches its webhook's events.
BODY_LIMIT = 1024 * 1024
BODY_LIMITS = {"/webhooks/": 4 * 1024 * 1024}


class BodyLimit:
    """Plain ASGI middleware: 413 for a body over its path's limit, 411 for one of unknown
    length (a chunked upload), both before the app reads anything."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = next((n for p, n in BODY_LIMITS.items() if path.startswith(p)), BODY_LIMIT)
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is None and b"chunked" in headers.get(b"transfer-encoding", b""):
            await PlainTextResponse("Send the length of the body.", 411)(scope, receive, send)
            return
        if length is not None and (not length.isdigit() or int(length) > limit):
            too_big = f"The request is larger than the {limit // 1024:,} kB this accepts."
            await PlainTextResponse(too_big, 413)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Plain ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:  # e.g. `.routes`, `.state` for callers
        return getattr(self.app, name)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(HEADERS)
        if get_settings().base_url.startswith("https://"):
            extra.append(HSTS)
        if str(scope.get("path", "")).startswith(PRIVATE):
            extra.append(NO_STORE)

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)
