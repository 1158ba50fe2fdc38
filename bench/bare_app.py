"""Baselines for bench/join.py (bare FastAPI handlers for the same form, storing nothing)
and bench/pages.py (a page with nothing behind it).

`app` is the fastest of its kind: an `async def` reads the whole form (every field the
volunteer sends) on the event loop, with no hop to a thread pool. `sync_app` is a plain
`def` that FastAPI runs in its thread pool (the baseline of earlier runs), for comparison.
"""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse

app = FastAPI()
sync_app = FastAPI()


@app.post("/join")
async def join(request: Request) -> HTMLResponse:
    form = await request.form()
    return HTMLResponse(f"<p>Thank you, {form['group_name']} ({form['email']})</p>")


@app.get("/ping")
async def ping() -> HTMLResponse:
    """bench/pages.py's baseline: a page served over HTTP with nothing behind it."""
    return HTMLResponse("<!DOCTYPE html><title>ping</title><p>pong</p>")


@sync_app.post("/join")
def join_sync(group_name: str = Form(...), email: str = Form(...)) -> HTMLResponse:
    return HTMLResponse(f"<p>Thank you, {group_name} ({email})</p>")
