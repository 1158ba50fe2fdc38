"""hubflow's web app, each response saying how many SQL statements it took
(`X-Statements`): what bench/pages.py serves, so that it prints queries per request. The
count is a few increments per statement; nothing else differs from `hubflow web`'s app."""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import Engine, event

from hubflow.web.app import create_app as hubflow_app

_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "statements", default=None
)


@event.listens_for(Engine, "before_cursor_execute")
def _seen(*_: Any) -> None:
    box = _statements.get()
    if box is not None:
        box[0] += 1


def create_app() -> FastAPI:
    app = hubflow_app()

    @app.middleware("http")
    async def counted(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        box = [0]
        token = _statements.set(box)
        try:
            response = await call_next(request)
        finally:
            _statements.reset(token)
        response.headers["X-Statements"] = str(box[0])
        return response

    return app
